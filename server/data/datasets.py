"""The datasets a run can train on, laid out on disk as torchvision expects them.

`<data_dir>/MNIST/raw/<four files>` and `<data_dir>/FashionMNIST/raw/<four files>`, so that
`torchvision.datasets.MNIST(root=data_dir)` and `FashionMNIST(root=data_dir)` read them too.
"""

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import torch

DATASETS: tuple[str, ...] = ("mnist", "fashion-mnist")
# torchvision's folder names: `MNIST(root)` reads `root/MNIST/raw/...`.
FOLDERS: dict[str, str] = {"mnist": "MNIST", "fashion-mnist": "FashionMNIST"}
FILES: dict[str, str] = {
    "train-images": "train-images-idx3-ubyte",
    "train-labels": "train-labels-idx1-ubyte",
    "test-images": "t10k-images-idx3-ubyte",
    "test-labels": "t10k-labels-idx1-ubyte",
}
# (mean, std) of the training pixels scaled to 0..1: MNIST's are the seed's Normalize() values.
NORMALIZATION: dict[str, tuple[float, float]] = {
    "mnist": (0.1307, 0.3081),
    "fashion-mnist": (0.2860, 0.3530),
}
IMAGE_SIZE = (28, 28)
CLASSES = 10


class DatasetMissing(Exception):
    """A dataset's files are absent or unreadable; the message says how to fetch them."""


def check_dataset(dataset: str) -> None:
    if dataset not in FOLDERS:
        raise ValueError(f"unknown dataset {dataset!r}: choose one of {', '.join(DATASETS)}")


def raw_dir(data_dir: Path | str, dataset: str) -> Path:
    """The folder holding `dataset`'s four IDX files under `data_dir`."""
    check_dataset(dataset)
    return Path(data_dir) / FOLDERS[dataset] / "raw"


def missing_files(data_dir: Path | str, dataset: str) -> list[Path]:
    folder = raw_dir(data_dir, dataset)
    return [folder / name for name in FILES.values() if not (folder / name).is_file()]


def fetch_command(dataset: str, data_dir: Path | str) -> str:
    flag = "" if dataset == "mnist" else f" --dataset {dataset}"
    return f"loopcast data fetch{flag} --data-dir {data_dir}"


def load_split(
    data_dir: Path | str, dataset: str, train: bool
) -> tuple["torch.Tensor", "torch.Tensor"]:
    """uint8 images (N, 28, 28) and int64 labels (N,) of the training or the test split."""
    import torch  # here, not above: the CLI, the server process and edges need no torch

    from .idx import read_idx  # numpy: `data fetch` runs on the stdlib alone

    missing = missing_files(data_dir, dataset)
    if missing:
        raise DatasetMissing(
            f"{dataset} is not in {raw_dir(data_dir, dataset)} (no {missing[0].name}): "
            f"run `{fetch_command(dataset, data_dir)}`"
        )
    folder = raw_dir(data_dir, dataset)
    prefix = "train" if train else "test"
    refetch = f"run `{fetch_command(dataset, data_dir)}` to replace them"
    try:
        images = read_idx(folder / FILES[f"{prefix}-images"])
        labels = read_idx(folder / FILES[f"{prefix}-labels"])
    except ValueError as error:
        raise DatasetMissing(f"{error}: {refetch}") from error
    if images.shape[1:] != IMAGE_SIZE or labels.shape != images.shape[:1]:
        raise DatasetMissing(
            f"{folder}: images {images.shape} and labels {labels.shape} are not "
            f"N 28x28 images with N labels: {refetch}"
        )
    if labels.size and labels.max() >= CLASSES:
        raise DatasetMissing(f"{folder}: a label is {labels.max()}, above {CLASSES - 1}: {refetch}")
    return torch.from_numpy(images), torch.from_numpy(labels.astype("int64"))
