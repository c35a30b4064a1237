"""The networks a run can train, and the Dropout/BatchNorm net of the train-vs-eval slide."""

from torch import nn

from .config import ModelName


def seed_mlp() -> nn.Module:
    """The seed deck's model, exactly as on its slide."""
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))


def small_cnn() -> nn.Module:
    """A small conv net that reaches 99% on MNIST in a few epochs."""
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(64 * 7 * 7, 128),
        nn.ReLU(),
        nn.Linear(128, 10),
    )


def modes_net() -> nn.Module:
    """A net whose Dropout and BatchNorm make `train()` and `eval()` disagree."""
    return nn.Sequential(
        nn.Flatten(),
        nn.Linear(784, 256),
        nn.BatchNorm1d(256),
        nn.ReLU(),
        nn.Dropout(0.5),
        nn.Linear(256, 10),
    )


def build_model(name: ModelName) -> nn.Module:
    return seed_mlp() if name == "mlp" else small_cnn()
