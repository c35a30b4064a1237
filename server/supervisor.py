"""Starts the training worker process, relays its messages, and replaces it if it dies.

A reader thread receives the worker's messages; `persist` runs there (SQLite writes
stay off the event loop), then, on the event loop, a run's progress goes straight to
the `progress` its `train` named (the run's log) and the rest to `apply`. When the pipe closes
because the worker died, `on_exit` runs on the event loop and a fresh worker starts.
"""

import asyncio
import itertools
import multiprocessing
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any, Literal

from .training.entry import run_worker
from .training.protocol import (
    Command,
    Demo,
    Epoch,
    Eval,
    Fatal,
    LrChanged,
    Points,
    Progress,
    Quit,
    Ready,
    Reply,
    Report,
    Train,
    Weights,
    WorkerOptions,
)

WorkerState = Literal["starting", "ready", "restarting", "stopped"]

RESTART_DELAYS = (0.0, 1.0, 2.0, 5.0, 10.0)


class WorkerUnavailable(Exception):
    pass


class DemoFailed(Exception):
    """The worker could not produce a demo result (e.g. its dataset is not fetched)."""


class Supervisor:
    def __init__(
        self,
        options: WorkerOptions,
        persist: Callable[[Report], None],
        apply: Callable[[Report], None],
        on_exit: Callable[[str], None],
    ) -> None:
        self.options = options
        self.state: WorkerState = "starting"
        self.ready: Ready | None = None  # what the last worker said of itself when warm
        self.last_error: str | None = None
        self._persist, self._apply, self._on_exit = persist, apply, on_exit
        # The last run's points and epochs: to its log as they are (see `train`).
        self._progress: Callable[[Progress], None] = lambda report: None
        self._context = multiprocessing.get_context("spawn")  # fork and CUDA do not mix
        self._process: BaseProcess | None = None
        self._conn: Connection | None = None
        self._send_lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._requests: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._request_ids = itertools.count(1)
        self._failures_before_ready = 0

    def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        parent, child = self._context.Pipe()
        process = self._context.Process(
            target=run_worker, args=(child, self.options), name="loopcast-worker", daemon=True
        )
        process.start()
        child.close()
        self._process, self._conn = process, parent
        threading.Thread(
            target=self._read, args=(parent, process), name="loopcast-worker-reader", daemon=True
        ).start()

    def send(self, command: Command) -> None:
        """Queue a command; a worker still warming up reads it once it is ready."""
        if self._conn is None or self.state == "stopped":
            raise WorkerUnavailable("the training worker is not running")
        try:
            with self._send_lock:
                self._conn.send(command)
        except OSError as error:  # it died a moment ago; the reader thread will replace it
            raise WorkerUnavailable("the training worker is restarting") from error

    def train(self, command: Train, progress: Callable[[Progress], None]) -> None:
        """Send a run; its progress (points to weights) goes to `progress` on the event
        loop, which leaves out any report of an earlier run."""
        self._progress = progress
        self.send(command)

    async def request(self, name: str, args: dict[str, Any], wait: float) -> dict[str, Any]:
        """Ask the worker for a demo result; answered between ticks when it is training."""
        assert self._loop is not None
        req = next(self._request_ids)
        future: asyncio.Future[dict[str, Any]] = self._loop.create_future()
        self._requests[req] = future
        try:
            self.send(Demo(req, name, args))
            return await asyncio.wait_for(future, wait)
        finally:
            self._requests.pop(req, None)

    def _read(self, conn: Connection, process: BaseProcess) -> None:
        assert self._loop is not None
        while True:
            try:
                message: Report = conn.recv()
            except (EOFError, OSError):
                break
            self._persist(message)
            self._loop.call_soon_threadsafe(self._dispatch, message)
        process.join(timeout=5)
        reason = _exit_reason(process.exitcode)
        self._loop.call_soon_threadsafe(self._exited, process, reason)

    def _dispatch(self, message: Report) -> None:
        match message:
            case Ready():
                self.state, self.ready, self._failures_before_ready = "ready", message, 0
            case Fatal(reason=reason):
                self.last_error = reason
            case Reply(req=req, result=result, error=error):
                future = self._requests.get(req)
                if future is not None and not future.done():
                    if error is None:
                        future.set_result(result or {})
                    else:
                        future.set_exception(DemoFailed(error))
            case Points() | Epoch() | Eval() | LrChanged() | Weights():
                self._progress(message)
                return
        self._apply(message)

    def _exited(self, process: BaseProcess, reason: str) -> None:
        if process is not self._process or self.state == "stopped":
            return
        if self.state != "ready":
            self._failures_before_ready += 1
        self.last_error = self.last_error or reason
        for future in self._requests.values():
            if not future.done():
                future.set_exception(WorkerUnavailable(reason))
        self._on_exit(reason)
        self.state = "restarting"
        self._conn = None
        delay = RESTART_DELAYS[min(self._failures_before_ready, len(RESTART_DELAYS) - 1)]
        assert self._loop is not None
        self._loop.call_later(delay, self._restart)

    def _restart(self) -> None:
        if self.state == "restarting":
            self.last_error = None
            self.start()

    def kill(self) -> None:
        """Kill the worker now (a step that will not end); it is replaced as if it had died."""
        self._conn = None  # commands until the fresh worker starts answer WorkerUnavailable
        self.state = "restarting"
        if self._process is not None and self._process.is_alive():
            self._process.kill()

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the worker to quit (it ends an active run as stopped), then make sure."""
        process, conn = self._process, self._conn
        if process is None:
            return
        self.state = "stopped"  # no restart when this worker exits
        if conn is not None:
            try:
                with self._send_lock:
                    conn.send(Quit())
            except OSError:
                pass
        process.join(timeout)
        if process.is_alive():
            process.kill()
            process.join(1)


def _exit_reason(exitcode: int | None) -> str:
    if exitcode is None:
        return "the worker process stopped answering"
    if exitcode < 0:
        return f"the worker process was killed by signal {-exitcode}"
    return f"the worker process exited with code {exitcode}"
