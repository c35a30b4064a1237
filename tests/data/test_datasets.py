"""The on-disk layout, loading a split, the default folders, and the synthetic stand-in."""

from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

from loopcast.data.datasets import (
    DATASETS,
    FILES,
    NORMALIZATION,
    DatasetMissing,
    load_split,
    missing_files,
    raw_dir,
)
from loopcast.data.idx import write_idx
from loopcast.data.paths import default_data_dir, default_db_path, user_data_root
from loopcast.data.synthetic import write_synthetic_dataset


def test_layout_is_torchvisions(tmp_path: Path) -> None:
    assert raw_dir(tmp_path, "mnist") == tmp_path / "MNIST" / "raw"
    assert raw_dir(tmp_path, "fashion-mnist") == tmp_path / "FashionMNIST" / "raw"
    assert set(NORMALIZATION) == set(DATASETS) == {"mnist", "fashion-mnist"}
    with pytest.raises(ValueError, match="choose one of mnist, fashion-mnist"):
        raw_dir(tmp_path, "cifar10")


@pytest.mark.parametrize("dataset", DATASETS)
def test_torchvision_reads_what_we_write(tmp_path: Path, dataset: str) -> None:
    from torchvision import datasets

    write_synthetic_dataset(tmp_path, dataset, train=30, test=10)
    kind = datasets.MNIST if dataset == "mnist" else datasets.FashionMNIST
    theirs = kind(str(tmp_path), train=False, download=False)
    images, labels = load_split(tmp_path, dataset, train=False)
    assert torch.equal(theirs.data, images) and torch.equal(theirs.targets, labels)


def test_load_split_gives_uint8_images_and_int64_labels(tmp_path: Path) -> None:
    write_synthetic_dataset(tmp_path, "mnist", train=30, test=10)
    images, labels = load_split(tmp_path, "mnist", train=True)
    assert images.dtype == torch.uint8 and tuple(images.shape) == (30, 28, 28)
    assert labels.dtype == torch.int64 and tuple(labels.shape) == (30,)
    assert tuple(load_split(tmp_path, "mnist", train=False)[0].shape) == (10, 28, 28)


def test_missing_files_say_which_fetch_to_run(tmp_path: Path) -> None:
    assert len(missing_files(tmp_path, "fashion-mnist")) == 4
    with pytest.raises(DatasetMissing, match="run `loopcast data fetch --dataset fashion-mnist"):
        load_split(tmp_path, "fashion-mnist", train=True)
    with pytest.raises(DatasetMissing, match=r"run `loopcast data fetch --data-dir"):
        load_split(tmp_path, "mnist", train=True)


def test_corrupt_or_mismatched_files_say_to_fetch_again(tmp_path: Path) -> None:
    folder = write_synthetic_dataset(tmp_path, "mnist", train=30, test=10)
    write_idx(folder / FILES["train-labels"], np.zeros(29, np.uint8))
    with pytest.raises(DatasetMissing, match="N labels"):
        load_split(tmp_path, "mnist", train=True)
    (folder / FILES["test-images"]).write_bytes(b"<html>404</html>")
    with pytest.raises(DatasetMissing, match=r"not an unsigned-byte IDX.*loopcast data fetch"):
        load_split(tmp_path, "mnist", train=False)


def test_synthetic_data_is_learnable_in_one_epoch(tmp_path: Path) -> None:
    write_synthetic_dataset(tmp_path, "mnist")
    mean, std = NORMALIZATION["mnist"]
    (train_x, train_y), (test_x, test_y) = (load_split(tmp_path, "mnist", t) for t in (True, False))
    train_x, test_x = ((x.float() / 255 - mean) / std for x in (train_x, test_x))
    torch.manual_seed(0)
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)  # the seed deck's mlp and optimizer
    for start in range(0, len(train_x), 64):
        loss = nn.functional.cross_entropy(
            model(train_x[start : start + 64]), train_y[start : start + 64]
        )
        optimizer.zero_grad()
        torch.autograd.backward(loss)
        optimizer.step()
    with torch.no_grad():
        accuracy = (model(test_x).argmax(1) == test_y).float().mean().item()
    assert accuracy > 0.9


def test_default_folders_follow_xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LOOPCAST_DATA_DIR", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", "relative/ignored")
    assert user_data_root() == tmp_path / "home" / ".local" / "share" / "loopcast"
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_data_dir() == tmp_path / "xdg" / "loopcast" / "data"
    assert default_db_path() == tmp_path / "xdg" / "loopcast" / "runs.db"
    monkeypatch.setenv("LOOPCAST_DATA_DIR", str(tmp_path / "elsewhere"))
    assert default_data_dir() == tmp_path / "elsewhere"
