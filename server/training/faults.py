"""Faults on purpose, for the tests of what a failing run does to the server: a worker
whose first run fails at a chosen step (LOOPCAST_INJECT_FAULT, e.g. "exception@5" or
"oom@5"). It sends the run's points up to that step, then raises inside the training loop,
where a real fault would. The real worker knows nothing of it."""

import dataclasses
from multiprocessing.connection import Connection

import torch

from .protocol import Points, Report, WorkerOptions
from .worker import Worker


class FaultyWorker(Worker):
    """The worker, its first run failing as `inject_fault` says; the next runs work."""

    def __init__(self, conn: Connection, options: WorkerOptions) -> None:
        super().__init__(conn, options)
        kind, _, step = options.inject_fault.partition("@")
        self._kind, self._step = kind, int(step or 1)

    def send(self, report: Report) -> None:
        if not self._kind or not isinstance(report, Points) or report.step[-1] < self._step:
            super().send(report)
            return
        # The points before the faulty step were made; only then does it fail.
        keep = self._step - report.step[0]
        if keep > 0:
            columns = ("step", "epoch", "loss", "acc", "t")
            super().send(
                dataclasses.replace(report, **{c: getattr(report, c)[:keep] for c in columns})
            )
        kind, self._kind = self._kind, ""  # the next runs work
        if kind == "oom":
            raise torch.cuda.OutOfMemoryError(
                "CUDA out of memory (injected by LOOPCAST_INJECT_FAULT)"
            )
        raise RuntimeError(f"fault injected by LOOPCAST_INJECT_FAULT={kind}@{self._step}")
