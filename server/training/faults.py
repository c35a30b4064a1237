"""Faults on purpose, for the tests of what a failing run does to the server: a sink that
passes a run's results on, then raises at a chosen step (LOOPCAST_INJECT_FAULT, e.g.
"exception@5" or "oom@5"). The worker wraps its sink in one for its first run only."""

from dataclasses import fields

import torch

from server.training.loop import EpochResult, RunSink
from server.training.metrics import PointBatch


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

    def should_stop(self) -> bool:
        return self.sink.should_stop()
