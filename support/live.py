"""A real loopcast server in a subprocess on a free port, and helpers to talk to it."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from websockets.sync.client import ClientConnection, connect

TOKEN = "test-presenter-token-0123456789"
REPO = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class LiveServer:
    command = "serve"  # the `loopcast` subcommand it runs
    # What it prints once it serves (loopcast.cli): `serve` prints its URLs a poll after the
    # worker is warm, so a test that reads the log must not start before that line.
    announces = "loopcast audience:"

    def __init__(
        self, data_dir: Path, workdir: Path, flags: Sequence[str] = (), **env: str
    ) -> None:
        self.port = free_port()
        self.flags = list(flags)  # more of the command's flags, after --port
        self.url = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}/ws"
        self.db = workdir / "runs.db"
        self.log_path = workdir / f"server-{self.port}.log"
        self.data_dir = data_dir
        self.env = {
            **os.environ,
            "LOOPCAST_TOKEN": TOKEN,
            "LOOPCAST_DATA_DIR": str(data_dir),
            "LOOPCAST_DB": str(self.db),
            "LOOPCAST_DEVICE": "cpu",
            "PYTHONUNBUFFERED": "1",
            **env,
        }
        self.process: subprocess.Popen[bytes] | None = None
        self.http = httpx.Client(base_url=self.url, timeout=30)

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {TOKEN}"}

    def start(self, timeout: float = 90, healthy: bool = True) -> "LiveServer":
        """Start it and, unless `healthy` is False, wait until /healthz answers 200."""
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "loopcast",
                    self.command,
                    "--port",
                    str(self.port),
                    *self.flags,
                ],
                cwd=REPO,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        if healthy:
            self.wait_healthy(timeout)
        return self

    def wait_healthy(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited {self.process.returncode}:\n{self.log()}")
            try:
                if self.http.get("/healthz").status_code == 200 and self.announces in self.log():
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise TimeoutError(f"server not healthy in {timeout} s:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def signal(self, sig: int) -> None:
        assert self.process is not None
        self.process.send_signal(sig)

    def stop(self, timeout: float = 20) -> int:
        self.http.close()
        if self.process is None or self.process.poll() is not None:
            return self.process.returncode if self.process else 0
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise

    def start_run(self, **config: Any) -> dict[str, Any]:
        response = self.http.post("/api/runs", json=config, headers=self.auth)
        assert response.status_code == 201, response.text
        run: dict[str, Any] = response.json()
        return run

    def wait_run(self, run_id: int, timeout: float = 120) -> dict[str, Any]:
        """Poll until the run has ended; returns its details."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            run: dict[str, Any] = self.http.get(f"/api/runs/{run_id}").json()
            if run["status"] not in ("queued", "running"):
                return run
            time.sleep(0.1)
        raise TimeoutError(f"run {run_id} still active after {timeout} s")

    def worker_pid(self) -> int:
        """The worker process: the server's child running the spawn entry point."""
        assert self.process is not None
        out = subprocess.run(
            ["pgrep", "-P", str(self.process.pid), "-f", "spawn_main"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.split()
        assert out, "no worker process found"
        return int(out[0])

    @contextmanager
    def viewer(self, query: str = "", **kwargs: Any) -> Iterator["Viewer"]:
        with connect(f"{self.ws_url}{query}", open_timeout=10, **kwargs) as conn:
            yield Viewer(conn)


class Viewer:
    """A WebSocket viewer that reassembles what it was sent."""

    def __init__(self, conn: ClientConnection) -> None:
        self.conn = conn
        self.messages: list[dict[str, Any]] = []
        self.snapshot: dict[str, Any] | None = None
        self.seq: list[int] = []
        self.loss: list[float | None] = []
        self.epochs: list[dict[str, Any]] = []
        self.statuses: list[str] = []
        # Envelope viewers (`?detail=envelope`): bucket columns, snapshot then live.
        self.buckets: dict[str, list[Any]] = {}

    def receive(self, timeout: float = 30) -> dict[str, Any]:
        message: dict[str, Any] = json.loads(self.conn.recv(timeout=timeout))
        self.messages.append(message)
        kind = message["type"]
        if kind == "snapshot":
            self.snapshot = message
            self.seq = list(message.get("points", {}).get("seq", []))
            self.loss = list(message.get("points", {}).get("loss", []))
            self.epochs = list((message["info"] or {}).get("epochs", []))
            self.buckets = {
                name: list(values) for name, values in message.get("buckets", {}).items()
            }
        elif kind == "buckets":
            for name, values in self.buckets.items():
                values.extend(message[name])
        elif kind == "points":
            self.seq.extend(message["seq"])
            self.loss.extend(message["loss"])
        elif kind == "epoch":
            self.epochs.append(message)
        elif kind == "status":
            self.statuses.append(message["status"])
        return message

    def next_event(self, timeout: float = 30) -> dict[str, Any]:
        """The next message that is not a viewer-count announcement (every viewer gets
        one whenever the count changes, at any moment) nor the model's weights (the newest
        come right after a snapshot, then every 2 s of a run); both stay in `messages`."""
        message = self.receive(timeout)
        while message["type"] in ("viewers", "weights"):
            message = self.receive(timeout)
        return message

    def until_type(self, kind: str, timeout: float = 60) -> dict[str, Any]:
        """The next message of type `kind`; the ones before it stay in `messages`."""
        deadline = time.monotonic() + timeout
        while True:
            message = self.receive(timeout=max(0.1, deadline - time.monotonic()))
            if message["type"] == kind:
                return message

    def until_status(self, *ended: str, timeout: float = 120) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            message = self.receive(timeout=max(0.1, deadline - time.monotonic()))
            if message["type"] == "status" and message["status"] in ended:
                return str(message["status"])
            info = message.get("info") if message["type"] == "snapshot" else None
            if info and info["status"] in ended:  # joined after the end
                return str(info["status"])
        raise TimeoutError(f"no status in {ended} within {timeout} s")

    def until_points(self, count: int, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while len(self.seq) < count:
            self.receive(timeout=max(0.1, deadline - time.monotonic()))
