from pathlib import Path

import pytest
import torch

from loopcast.training.resident import ResidentData, load_resident


@pytest.fixture(scope="session")
def small_data_dir(small_data: Path) -> str:
    return str(small_data)


@pytest.fixture(scope="session")
def small_resident(small_data_dir: str) -> ResidentData:
    return load_resident(small_data_dir, "mnist", torch.device("cpu"))
