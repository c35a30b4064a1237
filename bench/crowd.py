"""The benchmarks' handle on a real server and on a crowd of viewers in its own process."""

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from bench.common import cpu_seconds, raise_fd_limit, scratch_dir
from support.live import LiveServer

LOOPBACK = "127.0.0.1"


def start_server(
    folder: Path, standin_rate: float = 0, host: str = LOOPBACK, **settings: str
) -> LiveServer:
    """A real `loopcast serve` on a free port of `host`, on the GPU when there is one, or
    with the stand-in worker making up `standin_rate` batches a second; `settings` are
    more LOOPCAST_ variables."""
    raise_fd_limit()
    workdir = scratch_dir("loopcast-bench-server-")
    env = {"LOOPCAST_DEVICE": "auto", "LOOPCAST_HOST": host, **settings}
    if standin_rate:
        env["LOOPCAST_STANDIN_RATE"] = str(standin_rate)
    if host != LOOPBACK:
        env["LOOPCAST_ALLOWED_HOSTS"] = json.dumps([host])
    live = LiveServer(folder, workdir, **env)
    if host != LOOPBACK:  # LiveServer speaks to loopback; this server listens on `host` only
        live.http.close()
        live.url, live.ws_url = f"http://{host}:{live.port}", f"ws://{host}:{live.port}/ws"
        live.http = httpx.Client(base_url=live.url, timeout=30)
    return live.start()


class Crowd:
    """`count` viewers (plus `stalled` ones that never read) in a `bench.viewers` process,
    at a `detail` level, joining at once or over `join_over` seconds; `prefix` runs it
    elsewhere (`ip netns exec NAME`)."""

    def __init__(
        self,
        live: LiveServer,
        count: int,
        stalled: int = 0,
        detail: str = "full",
        join_over: float = 0.0,
        prefix: tuple[str, ...] = (),
    ) -> None:
        command = [*prefix, sys.executable, "-m", "bench.viewers", "--url", live.ws_url]
        command += ["--count", str(count), "--stalled", str(stalled), "--detail", detail]
        command += ["--join-over", str(join_over)]
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
        """Forget latencies and bytes so far; returns once the crowd has."""
        self._say("reset")
        self._read()

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


def wait_run(live: LiveServer, run_id: int, timeout: float = 600) -> dict[str, Any]:
    """Until the run has ended; returns the run object without its points. Polls the cheap
    `/api/status`, not `/api/runs/ID`, whose answer carries every point: 50,000 of them
    ten times a second would load the server being measured."""
    deadline = time.monotonic() + timeout
    while live.http.get("/api/status").json()["active_run"] == run_id:
        if time.monotonic() > deadline:
            raise TimeoutError(f"run {run_id} still active after {timeout} s")
        time.sleep(0.05)
    runs: list[dict[str, Any]] = live.http.get("/api/runs").json()["runs"]
    return next(run for run in runs if run["id"] == run_id)


def wait_viewers(live: LiveServer, count: int, timeout: float = 30) -> None:
    """Until the server counts `count` viewers (it notices disconnects asynchronously)."""
    deadline = time.monotonic() + timeout
    while live.http.get("/api/status").json()["viewers"] != count:
        if time.monotonic() > deadline:
            raise TimeoutError(f"the server does not count {count} viewers")
        time.sleep(0.1)
