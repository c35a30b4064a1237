"""Faults on purpose, for the tests of what a failing run does to the server: a worker
whose first run fails at a chosen step (LOOPCAST_INJECT_FAULT, e.g. "exception@5" or
"oom@5"), through a sink that passes the run's results on, then raises. The real worker
knows nothing of it."""

from dataclasses import fields
from multiprocessing.connection import Connection

import torch

from server.training.loop import EpochResult, RunSink, WeightsCopy
from server.training.metrics import PointBatch
from server.training.protocol import WorkerOptions
from server.training.worker import PipeSink, Worker


class FaultInjectingSink:
    def __init__(self, sink: RunSink, spec: str) -> None:
        kind, _, step = spec.partition("@")
        self.sink, self.kind, self.step = sink, kind, int(step or 1)

    def points(self, batch: PointBatch) -> None:
        if not len(batch) or batch.step[-1] < self.step:
            self.sink.points(batch)
            return
        # The points before the faulty step were made; only then does it fail.
        keep = self.step - batch.step[0]
        if keep > 0:
            head = {column.name: getattr(batch, column.name)[:keep] for column in fields(batch)}
            self.sink.points(PointBatch(**head))
        if self.kind == "oom":
            raise torch.cuda.OutOfMemoryError(
                "CUDA out of memory (injected by LOOPCAST_INJECT_FAULT)"
            )
        raise RuntimeError(f"fault injected by LOOPCAST_INJECT_FAULT={self.kind}@{self.step}")

    def epoch(self, result: EpochResult) -> None:
        self.sink.epoch(result)

    def weights(self, copy: WeightsCopy) -> None:
        self.sink.weights(copy)

    def should_stop(self) -> bool:
        return self.sink.should_stop()

    def new_lr(self, next_step: int) -> float | None:
        return self.sink.new_lr(next_step)


class FaultyWorker(Worker):
    """The worker, its first run failing as `inject_fault` says; the next runs work."""

    def __init__(self, conn: Connection, options: WorkerOptions) -> None:
        super().__init__(conn, options)
        self._fault = options.inject_fault

    def run_sink(self, pipe: PipeSink) -> RunSink:
        sink, fault, self._fault = pipe, self._fault, ""
        return FaultInjectingSink(sink, fault) if fault else sink
