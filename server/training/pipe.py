"""What every worker process does with its pipe, whatever it trains with: say it is ready,
serve the server's commands one at a time, and while a run trains read the pipe once per
tick for a stop or a new learning rate. The real worker and the stand-in differ only in
`ready`, `train` and `demo`."""

import contextlib
import signal
import time
import traceback
from multiprocessing.connection import Connection
from typing import Self

from .protocol import (
    Command,
    Demo,
    Fatal,
    Quit,
    Ready,
    Reply,
    Report,
    SetLr,
    Stop,
    Train,
    WorkerOptions,
)


class PipeWorker:
    def __init__(self, conn: Connection, options: WorkerOptions) -> None:
        self.conn, self.options = conn, options
        self._stop_run: int | None = None
        self._new_lr: float | None = None  # asked for the run training now, not yet applied
        self._quit = False

    # What a kind of worker provides.

    def ready(self) -> Ready:
        raise NotImplementedError

    def train(self, command: Train) -> None:
        """Run it to its end, sending Started, Points, Epoch and Ended."""
        raise NotImplementedError

    def demo(self, command: Demo) -> Reply:
        return Reply(command.req, error=f"this worker has no demo {command.name!r}")

    # The pipe.

    def send(self, report: Report) -> None:
        self.conn.send(report)

    def serve(self) -> None:
        self.send(self.ready())
        while not self._quit:
            try:
                command: Command = self.conn.recv()
            except EOFError:  # the server went away
                return
            self.handle(command, training=None)

    def handle(self, command: Command, training: int | None) -> None:
        match command:
            case Train() if training is None:
                self._stop_run, self._new_lr = None, None
                self.train(command)
            case Stop(run=run):
                self._stop_run = run
            case SetLr(run=run, lr=lr) if run == training:
                self._new_lr = lr
            case Demo():
                self.send(self.demo(command))
            case Quit():
                self._quit = True
                self._stop_run = training

    def stop_reason(self, run: int, deadline: float) -> str | None:
        """Serve the commands that came meanwhile (a tick's read of the pipe); why the run
        must stop now, or None."""
        while self.conn.poll():
            try:
                command: Command = self.conn.recv()
            except EOFError:
                self._quit = True
                break
            self.handle(command, training=run)
        if self._quit:
            return "the server is shutting down"
        if self._stop_run == run:
            return "stopped by the presenter"
        if time.monotonic() > deadline:
            return f"time limit of {self.options.max_run_seconds:g} s reached"
        return None

    def take_lr(self) -> float | None:
        """The learning rate asked for since the last call (read from the pipe by
        `stop_reason`), or None."""
        lr, self._new_lr = self._new_lr, None
        return lr

    @classmethod
    def main(cls: type[Self], conn: Connection, options: WorkerOptions) -> None:
        """Process entry point. Ctrl-C goes to the server, which stops us in order."""
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            cls(conn, options).serve()
        except Exception as error:
            traceback.print_exc()
            with contextlib.suppress(OSError):
                conn.send(Fatal(f"{type(error).__name__}: {error}"))
        finally:
            conn.close()
