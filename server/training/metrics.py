"""Per-batch loss and accuracy kept on the device, read back by the host once per tick.

Calling `loss.item()` every step makes the host wait for the device every step; here each
step only writes two numbers into a device buffer, and `drain()` is the one sync point.
"""

import time
from dataclasses import dataclass, field

import torch


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
    """A ring of device-side slots for per-batch loss and correct-count."""

    def __init__(self, device: torch.device, capacity: int = 4096) -> None:
        self.capacity = capacity
        self._loss = torch.zeros(capacity, device=device)
        self._correct = torch.zeros(capacity, device=device, dtype=torch.int64)
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
        """Queue one batch's metrics; asynchronous on a GPU (no host-device sync)."""
        slot = len(self._pending)
        self._loss[slot] = loss.detach()
        self._correct[slot] = (logits.detach().argmax(1) == targets).sum()
        self._pending.step.append(step)
        self._pending.epoch.append(epoch)
        self._pending.t.append(time.perf_counter() - started)
        self._sizes.append(targets.shape[0])

    def drain(self) -> PointBatch:
        """Read every queued point back to the host: the tick's one host-device sync point."""
        batch, count = self._pending, len(self._pending)
        if count:
            batch.loss = self._loss[:count].tolist()
            correct = self._correct[:count].tolist()
            batch.acc = [c / n for c, n in zip(correct, self._sizes, strict=True)]
        self._pending, self._sizes = PointBatch(), []
        return batch
