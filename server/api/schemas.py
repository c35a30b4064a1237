"""The shapes of the API's answers (and of the slide report), so that `/openapi.json`
documents every answer and FastAPI checks each against it (docs/protocol.md)."""

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

from ..supervisor import WorkerState
from ..training.config import JsonInt
from ..training.protocol import RunStatus

# As it was started: documented as the request's own TrainConfig, not validated again (a
# run stored under older limits still lists) and not a second component: the Train form
# reads TrainConfig's defaults and limits from /openapi.json.
StoredConfig = Annotated[
    dict[str, Any], WithJsonSchema({"allOf": [{"$ref": "#/components/schemas/TrainConfig"}]})
]


class EpochResult(BaseModel):
    epoch: int
    train_loss: float | None = Field(description="mean batch loss; null if it diverged")
    val_loss: float | None = Field(description="on the test set, in eval(); null if diverged")
    val_acc: float
    samples_per_s: float = Field(description="the device's own speed, paced waits left out")
    t: float = Field(description="seconds since the run started")
    # Only the live run's object (a start, a stop, a snapshot's info) has it; left out,
    # not null, in a stored run's.
    last_seq: int | None = Field(
        default=None, exclude_if=lambda value: value is None, description="its last point"
    )


class LrChange(BaseModel):
    seq: int = Field(description="the first batch trained with lr")
    lr: float


class Mistake(BaseModel):
    index: int = Field(description="its position in the test set")
    label: int
    top3: list[tuple[int, float]] = Field(description="(class, probability), likeliest first")


class Eval(BaseModel):
    """What an epoch's validation pass saw (the `eval` message, less its type and run)."""

    epoch: int
    last_seq: int
    test_images: int
    sampled: int = Field(description="the fixed sample of test images mistakes come from")
    confusion: list[list[int]] = Field(description="confusion[label][predicted]: counts")
    mistakes: list[Mistake] = Field(description="up to 32, by index")


class RunSummary(BaseModel):
    """A run as the history lists it: no epochs, no points."""

    id: int
    name: str
    status: RunStatus
    reason: str | None = Field(description="why it failed or stopped")
    config: StoredConfig
    device: str
    device_name: str
    torch_version: str
    steps_per_epoch: int | None
    total_steps: int | None
    created_at: float
    started_at: float | None
    finished_at: float | None
    last_seq: int = Field(description="the run's last point; 0 before the first")
    wall_s: float | None = Field(description="first step to end, paced waits included")
    unpaced_s: float | None = Field(description="seconds the device worked, waits left out")
    replay_of: int | None = Field(default=None, description="the run it replays; null if trained")
    replay_speed: float | None = Field(default=None, description="a replay's speed-up, 1..100")


class Run(RunSummary):
    """The run object: `POST /api/runs`, a stop, and the snapshot's `info`."""

    epochs: list[EpochResult]
    lr_changes: list[LrChange] = Field(default_factory=list, description="oldest first")
    eval: Eval | None = Field(default=None, description="the newest epoch's")


class ReplayRequest(BaseModel):
    """The body of `POST /api/runs/{id}/replay`; every field optional."""

    model_config = ConfigDict(extra="forbid", strict=True)

    speed: float = Field(
        default=1.0, ge=1, le=100, allow_inf_nan=False, description="the recorded pace times this"
    )
    name: str | None = Field(
        default=None, max_length=80, description='default "replay of <the original\'s name>"'
    )


class LrRequest(BaseModel):
    """The body of `POST /api/runs/{id}/lr`."""

    model_config = ConfigDict(extra="forbid")

    lr: float = Field(gt=0, le=10, allow_inf_nan=False, description="from the next batch on")


class RunList(BaseModel):
    runs: list[RunSummary] = Field(description="newest first")


class PointColumns(BaseModel):
    """Columns of equal length, one entry per batch."""

    seq: list[int]
    step: list[int]
    epoch: list[int]
    loss: list[float | None] = Field(description="null where it was not finite")
    acc: list[float] = Field(description="accuracy on that batch")
    t: list[float] = Field(description="seconds since the run started")


class RunDetails(Run):
    points: PointColumns


class Healthy(BaseModel):
    status: Literal["ok"]


class NotWarm(BaseModel):
    status: WorkerState = Field(description="starting, restarting or stopped")
    error: str | None = Field(description="why the last worker ended, if it failed")


class DatasetState(BaseModel):
    name: str
    available: bool
    reason: str | None = Field(description="when unavailable: what to install, and how")


class Datasets(BaseModel):
    datasets: list[DatasetState]


class ServerStatus(BaseModel):
    worker: WorkerState | Literal["training"]
    worker_error: str | None
    device: str
    device_name: str | None
    cuda_available: bool
    torch_version: str | None
    active_run: int | None
    viewers: int


class Slide(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    page: JsonInt = Field(ge=0, le=10_000)
    panel: str | None = Field(default=None, max_length=40, pattern=r"^[a-z0-9-]*$")
    # A random id per browser tab (a reload is a new tab), and that tab's report number,
    # 1, 2, 3...: a report can arrive after a newer one from the same tab.
    tab: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    counter: JsonInt = Field(ge=1, le=2**53 - 1)  # JavaScript counts exactly up to here


class SlideAnswer(Slide):
    stale: bool = Field(description="a newer report from the same tab came first: not applied")


class Images(BaseModel):
    dataset: str
    shape: list[int]
    labels_shape: list[int]
    labels: list[int]
    images: str = Field(description="base64 of the images' uint8 pixels, row-major")


class Batch(Images):
    index: int


class TestImages(Images):
    indices: list[int]


class Modes(BaseModel):
    model: str
    trained_steps: int
    test_images: int
    eval_mode_acc: float
    eval_mode_loss: float
    train_mode_acc: float
    train_mode_loss: float


class Profile(BaseModel):
    device: str
    model: str
    batch_size: int
    steps: int
    ms: dict[str, float] = Field(description="mean milliseconds per training step phase")


class RaceCurve(BaseModel):
    t: list[float]
    samples: list[int]
    loss: list[float]


class RaceLeg(BaseModel):
    device: str
    name: str
    curve: RaceCurve
    samples_per_s: float


class Race(BaseModel):
    model: str
    batch_size: int
    seconds: float
    devices: list[RaceLeg]
    speedup: float = Field(description="the last device's samples_per_s over the first's")
