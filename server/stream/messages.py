"""What the stream sends (docs/protocol.md): one frozen type per kind of message, the one
encoder of each, and `parse()` for texts another process wrote (an edge reading Redis).

A message's fields are its JSON fields, in their order, after `type` (the kind); the
browser's copy of these types is static/js/messages.d.ts (tests/stream/test_messages.py
keeps the two the same)."""

import json
from dataclasses import dataclass, fields
from typing import Any, ClassVar, Generic, Literal, TypeVar

from ..training.protocol import RunStatus
from .columns import Columns, Row
from .run import RunInfo

# What an info entry leaves out of the run object: entries of their own.
INFO_LEAVES = ("epochs", "last_seq")

# "full": every point; "envelope": buckets, bounded in bytes whatever the run's speed.
Detail = Literal["full", "envelope"]
DETAILS: tuple[Detail, ...] = ("full", "envelope")


def _run_object(value: object) -> Row:
    if isinstance(value, RunInfo):
        return value.row()
    raise TypeError(f"a {type(value).__name__} is not a message field")


def dumps(value: object) -> str:
    # allow_nan=False: a NaN would be invalid JSON in the browser; the worker sends null.
    return json.dumps(value, separators=(",", ":"), allow_nan=False, default=_run_object)


@dataclass(frozen=True)
class Kind:
    """A message of the stream: `kind` is its `type` on the wire."""

    kind: ClassVar[str]

    def row(self, *leave: str) -> Row:
        """Its fields but `run` (and `leave`): what the run object keeps of it."""
        return {
            f.name: getattr(self, f.name) for f in fields(self) if f.name not in ("run", *leave)
        }

    def text(self) -> str:
        """The encoder: `type` first, then the fields in their order."""
        return dumps({"type": self.kind, **{f.name: getattr(self, f.name) for f in fields(self)}})


@dataclass(frozen=True)
class Points(Kind):
    """Points as columns of equal length; `created` is when the oldest was read (a viewer
    measures its delay from it)."""

    kind = "points"
    run: int
    seq: list[int]
    step: list[int]
    epoch: list[int]
    loss: list[float | None]  # null: a diverged step
    acc: list[float]
    t: list[float]
    created: float


@dataclass(frozen=True)
class Buckets(Kind):
    """Points summarised as buckets (server/stream/envelope.py); `created` is when the
    newest was read."""

    kind = "buckets"
    run: int
    first_seq: list[int]
    last_seq: list[int]
    loss_min: list[float | None]
    loss_max: list[float | None]
    loss_mean: list[float | None]
    acc_mean: list[float]
    t: list[float]
    created: float


@dataclass(frozen=True)
class Epoch(Kind):
    kind = "epoch"
    run: int
    epoch: int
    train_loss: float | None  # null: diverged
    val_loss: float | None
    val_acc: float
    samples_per_s: float
    t: float
    last_seq: int  # the epoch's last point


@dataclass(frozen=True)
class Eval(Kind):
    kind = "eval"
    run: int
    epoch: int
    test_images: int
    sampled: int
    confusion: list[list[int]]
    mistakes: list[dict[str, Any]]
    last_seq: int


@dataclass(frozen=True)
class Lr(Kind):
    kind = "lr"
    run: int
    seq: int  # the first point trained with lr
    lr: float


@dataclass(frozen=True)
class Weights(Kind):
    kind = "weights"
    run: int
    seq: int
    epoch: int
    final: bool
    model: str
    dataset: str
    mean: float
    std: float
    layers: list[dict[str, Any]]


@dataclass(frozen=True)
class Status(Kind):
    kind = "status"
    run: int
    status: RunStatus
    reason: str | None
    wall_s: float | None
    unpaced_s: float | None


@dataclass(frozen=True)
class Slide(Kind):
    kind = "slide"
    run: int | None
    page: int
    panel: str | None


@dataclass(frozen=True)
class Viewers(Kind):
    kind = "viewers"
    run: int | None
    count: int


@dataclass(frozen=True)
class Info(Kind):
    """The run object, in Redis only: edges take the run from it. Its epochs and points
    are entries of their own."""

    kind = "info"
    run: int
    info: RunInfo

    def text(self) -> str:
        return dumps({"type": self.kind, "run": self.run, "info": self.info.row(*INFO_LEAVES)})


@dataclass(frozen=True)
class Pong(Kind):
    kind = "pong"
    run: int | None


@dataclass(frozen=True)
class Error(Kind):
    kind = "error"
    run: int | None
    detail: str


T = TypeVar("T")


class Encoded(str, Generic[T]):
    """A JSON text, encoded once for every viewer, that keeps what it encodes: a reader in
    the same process (the publisher) matches on `value`, never parses the text."""

    value: T

    @staticmethod
    def columns(columns: Columns) -> "Encoded[Columns]":
        text: Encoded[Columns] = Encoded(dumps(columns))
        text.value = columns
        return text


@dataclass(frozen=True)
class Snapshot(Kind):
    """The run so far, first on connect and whenever a run starts; its history, the heavy
    part, is encoded once for every viewer that joins at the same point and spliced in."""

    kind = "snapshot"
    run: int | None
    detail: Detail
    info: RunInfo | None
    since: int
    server: Row  # the server's status
    slide: Row | None  # {"page", "panel"}
    history: Encoded[Columns]  # sent as "points", or as "buckets" for the envelope

    def text(self) -> str:
        head = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "history"}
        columns = "buckets" if self.detail == "envelope" else "points"
        return f'{dumps({"type": self.kind, **head})[:-1]},"{columns}":{self.history}}}'


Sent = Points | Buckets | Epoch | Eval | Lr | Weights | Status | Slide | Viewers | Info
Message = Snapshot | Sent | Pong | Error
# What parse() reads from another process (Redis entries, a viewer's stream): every kind
# but the snapshot, whose history is spliced in as text.
PARSED: tuple[type[Sent | Pong | Error], ...] = (
    *(Points, Buckets, Epoch, Eval, Lr, Weights, Status, Slide, Viewers, Info),
    *(Pong, Error),
)
ENTRIES = {kind.kind: kind for kind in PARSED}


def encode(message: Message) -> Encoded[Message]:
    """The one way a message becomes text: its JSON, which keeps the message."""
    text: Encoded[Message] = Encoded(message.text())
    text.value = message
    return text


class UnknownKind(ValueError):
    """A kind this process does not know: a writer newer than its reader."""

    def __init__(self, kind: object) -> None:
        super().__init__(f"messages of type {kind!r} are not known here")
        self.kind = kind


def _not_json(constant: str) -> None:
    raise ValueError(f"{constant} is not JSON (a trainer writes null)")


def parse(text: str) -> Sent | Pong | Error:
    """A message another process encoded; ValueError says what is wrong with it. Fields a
    newer writer adds are left out."""
    value = json.loads(text, parse_constant=_not_json)
    if not isinstance(value, dict):
        raise ValueError(f"a {type(value).__name__}, not a message object")
    kind = value.get("type")
    if not isinstance(kind, str) or kind not in ENTRIES:
        raise UnknownKind(kind)
    cls = ENTRIES[kind]
    names = [f.name for f in fields(cls)]
    missing = [name for name in names if name not in value]
    if missing:
        raise ValueError(f"a {kind} message without {', '.join(missing)}")
    if cls is Info:
        if not isinstance(value["info"], dict):
            raise ValueError("an info message whose info is not a run object")
        return Info(value["run"], RunInfo.from_row(value["info"]))
    return cls(**{name: value[name] for name in names})
