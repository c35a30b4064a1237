"""What the server and a worker process say to each other over their pipe: one frozen
dataclass per kind of message (the pipe pickles them), and the worker's options. No torch
here, so the server process never imports it."""

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from ..stream.columns import Columns, Row

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


def finite_or_none(value: float | None) -> float | None:
    # A diverging run (lr too high) gives inf/NaN: sent and stored as null, never as NaN.
    return value if value is not None and math.isfinite(value) else None


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


# Worker to server. A run's progress (Points to Weights) knows its own row: the columns
# or fields the store writes and the stream sends, the run's id left to them.


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

    def row(self) -> Row:
        """The run object's fields it sets, stamped now."""
        return {
            "status": "running",
            "started_at": time.time(),
            "steps_per_epoch": self.steps_per_epoch,
            "total_steps": self.total_steps,
        }


@dataclass(frozen=True)
class Points:
    """One tick's batches, as columns; `step` is the run's global step (the point's seq)."""

    run: int
    step: list[int]
    epoch: list[int]
    loss: Sequence[float | None]  # None: a replayed diverged step
    acc: list[float]
    t: list[float]
    created: float  # wall clock when the worker read them: viewers measure delay from it

    def columns(self) -> Columns:
        """As stored and streamed (POINT_COLUMNS): seq is the global step."""
        loss = [finite_or_none(value) for value in self.loss]
        t = [round(value, 4) for value in self.t]
        return {
            "seq": self.step,
            "step": self.step,
            "epoch": self.epoch,
            "loss": loss,
            "acc": self.acc,
            "t": t,
        }


@dataclass(frozen=True)
class Epoch:
    run: int
    epoch: int
    train_loss: float
    val_loss: float
    val_acc: float
    samples_per_s: float
    t: float

    def row(self) -> Row:
        """Its figures with float32's digits, as points carry (EPOCH_COLUMNS); a diverged
        epoch's losses null, as its points'."""
        return {
            "epoch": self.epoch,
            "train_loss": finite_or_none(significant(self.train_loss)),
            "val_loss": finite_or_none(significant(self.val_loss)),
            "val_acc": significant(self.val_acc),
            "samples_per_s": significant(self.samples_per_s),
            "t": significant(self.t),
        }


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

    def row(self) -> Row:
        return _fields_but_run(self)


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

    def row(self) -> Row:
        return _fields_but_run(self)


@dataclass(frozen=True)
class LrChanged:
    run: int
    seq: int  # the first batch trained with `lr`
    lr: float

    def row(self) -> Row:
        return {"seq": self.seq, "lr": self.lr}


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


def _fields_but_run(message: "Eval | Weights") -> Row:
    return {name: value for name, value in message.__dict__.items() if name != "run"}


@dataclass(frozen=True)
class WorkerOptions:
    data_dir: str
    device: str  # "auto", "cpu" or "cuda"
    max_run_seconds: float
    # Test hook, e.g. "exception@5" or "oom@5": raise at that step (LOOPCAST_INJECT_FAULT).
    inject_fault: str = ""
    # Batches a second made up by the stand-in worker (no torch); 0: the real worker trains.
    standin_rate: float = 0.0
