"""The benchmarks' handle on a real server and on a crowd of viewers in its own process."""

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import cpu_seconds, raise_fd_limit
from tests.live import LiveServer


def start_server(folder: Path) -> LiveServer:
    """A real `loopcast serve` on a free loopback port, on the GPU when there is one."""
    raise_fd_limit()
    workdir = Path(tempfile.mkdtemp(prefix="loopcast-bench-server-"))
    return LiveServer(folder, workdir, LOOPCAST_DEVICE="auto").start()


class Crowd:
    """`count` viewers (plus `stalled` ones that never read) in a `bench.viewers` process."""

    def __init__(self, live: LiveServer, count: int, stalled: int = 0) -> None:
        command = [sys.executable, "-m", "bench.viewers", "--url", live.ws_url]
        command += ["--count", str(count), "--stalled", str(stalled)]
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        self.count = count
        self.connected = self._read()

    def _read(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"bench.viewers exited {self.process.wait()}")
        answer: dict[str, Any] = json.loads(line)
        return answer

    def _say(self, line: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()

    def cpu_seconds(self) -> float:
        return cpu_seconds(self.process.pid)

    def reset(self) -> None:
        self._say("reset")

    def report(self, run: int, last_seq: int) -> dict[str, Any]:
        self._say(f"report {run} {last_seq}")
        return self._read()

    def close(self) -> None:
        self._say("quit")
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def wait_viewers(live: LiveServer, count: int, timeout: float = 30) -> None:
    """Until the server counts `count` viewers (it notices disconnects asynchronously)."""
    deadline = time.monotonic() + timeout
    while live.http.get("/api/status").json()["viewers"] != count:
        if time.monotonic() > deadline:
            raise TimeoutError(f"the server does not count {count} viewers")
        time.sleep(0.1)
