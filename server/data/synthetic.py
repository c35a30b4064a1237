"""Small learnable stand-ins for MNIST, written as real IDX files, for fast tests."""

from pathlib import Path

import numpy as np

from server.data.datasets import FILES, raw_dir
from server.data.idx import write_idx


def _images(labels: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    # Each class lights one 7x7 block of a 4x4 grid (10 of 16 blocks), plus noise.
    images = rng.integers(0, 60, size=(len(labels), 28, 28), dtype=np.uint8)
    for index, label in enumerate(labels):
        row, col = divmod(int(label), 4)
        images[index, row * 7 : row * 7 + 7, col * 7 : col * 7 + 7] = 255
    return images


def write_synthetic_dataset(
    data_dir: Path | str, dataset: str = "mnist", train: int = 600, test: int = 200, seed: int = 0
) -> Path:
    rng = np.random.default_rng(seed)
    folder = raw_dir(data_dir, dataset)
    folder.mkdir(parents=True, exist_ok=True)
    for split, count in (("train", train), ("test", test)):
        labels = rng.integers(0, 10, size=count, dtype=np.uint8)
        write_idx(folder / FILES[f"{split}-images"], _images(labels, rng))
        write_idx(folder / FILES[f"{split}-labels"], labels)
    return folder
