"""More than one machine on loopback: a real redis-server and loopcast edges, for the tests
(tests/edge/) and bench/edges.py."""

import shutil
import subprocess
import time
from pathlib import Path

import redis

from support.live import LiveServer, free_port

REDIS_SERVER = shutil.which("redis-server")


class RedisServer:
    """A throwaway redis-server on a free port: no persistence, so a restart is empty."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log_path = workdir / f"redis-{self.port}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 20) -> "RedisServer":
        assert REDIS_SERVER, "redis-server is not installed (apt-get install redis-server)"
        args = ["--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen([REDIS_SERVER, *args], stdout=log, stderr=log)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if self.client().ping():
                    return self
            except redis.ConnectionError:
                time.sleep(0.05)
        raise TimeoutError(f"redis-server not up in {timeout} s:\n{self.log_path.read_text()}")

    def client(self) -> "redis.Redis":
        return redis.Redis.from_url(self.url, decode_responses=True)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)

    def restart(self) -> None:
        """Stopped and started again on the same port: empty."""
        self.stop()
        self.start()


class LiveEdge(LiveServer):
    """`loopcast edge` in a subprocess; `LiveServer`'s helpers work on it (no presenter)."""

    command = "edge"
    announces = "loopcast edge:"

    def __init__(self, data_dir: Path, workdir: Path, redis_url: str, **env: str) -> None:
        super().__init__(data_dir, workdir, LOOPCAST_REDIS=redis_url, **env)
