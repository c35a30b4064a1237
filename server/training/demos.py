"""The deck's live panels that are not a run: a real DataLoader batch, test images by
index, train-vs-eval mode accuracies, the time each of the five steps takes on this device,
and a CPU-vs-GPU race."""

import base64
import time
from collections.abc import Sequence
from functools import cache
from typing import Any

import torch
from torch import nn
from torch.utils.data import DataLoader

from ..data.datasets import load_split
from .batches import BatchSource, ResidentBatches, torchvision_dataset
from .config import DatasetName, TrainConfig
from .devices import device_name, synchronize
from .loop import EpochResult, WeightsCopy, evaluate, train, warm_up
from .metrics import PointBatch
from .models import build_model, modes_net, seed_mlp
from .resident import ResidentData

BATCH = 64
MODES_STEPS = 600
PROFILE_STEPS = 20
# The race trains what a run trains by default: the seed's mlp, Adam lr 0.001, batch 64, seed 0;
# for the most epochs a run may have, so that the deadline, not the epochs, ends a leg.
RACE_CONFIG = TrainConfig(epochs=50)
RACE_SECONDS = 3.0  # per device: a CPU-vs-GPU race takes a little over 6 s in all


class DemoRefused(Exception):
    """A demo that cannot run on this server; its message is shown to the user as it is."""


def dataloader_batch(data_dir: str, dataset: DatasetName, index: int) -> dict[str, Any]:
    """Batch `index` of the seed's `DataLoader(batch_size=64, shuffle=True)`."""
    train_data = torchvision_dataset(data_dir, dataset, train=True)
    generator = torch.Generator().manual_seed(index)  # a new shuffle for every index
    images, labels = next(
        iter(DataLoader(train_data, batch_size=BATCH, shuffle=True, generator=generator))
    )
    # Show the raw pixels: the normalised batch, mapped back to 0..255.
    pixels = (images - images.amin()) / (images.amax() - images.amin()) * 255
    return {
        "dataset": dataset,
        "index": index,
        "shape": list(images.shape),
        "labels_shape": list(labels.shape),
        "labels": labels.tolist(),
        "images": base64.b64encode(pixels.round().to(torch.uint8).numpy().tobytes()).decode(),
    }


@cache
def _test_split(data_dir: str, dataset: DatasetName) -> tuple[torch.Tensor, torch.Tensor]:
    return load_split(data_dir, dataset, train=False)  # 7.8 MB of pixels for MNIST, read once


def test_images(data_dir: str, dataset: DatasetName, indices: list[int]) -> dict[str, Any]:
    """Test images by index, as stored (uint8, white digit on black), with their labels."""
    images, labels = _test_split(data_dir, dataset)
    if max(indices) >= len(labels):
        raise DemoRefused(
            f"index {max(indices)} is past the test set's last image ({len(labels) - 1})"
        )
    chosen = torch.tensor(indices)
    picked = images[chosen].unsqueeze(1)
    return {
        "dataset": dataset,
        "indices": indices,
        "shape": list(picked.shape),
        "labels_shape": [len(indices)],
        "labels": labels[chosen].tolist(),
        "images": base64.b64encode(picked.numpy().tobytes()).decode(),
    }


def train_vs_eval(data: ResidentData, device: torch.device) -> dict[str, Any]:
    """Train one Dropout+BatchNorm net briefly, then score the same weights in both modes."""
    torch.manual_seed(0)
    model = modes_net().to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.001)
    criterion = nn.CrossEntropyLoss()
    source = ResidentBatches(data, BATCH, torch.Generator(device=device).manual_seed(0))
    model.train()
    for step, (batch_x, batch_y) in enumerate(source.train_batches()):
        if step == MODES_STEPS:
            break
        optimizer.zero_grad()
        criterion(model(batch_x), batch_y).backward()
        optimizer.step()

    scored = evaluate(model, source)  # model.eval() inside, as it should be
    train_loss, train_acc = _score_in_train_mode(model, data)
    return {
        "model": "Linear-BatchNorm-ReLU-Dropout(0.5)-Linear",
        "trained_steps": MODES_STEPS,
        "test_images": int(data.test_x.shape[0]),
        "eval_mode_acc": scored.accuracy,
        "eval_mode_loss": scored.loss,
        "train_mode_acc": train_acc,
        "train_mode_loss": train_loss,
    }


@torch.no_grad()
def _score_in_train_mode(model: nn.Module, data: ResidentData) -> tuple[float, float]:
    """The mistake the slide warns about: testing without `model.eval()`, in test batches of 64."""
    model.train()
    loss_sum, correct = 0.0, 0
    for start in range(0, data.test_x.shape[0], BATCH):
        images, labels = data.test_x[start : start + BATCH], data.test_y[start : start + BATCH]
        out = model(images)
        loss_sum += float(nn.functional.cross_entropy(out, labels, reduction="sum"))
        correct += int((out.argmax(1) == labels).sum())
    count = data.test_x.shape[0]
    return loss_sum / count, correct / count


