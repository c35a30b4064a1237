"""The deck's live panels that are not a run: a real DataLoader batch, train-vs-eval mode
accuracies, the time each of the five steps takes on this device, and a CPU-vs-GPU race."""

import base64
import time
from collections.abc import Iterator, Sequence
from typing import Any

import torch
from torch import nn
from torch.utils.data import DataLoader

from server.training.batches import Batch, ResidentBatches, torchvision_dataset
from server.training.config import DatasetName, TrainConfig
from server.training.devices import device_name, synchronize
from server.training.loop import TICK_SECONDS, build_optimizer, evaluate, warm_up
from server.training.models import modes_net, seed_mlp
from server.training.resident import ResidentData

BATCH = 64
MODES_STEPS = 600
PROFILE_STEPS = 20
# The race trains what a run trains by default: the seed's mlp, Adam lr 0.001, batch 64, seed 0.
RACE_CONFIG = TrainConfig()
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

    eval_loss, eval_acc = evaluate(model, source)  # model.eval() inside, as it should be
    train_loss, train_acc = _score_in_train_mode(model, data)
    return {
        "model": "Linear-BatchNorm-ReLU-Dropout(0.5)-Linear",
        "trained_steps": MODES_STEPS,
        "test_images": int(data.test_x.shape[0]),
        "eval_mode_acc": eval_acc,
        "eval_mode_loss": eval_loss,
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
    """The same training on each device in turn, for `seconds` of wall-clock time each.
    `speedup` is the last device's samples per second over the first's."""
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
    """Train on `data`, resident on `device`, from the seed's first step until `seconds` pass;
    read the elapsed time, samples seen and loss about 20 times a second."""
    warm_up(data, device)
    torch.manual_seed(RACE_CONFIG.seed)  # the same first weights on every device
    model = seed_mlp().to(device)
    optimizer = build_optimizer(RACE_CONFIG, model)
    criterion = nn.CrossEntropyLoss()
    generator = torch.Generator(device=device).manual_seed(RACE_CONFIG.seed)
    source = ResidentBatches(data, RACE_CONFIG.batch_size, generator)
    times: list[float] = []
    seen: list[int] = []
    losses: list[float] = []
    samples = 0
    model.train()
    synchronize(device)  # sync point: the clock starts with nothing left queued
    started = time.perf_counter()
    deadline = started + seconds
    next_sample = started  # the first point after the first step
    for batch_x, batch_y in _endless(source):
        optimizer.zero_grad()  # 1. Zero gradients
        predictions = model(batch_x)  # 2. Forward pass
        loss = criterion(predictions, batch_y)  # 3. Compute loss
        loss.backward()  # 4. Backward pass
        optimizer.step()  # 5. Update weights
        samples += batch_y.shape[0]
        if time.perf_counter() < next_sample:
            continue
        synchronize(device)  # sync point, ~20 a second: the clock counts only finished work
        now = time.perf_counter()
        times.append(now - started)
        seen.append(samples)
        losses.append(float(loss.detach()))  # no further wait: the device is idle
        if now >= deadline:
            break
        next_sample = min(now + TICK_SECONDS, deadline)
    return {
        "device": device.type,
        "name": device_name(device),
        "curve": {"t": times, "samples": seen, "loss": losses},
        "samples_per_s": seen[-1] / times[-1],
    }


def _endless(source: ResidentBatches) -> Iterator[Batch]:
    """Epoch after epoch, each reshuffled, for as long as the clock runs."""
    while True:
        yield from source.train_batches()
