"""The CPU-vs-GPU race, run as CPU vs CPU on small generated data (no GPU needed)."""

import time
from collections.abc import Iterator

import pytest
import torch

from server.training.demos import DemoRefused, race
from server.training.devices import cpu_threads
from server.training.loop import TICK_SECONDS
from server.training.resident import ResidentData

SECONDS = 0.6


@pytest.fixture(autouse=True)
def worker_threads() -> Iterator[None]:
    """The worker's thread count: on 2 busy cores, 2 threads make a step 10-100x slower."""
    before = torch.get_num_threads()
    torch.set_num_threads(cpu_threads())
    yield
    torch.set_num_threads(before)


def test_each_device_trains_for_the_same_wall_clock_budget(small_resident: ResidentData) -> None:
    started = time.perf_counter()
    result = race(small_resident, devices=("cpu", "cpu"), seconds=SECONDS)
    took = time.perf_counter() - started
    assert took < 2 * SECONDS + 3, f"the race took {took:.1f} s"
    assert [leg["device"] for leg in result["devices"]] == ["cpu", "cpu"]
    assert result["model"] == "mlp" and result["batch_size"] == 64
    for leg in result["devices"]:
        curve = leg["curve"]
        assert leg["name"].startswith("CPU (")
        assert len(curve["t"]) == len(curve["samples"]) == len(curve["loss"])
        # At most about 20 points a second (fewer when a busy machine stalls a step): the first
        # after the first step, the last at the budget.
        assert 3 <= len(curve["t"]) <= SECONDS / TICK_SECONDS + 2
        assert curve["samples"][0] == 64
        assert curve["t"] == sorted(curve["t"]) and curve["samples"] == sorted(curve["samples"])
        assert SECONDS <= curve["t"][-1] < SECONDS + 0.5
        # However busy the machine, a few dozen steps on the generated digits: the mlp learns.
        assert curve["samples"][-1] > 10 * 64
        assert curve["loss"][-1] < curve["loss"][0]
        assert leg["samples_per_s"] == curve["samples"][-1] / curve["t"][-1]
    first, last = result["devices"]
    assert result["speedup"] == last["samples_per_s"] / first["samples_per_s"]


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