def step_profile(data: ResidentData, device: torch.device) -> dict[str, Any]:
    """Mean milliseconds of each of the five steps, waiting for the device after each."""
    torch.manual_seed(0)
    model = seed_mlp().to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.001)
    criterion = nn.CrossEntropyLoss()
    images, labels = data.train_x[:BATCH], data.train_y[:BATCH]
    phases = ("zero_grad", "forward", "loss", "backward", "step")
    totals = dict.fromkeys(phases, 0.0)

    def timed(phase: str, started: float) -> float:
        synchronize(device)
        now = time.perf_counter()
        totals[phase] += now - started
        return now

    for step in range(PROFILE_STEPS + 3):
        if step == 3:  # the first steps warm up allocators and kernels
            totals = dict.fromkeys(phases, 0.0)
        now = time.perf_counter()
        optimizer.zero_grad()
        now = timed("zero_grad", now)
        predictions = model(images)
        now = timed("forward", now)
        loss = criterion(predictions, labels)
        now = timed("loss", now)
        loss.backward()
        now = timed("backward", now)
        optimizer.step()
        timed("step", now)
    return {
        "device": device.type,
        "model": "mlp",
        "batch_size": BATCH,
        "steps": PROFILE_STEPS,
        "ms": {phase: totals[phase] / PROFILE_STEPS * 1000 for phase in phases},
    }


def race(
    data: ResidentData, devices: Sequence[str] = ("cpu", "cuda"), seconds: float = RACE_SECONDS
) -> dict[str, Any]:
    """The same training on each device in turn, for `seconds` of wall-clock time each (up to
    a tick more, evaluation included: see `RaceCurve`). `speedup` is the last device's samples
    per second over the first's."""
    targets = [torch.device(name) for name in devices]
    if any(device.type == "cuda" for device in targets) and not torch.cuda.is_available():
        raise DemoRefused("no GPU on this server: nothing to race")
    # Each leg trains on its own copy of the data, made once before its clock starts.
    legs = [_race_leg(data.to(device), device, seconds) for device in targets]
    return {
        "model": RACE_CONFIG.model,
        "batch_size": RACE_CONFIG.batch_size,
        "seconds": seconds,
        "devices": legs,
        "speedup": legs[-1]["samples_per_s"] / legs[0]["samples_per_s"],
    }


def _race_leg(data: ResidentData, device: torch.device, seconds: float) -> dict[str, Any]:
    """Train on `data`, resident on `device`, with the runs' own loop, until `seconds` pass."""
    warm_up(data, device)
    torch.manual_seed(RACE_CONFIG.seed)  # the same first weights on every device
    model = build_model(RACE_CONFIG.model).to(device)
    generator = torch.Generator(device=device).manual_seed(RACE_CONFIG.seed)
    source = ResidentBatches(data, RACE_CONFIG.batch_size, generator)
    synchronize(device)  # sync point: the clock starts with nothing left queued
    curve = RaceCurve(source, RACE_CONFIG.batch_size, seconds)
    train(RACE_CONFIG, model, source, curve, device)
    return {
        "device": device.type,
        "name": device_name(device),
        "curve": {"t": curve.t, "samples": curve.samples, "loss": curve.loss},
        "samples_per_s": curve.samples[-1] / curve.t[-1],
    }


class RaceCurve:
    """A race leg's sink for `train()`: a point at each of the loop's sync points, and a stop
    at the first tick or epoch end past the deadline, so a leg runs up to a tick (or the
    epoch's evaluation) longer than `seconds`.

    Points are read right after `drain()` (about 20 a second, and at each epoch's end) and
    right after `evaluate()`: both wait for the device, so the clock counts only finished
    work. Evaluation is inside the clock, as a flat step in the samples."""

    def __init__(self, source: BatchSource, batch_size: int, seconds: float) -> None:
        self.t: list[float] = []  # seconds since the clock started, just before the first step
        self.samples: list[int] = []  # training samples stepped by then
        self.loss: list[float] = []  # the loss of the last batch stepped
        self._steps_per_epoch, self._train_size = source.steps_per_epoch, source.train_size
        self._batch_size = batch_size
        self._seconds = seconds
        self._started = time.perf_counter()

    def points(self, batch: PointBatch) -> None:
        if not len(batch):  # the epoch's last drain found nothing new
            return
        step, epoch = batch.step[-1], batch.epoch[-1]
        in_epoch = step - (epoch - 1) * self._steps_per_epoch
        # An epoch's last batch may be short: its samples are what is left of the train set.
        samples = (epoch - 1) * self._train_size + min(
            in_epoch * self._batch_size, self._train_size
        )
        self._add(samples, batch.loss[-1])

    def epoch(self, result: EpochResult) -> None:
        self._add(self.samples[-1], self.loss[-1])  # evaluation stepped no training samples

    def weights(self, copy: WeightsCopy) -> None:
        """A race shows no weights."""

    def should_stop(self) -> bool:
        # Asked right after a point: the deadline has passed when that point's time has.
        return bool(self.t) and self.t[-1] >= self._seconds

    def new_lr(self, next_step: int) -> float | None:
        return None  # a race keeps the seed's learning rate

    def _add(self, samples: int, loss: float) -> None:
        self.t.append(time.perf_counter() - self._started)
        self.samples.append(samples)
        self.loss.append(loss)
