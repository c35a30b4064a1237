"""A stand-in for the training worker that makes up points at a set rate, with no torch.

It speaks the worker's pipe protocol (server/training/worker.py) so that the server, the
hub and the viewers can be measured at the rates a GPU trains at (`LOOPCAST_STANDIN_RATE`
batches a second) on a machine that has none. Its loss falls and its accuracy rises along
a fixed curve with seeded noise, a tick's worth of points every 50 ms, as the real loop
sends them. After each epoch it sends a made-up `eval` as big as a real one at that
accuracy, so that the bytes a phone receives are measured with them; it reports an lr
change at its next batch (its curve does not change) and sends no weights. It never passes
for real training: its device is "standin".
"""

import math
import random
import time
from dataclasses import dataclass, field

from ..data.datasets import CLASSES
from .config import TrainConfig
from .pipe import PipeWorker
from .protocol import (
    MOST_MISTAKES,
    SAMPLE_SIZE,
    TICK_SECONDS,
    Demo,
    Ended,
    Epoch,
    Eval,
    LrChanged,
    Points,
    Ready,
    Reply,
    RunEnd,
    Started,
    Train,
    significant,
)

TRAIN_IMAGES = 60_000  # MNIST's training set: steps_per_epoch as a real run would have
TEST_IMAGES = 10_000  # MNIST's test set, which a real eval counts


def steps_per_epoch(batch_size: int) -> int:
    return math.ceil(TRAIN_IMAGES / batch_size)


def made_up_eval(run_id: int, epoch: int, val_acc: float) -> Eval:
    """An eval at least as big as a real one at `val_acc`: its errors spread over every
    other class (a real model's gather in a few cells: fewer digits), and the mistakes a
    model that good makes among the sampled test images."""
    per_class = TEST_IMAGES // CLASSES
    right = round(per_class * val_acc)
    spread, extra = divmod(per_class - right, CLASSES - 1)
    confusion = [
        [right if p == label else spread + (p == (label + 1) % CLASSES) * extra for p in range(10)]
        for label in range(CLASSES)
    ]
    wrong = min(MOST_MISTAKES, round(SAMPLE_SIZE * (1 - val_acc)))
    mistakes: list[dict[str, object]] = [
        {
            "index": 7 + 311 * i,  # four digits, as most of the test set's
            "label": i % 10,
            "top3": [[(i + 1) % 10, 0.61], [i % 10, 0.32], [(i + 2) % 10, 0.04]],
        }
        for i in range(wrong)
    ]
    return Eval(run_id, epoch, TEST_IMAGES, SAMPLE_SIZE, confusion, mistakes)


@dataclass
class Curve:
    """A made-up training curve: the same seed gives the same points, however ticks fall."""

    seed: int
    batch_size: int
    steps_per_epoch: int
    _random: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)

    def progress(self, step: int) -> float:
        """0 at the start, towards 1 within a couple of epochs."""
        return 1.0 - math.exp(-step / (0.4 * self.steps_per_epoch))

    def point(self, step: int) -> tuple[float, float]:
        """The batch's loss and accuracy; call it for steps 1, 2, 3... in order."""
        progress = self.progress(step)
        loss = (2.3 - 2.2 * progress) * math.exp(self._random.gauss(0.0, 0.2))
        mean_acc = 0.1 + 0.87 * progress
        hits = round(self.batch_size * (mean_acc + self._random.gauss(0.0, 0.05)))
        # float32's digits for the loss, as the real worker sends; acc is hits / batch size.
        return significant(loss), min(self.batch_size, max(0, hits)) / self.batch_size


class StandIn(PipeWorker):
    def ready(self) -> Ready:
        name = f"stand-in ({self.options.standin_rate:,.0f} batches/s)"
        return Ready(device="standin", device_name=name, cuda_available=False, torch_version="")

    def demo(self, command: Demo) -> Reply:
        return Reply(command.req, error="the stand-in worker has no demos")

    def train(self, command: Train) -> None:
        config = TrainConfig.model_validate(command.config)
        curve = Curve(config.seed, config.batch_size, steps_per_epoch(config.batch_size))
        total = curve.steps_per_epoch * config.epochs
        rate = total / config.pace_s if config.pace_s > 0 else self.options.standin_rate
        self.send(Started(command.run, curve.steps_per_epoch, total))
        started = time.perf_counter()
        end, reason = self.emit(command.run, curve, total, rate)
        self.send(Ended(command.run, end, reason, round(time.perf_counter() - started, 4)))

    def emit(self, run_id: int, curve: Curve, total: int, rate: float) -> tuple[RunEnd, str | None]:
        """Send the points due at `rate`, a tick at a time; returns the run's end and reason."""
        started = epoch_started = time.perf_counter()
        deadline = time.monotonic() + self.options.max_run_seconds
        step, epoch_loss = 0, 0.0
        while step < total:
            now = time.perf_counter()
            due = min(total, max(1, int((now - started) * rate)))  # the first at once
            while step < due:  # the tick's points, cut at an epoch's end
                upto = min(due, (step // curve.steps_per_epoch + 1) * curve.steps_per_epoch)
                epoch_loss += self._send_points(run_id, curve, step + 1, upto, rate)
                step = upto
                if step % curve.steps_per_epoch == 0:
                    self._send_epoch(run_id, curve, step, epoch_loss, started, epoch_started)
                    epoch_loss, epoch_started = 0.0, time.perf_counter()
            reason = self.stop_reason(run_id, deadline)
            if reason is not None:
                return "stopped", reason
            lr = self.take_lr()
            if lr is not None:  # from the next batch on, as the real loop; the curve stays
                self.send(LrChanged(run_id, step + 1, lr))
            time.sleep(max(0.0, TICK_SECONDS - (time.perf_counter() - now)))
        return "finished", None

    def _send_points(self, run_id: int, curve: Curve, first: int, last: int, rate: float) -> float:
        steps = list(range(first, last + 1))
        points = [curve.point(step) for step in steps]
        loss = [loss for loss, _ in points]
        epochs = [(step - 1) // curve.steps_per_epoch + 1 for step in steps]
        acc = [acc for _, acc in points]
        t = [round(step / rate, 4) for step in steps]  # when it was due
        self.send(Points(run_id, steps, epochs, loss, acc, t, created=time.time()))
        return sum(loss)

    def _send_epoch(
        self,
        run_id: int,
        curve: Curve,
        step: int,
        epoch_loss: float,
        started: float,
        epoch_started: float,
    ) -> None:
        now = time.perf_counter()
        progress = curve.progress(step)
        epoch, val_acc = step // curve.steps_per_epoch, round(0.1 + 0.88 * progress, 6)
        self.send(
            Epoch(
                run=run_id,
                epoch=epoch,
                train_loss=epoch_loss / curve.steps_per_epoch,
                val_loss=round(0.9 * (2.3 - 2.2 * progress), 6),
                val_acc=val_acc,
                samples_per_s=TRAIN_IMAGES / (now - epoch_started),
                t=round(now - started, 4),
            )
        )
        self.send(made_up_eval(run_id, epoch, val_acc))
