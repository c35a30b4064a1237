"""The dataset as normalised tensors resident in device memory, loaded once per worker."""

from dataclasses import dataclass

import torch

from ..data.datasets import NORMALIZATION, load_split
from .config import DatasetName


@dataclass(frozen=True)
class ResidentData:
    train_x: torch.Tensor  # (N, 1, 28, 28) float32, normalised, on the device
    train_y: torch.Tensor  # (N,) int64
    test_x: torch.Tensor
    test_y: torch.Tensor

    def to(self, device: torch.device) -> "ResidentData":
        """The same data on `device`: copied there once, or these tensors if already there."""
        return ResidentData(
            train_x=self.train_x.to(device),
            train_y=self.train_y.to(device),
            test_x=self.test_x.to(device),
            test_y=self.test_y.to(device),
        )


def _normalise(images: torch.Tensor, mean: float, std: float, device: torch.device) -> torch.Tensor:
    # The same arithmetic as ToTensor() then Normalize(): /255, then (x - mean) / std.
    x = images.to(device).unsqueeze(1).float().div_(255.0)
    return x.sub_(mean).div_(std)


def load_resident(data_dir: str, dataset: DatasetName, device: torch.device) -> ResidentData:
    mean, std = NORMALIZATION[dataset]
    train_images, train_labels = load_split(data_dir, dataset, train=True)
    test_images, test_labels = load_split(data_dir, dataset, train=False)
    return ResidentData(
        train_x=_normalise(train_images, mean, std, device),
        train_y=train_labels.to(device),
        test_x=_normalise(test_images, mean, std, device),
        test_y=test_labels.to(device),
    )
