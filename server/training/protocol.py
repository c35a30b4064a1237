"""What the server and a worker process say to each other over their pipe: one frozen
dataclass per kind of message (the pipe pickles them), and the worker's options. No torch
here, so the server process never imports it."""

from dataclasses import dataclass, field
from typing import Any, Literal

# A run's life: queued (sent to the worker), running, then one of the ended states;
# `interrupted` is a run the server stopped (crash, restart) while it was active.
RunStatus = Literal["queued", "running", "finished", "stopped", "failed", "interrupted"]
ACTIVE: tuple[RunStatus, ...] = ("queued", "running")
# How a worker says a run ended.
RunEnd = Literal["finished", "stopped", "failed"]
# The worker reads its points back about 20 times a second: a tick. A replay and the
# stand-in worker send them as often.
TICK_SECONDS = 0.05


def significant(value: float, digits: int = 7) -> float:
    """float32's 7 significant digits by default, as a worker sends its figures: a float64's
    17 would be noise that every viewer is sent (a third of every points message)."""
    return float(f"{value:.{digits}g}")


# Server to worker.


@dataclass(frozen=True)
class Train:
    run: int
    config: dict[str, Any]  # a TrainConfig's model_dump(), validated again by the worker


@dataclass(frozen=True)
class Stop:
    run: int


@dataclass(frozen=True)
class SetLr:
    """Train the run with this learning rate from its next batch on."""

    run: int
    lr: float


@dataclass(frozen=True)
class Demo:
    req: int
    name: str
    args: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Quit:
    pass


Command = Train | Stop | SetLr | Demo | Quit


# Worker to server.


@dataclass(frozen=True)
class Ready:
    device: str
    device_name: str
    cuda_available: bool
    torch_version: str


@dataclass(frozen=True)
class Started:
    run: int
    steps_per_epoch: int
    total_steps: int


@dataclass(frozen=True)
class Points:
    """One tick's batches, as columns; `step` is the run's global step (the point's seq)."""

    run: int
    step: list[int]
    epoch: list[int]
    loss: list[float]
    acc: list[float]
    t: list[float]
    created: float  # wall clock when the worker read them: viewers measure delay from it


@dataclass(frozen=True)
class Epoch:
    run: int
    epoch: int
    train_loss: float
    val_loss: float
    val_acc: float
    samples_per_s: float
    t: float


# An eval's mistakes: at most MOST_MISTAKES among a fixed sample of SAMPLE_SIZE test images.
SAMPLE_SIZE = 512
MOST_MISTAKES = 32


@dataclass(frozen=True)
class Eval:
    """What the epoch's validation pass saw: the confusion matrix and some mistakes."""

    run: int
    epoch: int
    test_images: int
    sampled: int  # the fixed sample of test images the mistakes were looked for in
    confusion: list[list[int]]  # confusion[label][predicted]
    mistakes: list[dict[str, Any]]  # {"index", "label", "top3": [[class, prob], ...]}


@dataclass(frozen=True)
class Weights:
    """A copy of the model's weights, encoded for the `weights` message (weights.py)."""

    run: int
    seq: int  # the last batch trained before the copy
    epoch: int
    final: bool  # taken when the run ended
    model: str
    dataset: str
    mean: float  # the input normalisation it trained with
    std: float
    layers: list[dict[str, Any]]


@dataclass(frozen=True)
class LrChanged:
    run: int
    seq: int  # the first batch trained with `lr`
    lr: float


@dataclass(frozen=True)
class Ended:
    run: int
    status: RunEnd
    reason: str | None
    unpaced_s: float | None = None  # seconds the device worked, a paced run's waits left out


@dataclass(frozen=True)
class Reply:
    """The answer to a `Demo`: a result, or why there is none."""

    req: int
    result: dict[str, Any] | None = None
    error: str | None = None


@dataclass(frozen=True)
class Fatal:
    """The worker cannot serve (e.g. its dataset is missing); it exits after this."""

    reason: str


Report = Ready | Started | Points | Epoch | Eval | Weights | LrChanged | Ended | Reply | Fatal
# What a run's log takes as it is (server/stream/runlog.py): the rest is the lifecycle.
Progress = Points | Epoch | Eval | LrChanged | Weights


@dataclass(frozen=True)
class WorkerOptions:
    data_dir: str
    device: str  # "auto", "cpu" or "cuda"
    max_run_seconds: float
    # Test hook, e.g. "exception@5" or "oom@5": raise at that step (LOOPCAST_INJECT_FAULT).
    inject_fault: str = ""
    # Batches a second made up by the stand-in worker (no torch); 0: the real worker trains.
    standin_rate: float = 0.0
