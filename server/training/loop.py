"""The training loop: the seed deck's five steps, then evaluation, once per epoch.

Host-device sync points, so the GPU never waits on us mid-epoch:
  * `meter.drain()`, after the first step and then about 20 times a second (TICK_SECONDS),
    reads the metrics back; the epoch's mean loss is summed from what it read;
  * `evaluate()` once per epoch reads the validation loss, accuracy, confusion matrix and
    mistakes;
  * `host_copy()` copies the weights to the host at most every WEIGHTS_SECONDS, and at the end.
Nothing else in the loop calls `.item()`, `.tolist()` or prints a tensor, and the metrics
cost no device work per step (see `DeviceMeter`).
"""

import time
from dataclasses import dataclass
from typing import Literal, Protocol

import torch
from torch import nn

from .batches import BatchSource
from .config import TrainConfig
from .devices import synchronize
from .evaluation import Evaluation, Tally
from .metrics import DeviceMeter, PointBatch
from .models import seed_mlp
from .pace import Pace
from .protocol import TICK_SECONDS
from .resident import ResidentData
from .weights import host_copy

WEIGHTS_SECONDS = 2.0  # a copy of the weights for the phones at most this often
# How the loop ends a run; a failure is an exception (the worker says "failed": RunEnd).
LoopEnd = Literal["finished", "stopped"]


@dataclass(frozen=True)
class EpochResult:
    epoch: int
    train_loss: float  # mean batch loss over the epoch, as on the seed's slide
    evaluation: Evaluation  # on the test set: loss, accuracy, confusion matrix, mistakes
    # Training samples per second in this epoch, evaluation and a paced run's waits excluded.
    samples_per_s: float
    t: float  # seconds since the run started

    @property
    def val_loss(self) -> float:
        return self.evaluation.loss

    @property
    def val_acc(self) -> float:
        return self.evaluation.accuracy


@dataclass(frozen=True)
class WeightsCopy:
    seq: int  # the last batch trained before the copy
    epoch: int
    final: bool  # taken when the run ended
    state: dict[str, torch.Tensor]  # on the host


class RunSink(Protocol):
    """Where a run's results go; also asked, once per tick, whether to stop and whether the
    learning rate changes."""

    def points(self, batch: PointBatch) -> None: ...

    def epoch(self, result: EpochResult) -> None: ...

    def weights(self, copy: WeightsCopy) -> None: ...

    def should_stop(self) -> bool: ...

    def new_lr(self, next_step: int) -> float | None:
        """A learning rate to train with from batch `next_step` on (the sink reports it as
        taking effect there), or None to keep the current one."""


def build_optimizer(config: TrainConfig, model: nn.Module) -> torch.optim.Optimizer:
    # fused: one kernel updates every parameter, on the CPU as on the GPU (measured: the mlp
    # trains ~15% faster on 2 CPU cores than with the default per-parameter update).
    if config.optimizer == "adam":
        return torch.optim.Adam(model.parameters(), lr=config.lr, fused=True)
    return torch.optim.SGD(model.parameters(), lr=config.lr, momentum=0.9, fused=True)


def warm_up(data: ResidentData, device: torch.device, steps: int = 3) -> None:
    """A few throwaway steps of the mlp, so that kernels, allocators and libraries are loaded
    before anything is clicked or timed."""
    model = seed_mlp().to(device)
    optimizer = build_optimizer(TrainConfig(), model)
    for _ in range(steps):
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(model(data.train_x[:64]), data.train_y[:64])
        loss.backward()  # type: ignore[no-untyped-call]
        optimizer.step()
    synchronize(device)  # sync point: warm means the device has finished too


@torch.no_grad()  # no gradient tracking: faster, and less memory
def evaluate(model: nn.Module, source: BatchSource) -> Evaluation:
    """Loss, accuracy, confusion matrix and mistakes on the test set, in eval mode."""
    model.eval()
    tally: Tally | None = None
    for images, labels in source.test_batches():
        tally = tally or Tally(images.device)
        tally.add(model(images), labels)
    assert tally is not None, "the test set is empty"
    return tally.read()  # sync point: one read-back per evaluation


def set_lr(optimizer: torch.optim.Optimizer, lr: float) -> None:
    for group in optimizer.param_groups:
        group["lr"] = lr


def train(
    config: TrainConfig,
    model: nn.Module,
    source: BatchSource,
    sink: RunSink,
    device: torch.device,
    pace: Pace | None = None,
) -> LoopEnd:
    """Train `model` for `config.epochs` epochs, streaming every batch's metrics to `sink`;
    a `pace` stretches the run for an audience."""
    pace = pace or Pace(0, 1)
    optimizer = build_optimizer(config, model)
    criterion = nn.CrossEntropyLoss()
    meter = DeviceMeter(device)
    started = time.perf_counter()
    next_tick = started  # the first point goes out after the first step: the click shows at once
    next_weights = started + WEIGHTS_SECONDS
    step = epoch = 0

    def finish(end: LoopEnd) -> LoopEnd:
        # A stop while a paced run waits: the steps since the last tick were trained, so
        # they are sent, and the last weights are those of the last point.
        sink.points(meter.drain())  # sync point: the last points
        sink.weights(WeightsCopy(step, epoch, True, host_copy(model)))  # sync point: last copy
        return end

    for epoch in range(1, config.epochs + 1):
        model.train()
        epoch_loss = 0.0
        epoch_started, waited_before = time.perf_counter(), pace.waited
        for batch_x, batch_y in source.train_batches():
            optimizer.zero_grad()  # 1. Zero gradients
            predictions = model(batch_x)  # 2. Forward pass
            loss = criterion(predictions, batch_y)  # 3. Compute loss
            loss.backward()  # 4. Backward pass
            optimizer.step()  # 5. Update weights

            step += 1
            meter.record(step, epoch, started, loss, predictions, batch_y)
            if meter.full or time.perf_counter() >= next_tick:
                points = meter.drain()  # sync point: ~20 reads a second
                epoch_loss += sum(points.loss)
                sink.points(points)
                next_tick = time.perf_counter() + TICK_SECONDS
                if time.perf_counter() >= next_weights:
                    # Sync point: a copy of the weights for the phones, every WEIGHTS_SECONDS.
                    sink.weights(WeightsCopy(step, epoch, False, host_copy(model)))
                    next_weights = time.perf_counter() + WEIGHTS_SECONDS
                if sink.should_stop():
                    return finish("stopped")
                if (lr := sink.new_lr(step + 1)) is not None:  # the presenter's x10 or /10
                    set_lr(optimizer, lr)
            while pace.wait(step, most=TICK_SECONDS):  # a paced run waits between batches
                if sink.should_stop():
                    return finish("stopped")

        points = meter.drain()  # sync point: the epoch's last points
        epoch_loss += sum(points.loss)
        sink.points(points)
        train_seconds = pace.busy_since(epoch_started, waited_before)
        train_loss = epoch_loss / source.steps_per_epoch
        sink.epoch(
            EpochResult(
                epoch=epoch,
                train_loss=train_loss,
                evaluation=evaluate(model, source),
                samples_per_s=source.train_size / train_seconds,
                t=time.perf_counter() - started,
            )
        )
        if sink.should_stop():
            return finish("stopped")
    return finish("finished")
