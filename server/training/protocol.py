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


# Server to worker.


@dataclass(frozen=True)
class Train:
    run: int
    config: dict[str, Any]  # a TrainConfig's model_dump(), validated again by the worker


@dataclass(frozen=True)
class Stop:
    run: int


@dataclass(frozen=True)
class Demo:
    req: int
    name: str
    args: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Quit:
    pass


Command = Train | Stop | Demo | Quit


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


Report = Ready | Started | Points | Epoch | Ended | Reply | Fatal


@dataclass(frozen=True)
class WorkerOptions:
    data_dir: str
    device: str  # "auto", "cpu" or "cuda"
    max_run_seconds: float
    # Test hook, e.g. "exception@5" or "oom@5": raise at that step (LOOPCAST_INJECT_FAULT).
    inject_fault: str = ""
    # Batches a second made up by the stand-in worker (no torch); 0: the real worker trains.
    standin_rate: float = 0.0
