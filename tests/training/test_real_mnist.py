"""The seed deck's promise on the real data: the mlp passes 95% test accuracy in one epoch."""

import os
from pathlib import Path

import pytest
import torch

from loopcast.data.fetch import FetchError, fetch_dataset
from loopcast.data.paths import default_data_dir
from loopcast.training.batches import ResidentBatches
from loopcast.training.config import TrainConfig
from loopcast.training.loop import train
from loopcast.training.models import build_model
from loopcast.training.resident import load_resident
from tests.training.test_loop import ListSink

pytestmark = [pytest.mark.realdata, pytest.mark.slow]


@pytest.fixture(scope="module")
def real_data_dir() -> Path:
    data_dir = Path(os.environ.get("LOOPCAST_DATA_DIR") or default_data_dir())
    try:
        fetch_dataset("mnist", data_dir)  # verifies what is there; fetches what is not
    except FetchError as error:
        pytest.skip(f"no MNIST source reachable: {error}")
    return data_dir


def test_seed_mlp_passes_95_percent_after_one_epoch(real_data_dir: Path) -> None:
    cpu = torch.device("cpu")
    config = TrainConfig(epochs=1)  # the seed's: mlp, Adam, lr 0.001, batch 64
    data = load_resident(str(real_data_dir), "mnist", cpu)
    assert tuple(data.train_x.shape) == (60000, 1, 28, 28)
    assert tuple(data.test_x.shape) == (10000, 1, 28, 28)
    torch.manual_seed(config.seed)
    source = ResidentBatches(data, config.batch_size, torch.Generator().manual_seed(config.seed))
    sink = ListSink()
    assert train(config, build_model("mlp"), source, sink, cpu) == "finished"
    assert len(sink.column("step")) == 938
    assert sink.epochs[0].val_acc > 0.95
