"""Where a run's batches come from: slices of resident tensors (fast) or the seed's DataLoader."""

import math
from collections.abc import Iterator
from typing import Protocol

import torch
from torch.utils.data import DataLoader
from torchvision import datasets, transforms

from ..data.datasets import NORMALIZATION
from .config import DatasetName
from .resident import ResidentData

Batch = tuple[torch.Tensor, torch.Tensor]
EVAL_CHUNK = 1000


class BatchSource(Protocol):
    steps_per_epoch: int
    train_size: int

    def train_batches(self) -> Iterator[Batch]: ...

    def test_batches(self) -> Iterator[Batch]: ...


class ResidentBatches:
    """Batches as index slices of device-resident tensors, reshuffled every epoch."""

    def __init__(self, data: ResidentData, batch_size: int, generator: torch.Generator) -> None:
        self._data, self._batch_size, self._generator = data, batch_size, generator
        self.train_size = data.train_x.shape[0]
        self.steps_per_epoch = math.ceil(self.train_size / batch_size)

    def train_batches(self) -> Iterator[Batch]:
        order = torch.randperm(
            self.train_size, device=self._data.train_x.device, generator=self._generator
        )
        for start in range(0, self.train_size, self._batch_size):
            index = order[start : start + self._batch_size]
            # index_select, not train_x[index]: measured 2x faster per batch on the CPU.
            x = torch.index_select(self._data.train_x, 0, index)
            yield x, torch.index_select(self._data.train_y, 0, index)

    def test_batches(self) -> Iterator[Batch]:
        for start in range(0, self._data.test_x.shape[0], EVAL_CHUNK):
            end = start + EVAL_CHUNK
            yield self._data.test_x[start:end], self._data.test_y[start:end]


def seed_transform(dataset: DatasetName) -> transforms.Compose:
    mean, std = NORMALIZATION[dataset]
    return transforms.Compose([transforms.ToTensor(), transforms.Normalize((mean,), (std,))])


def torchvision_dataset(data_dir: str, dataset: DatasetName, train: bool) -> datasets.MNIST:
    """The seed slide's `datasets.MNIST(...)`, reading files `loopcast data fetch` put there."""
    kind = datasets.MNIST if dataset == "mnist" else datasets.FashionMNIST
    return kind(data_dir, train=train, download=False, transform=seed_transform(dataset))


class ClassicBatches:
    """The seed deck's path: torchvision dataset + ToTensor/Normalize + shuffling DataLoader."""

    def __init__(
        self,
        data_dir: str,
        dataset: DatasetName,
        batch_size: int,
        device: torch.device,
        generator: torch.Generator,
    ) -> None:
        train_data = torchvision_dataset(data_dir, dataset, train=True)
        test_data = torchvision_dataset(data_dir, dataset, train=False)
        self._train = DataLoader(
            train_data, batch_size=batch_size, shuffle=True, generator=generator
        )
        self._test = DataLoader(test_data, batch_size=EVAL_CHUNK, shuffle=False)
        self._device = device
        self.train_size = len(train_data)
        self.steps_per_epoch = len(self._train)

    def _to_device(self, loader: DataLoader[Batch]) -> Iterator[Batch]:
        for images, labels in loader:
            yield images.to(self._device), labels.to(self._device)

    def train_batches(self) -> Iterator[Batch]:
        return self._to_device(self._train)

    def test_batches(self) -> Iterator[Batch]:
        return self._to_device(self._test)
