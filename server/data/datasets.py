"""The datasets a run can use, laid out on disk as torchvision expects them."""

from pathlib import Path

import torch

from server.data.idx import read_idx

DATASETS = ("mnist", "fashion-mnist")
# torchvision's folder names: `MNIST(root)` reads `root/MNIST/raw/...`.
FOLDERS = {"mnist": "MNIST", "fashion-mnist": "FashionMNIST"}
FILES = {
    "train-images": "train-images-idx3-ubyte",
    "train-labels": "train-labels-idx1-ubyte",
    "test-images": "t10k-images-idx3-ubyte",
    "test-labels": "t10k-labels-idx1-ubyte",
}
# (mean, std) of the training pixels in 0..1, as in the seed's Normalize((0.1307,), (0.3081,)).
NORMALIZATION = {"mnist": (0.1307, 0.3081), "fashion-mnist": (0.2860, 0.3530)}


class DatasetMissing(Exception):
    pass


def raw_dir(data_dir: Path | str, dataset: str) -> Path:
    return Path(data_dir) / FOLDERS[dataset] / "raw"


def missing_files(data_dir: Path | str, dataset: str) -> list[Path]:
    folder = raw_dir(data_dir, dataset)
    return [folder / name for name in FILES.values() if not (folder / name).is_file()]


def load_split(
    data_dir: Path | str, dataset: str, train: bool
) -> tuple[torch.Tensor, torch.Tensor]:
    """uint8 images (N, 28, 28) and int64 labels (N,) of the training or test split."""
    missing = missing_files(data_dir, dataset)
    if missing:
        flag = "" if dataset == "mnist" else f" --dataset {dataset}"
        raise DatasetMissing(
            f"{dataset} is not in {raw_dir(data_dir, dataset)} (missing {missing[0].name}): "
            f"run `loopcast data fetch{flag} --data-dir {data_dir}`"
        )
    prefix = "train" if train else "test"
    folder = raw_dir(data_dir, dataset)
    images = read_idx(folder / FILES[f"{prefix}-images"])
    labels = read_idx(folder / FILES[f"{prefix}-labels"])
    return torch.from_numpy(images.copy()), torch.from_numpy(labels.astype("int64"))
