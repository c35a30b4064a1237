"""The CPU-vs-GPU race, run as CPU vs CPU on small generated data (no GPU needed)."""

import time
from collections.abc import Iterator

import pytest
import torch

from loopcast.training import loop
from loopcast.training.batches import Batch, ResidentBatches
from loopcast.training.config import TrainConfig
from loopcast.training.demos import DemoRefused, RaceCurve, race
from loopcast.training.devices import cpu_threads
from loopcast.training.loop import TICK_SECONDS, EpochResult, train
from loopcast.training.metrics import PointBatch
from loopcast.training.models import seed_mlp
from loopcast.training.resident import ResidentData

SECONDS = 0.6
# How late past its deadline a leg may end: the tick it waits for, then a step and a drain,
# stretched by a busy machine.
LATE = TICK_SECONDS + 0.3
CPU = torch.device("cpu")


@pytest.fixture(autouse=True)
def worker_threads() -> Iterator[None]:
    """The worker's thread count: on 2 busy cores, 2 threads make a step 10-100x slower."""
    before = torch.get_num_threads()
    torch.set_num_threads(cpu_threads())
    yield
    torch.set_num_threads(before)


class CountedBatches:
    """Resident batches that count the training samples handed to the loop."""

    def __init__(self, data: ResidentData, batch_size: int) -> None:
        self._source = ResidentBatches(data, batch_size, torch.Generator().manual_seed(0))
        self.steps_per_epoch = self._source.steps_per_epoch
        self.train_size = self._source.train_size
        self.handed_out = 0

    def train_batches(self) -> Iterator[Batch]:
        for batch_x, batch_y in self._source.train_batches():
            self.handed_out += batch_y.shape[0]
            yield batch_x, batch_y

    def test_batches(self) -> Iterator[Batch]:
        return self._source.test_batches()


class CheckedCurve(RaceCurve):
    """A race curve that notes, with each point, how many samples the loop had been handed."""

    def __init__(self, source: CountedBatches, batch_size: int, seconds: float) -> None:
        super().__init__(source, batch_size, seconds)
        self.source = source
        self.handed_out: list[int] = []

    def points(self, batch: PointBatch) -> None:
        super().points(batch)
        if len(batch):
            self.handed_out.append(self.source.handed_out)

    def epoch(self, result: EpochResult) -> None:
        super().epoch(result)
        self.handed_out.append(self.source.handed_out)


def test_each_leg_trains_until_its_deadline_and_answers_the_documented_result(
    small_resident: ResidentData,
) -> None:
    started = time.perf_counter()
    result = race(small_resident, devices=("cpu", "cpu"), seconds=SECONDS)
    took = time.perf_counter() - started
    assert took < 2 * (SECONDS + LATE) + 2, f"the race took {took:.1f} s"
    assert set(result) == {"model", "batch_size", "seconds", "devices", "speedup"}
    assert (result["model"], result["batch_size"], result["seconds"]) == ("mlp", 64, SECONDS)
    assert [leg["device"] for leg in result["devices"]] == ["cpu", "cpu"]
    train_size = small_resident.train_x.shape[0]
    for leg in result["devices"]:
        assert set(leg) == {"device", "name", "curve", "samples_per_s"}
        assert leg["name"].startswith("CPU (")
        curve = leg["curve"]
        assert set(curve) == {"t", "samples", "loss"}
        assert len(curve["t"]) == len(curve["samples"]) == len(curve["loss"])
        # The loop stops at its first tick or epoch end past the deadline, so the curve passes
        # it by one point, or two at an epoch's end (before and after evaluation).
        assert 1 <= len([t for t in curve["t"] if t >= SECONDS]) <= 2
        assert curve["t"][-1] < SECONDS + LATE
        assert curve["t"] == sorted(curve["t"]) and curve["samples"] == sorted(curve["samples"])
        # The first point comes after the first step; then about 20 a second, and two at the
        # end of each epoch (before and after evaluation).
        assert curve["samples"][0] == 64
        epochs = curve["samples"][-1] // train_size + 1
        assert len(curve["t"]) <= SECONDS / TICK_SECONDS + 2 * epochs + 2
        # However busy the machine, a few dozen steps on the generated digits: the mlp learns.
        assert curve["samples"][-1] > 10 * 64
        assert curve["loss"][-1] < curve["loss"][0]
        assert leg["samples_per_s"] == curve["samples"][-1] / curve["t"][-1]
    first, last = result["devices"]
    assert result["speedup"] == last["samples_per_s"] / first["samples_per_s"]


def test_samples_counted_are_the_samples_stepped_and_evaluation_is_on_the_clock(
    small_resident: ResidentData, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(loop, "TICK_SECONDS", 0.0)  # a point after every step
    config = TrainConfig(epochs=3)
    source = CountedBatches(small_resident, config.batch_size)
    assert source.train_size % config.batch_size, "each epoch should end on a short batch"
    curve = CheckedCurve(source, config.batch_size, seconds=60)
    torch.manual_seed(0)
    assert train(config, seed_mlp(), source, curve, CPU) == "finished"
    assert curve.samples == curve.handed_out
    assert len(curve.samples) == 3 * (source.steps_per_epoch + 1)
    # Evaluation trains nothing but takes time: each epoch ends on a flat step.
    for epoch in (1, 2, 3):
        end = epoch * (source.steps_per_epoch + 1) - 1
        assert curve.samples[end - 1] == curve.samples[end] == epoch * source.train_size
        assert curve.t[end - 1] < curve.t[end]


def test_every_device_starts_from_the_same_weights_and_batch(
    small_resident: ResidentData,
) -> None:
    result = race(small_resident, devices=("cpu", "cpu"), seconds=0.05)
    first_losses = [leg["curve"]["loss"][0] for leg in result["devices"]]
    assert first_losses[0] == first_losses[1]


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a GPU to race")
def test_without_a_gpu_the_race_is_refused_plainly(small_resident: ResidentData) -> None:
    with pytest.raises(DemoRefused) as refused:
        race(small_resident)
    assert str(refused.value) == "no GPU on this server: nothing to race"


def test_a_copy_on_the_same_device_is_the_same_data(small_resident: ResidentData) -> None:
    copy = small_resident.to(torch.device("cpu"))
    assert copy.train_x.data_ptr() == small_resident.train_x.data_ptr()
    assert copy.test_y.data_ptr() == small_resident.test_y.data_ptr()
