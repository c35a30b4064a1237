"""Per-batch loss and accuracy kept on the device, read back by the host once per tick.

Calling `loss.item()` every step makes the host wait for the device every step. Here a
step only keeps references to its loss, logits and targets (no kernel, no copy), and
`drain()` scores the whole tick in a few batched ops: the tick's one sync point.
"""

import time
from dataclasses import dataclass, field
from itertools import accumulate

import torch

from .protocol import significant


@dataclass
class PointBatch:
    """Points the host has read back: columns of equal length."""

    step: list[int] = field(default_factory=list)
    epoch: list[int] = field(default_factory=list)
    loss: list[float] = field(default_factory=list)
    acc: list[float] = field(default_factory=list)
    t: list[float] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.step)


class DeviceMeter:
    """The steps recorded since the last drain, still on the device."""

    def __init__(self, device: torch.device, capacity: int = 4096) -> None:
        self.device = device
        self.capacity = capacity  # drained when full, so at most this many batches are held
        self._losses: list[torch.Tensor] = []
        self._logits: list[torch.Tensor] = []
        self._targets: list[torch.Tensor] = []
        # Host-side facts known without asking the device.
        self._pending = PointBatch()
        self._sizes: list[int] = []

    @property
    def full(self) -> bool:
        return len(self._pending) == self.capacity

    def record(
        self,
        step: int,
        epoch: int,
        started: float,
        loss: torch.Tensor,
        logits: torch.Tensor,
        targets: torch.Tensor,
    ) -> None:
        """Queue one batch's metrics: references only, no device work, no host-device sync."""
        self._losses.append(loss.detach())
        self._logits.append(logits.detach())
        self._targets.append(targets)
        self._pending.step.append(step)
        self._pending.epoch.append(epoch)
        self._pending.t.append(round(time.perf_counter() - started, 4))  # 0.1 ms is plenty
        self._sizes.append(targets.shape[0])

    def drain(self) -> PointBatch:
        """Read every queued point back to the host: the tick's one host-device sync point."""
        batch = self._pending
        if len(batch):
            hits = torch.cat(self._logits).argmax(1) == torch.cat(self._targets)
            # Correct predictions counted up to the end of each batch, then differenced.
            ends = torch.tensor(list(accumulate(self._sizes)), device=self.device) - 1
            running = hits.cumsum(0)[ends].tolist()  # sync point
            batch.loss = [significant(loss) for loss in torch.stack(self._losses).tolist()]
            batch.acc = [
                (count - before) / size
                for count, before, size in zip(
                    running, [0, *running[:-1]], self._sizes, strict=True
                )
            ]
        self._pending, self._sizes = PointBatch(), []
        self._losses, self._logits, self._targets = [], [], []
        return batch
