"""Recordings that travel: a stored run exported to one JSON file, and imported into another
database, checked field by field first (docs/recordings.md). A rehearsal recorded on a GPU
machine is then replayed on the presenter's laptop at its true pace."""

import argparse
import json
import os
import sqlite3
import sys
from contextlib import closing
from itertools import pairwise
from pathlib import Path
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .config import Settings
from .store import Store
from .stream.columns import Row
from .training.config import TrainConfig
from .training.protocol import ACTIVE

FORMAT = "loopcast-recording"
VERSION = 1
# A 50-epoch run of batch 64 is about 5 MB; batch 1 for 50 epochs (3 million points) fits.
MAX_BYTES = 64 * 1024 * 1024
MAX_POINTS = 3_000_000
MAX_TEXT = 1000

Finite = Annotated[float, Field(allow_inf_nan=False)]
Seconds = Annotated[float, Field(ge=0, allow_inf_nan=False)]
Fraction = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]
Count = Annotated[int, Field(ge=1, le=2**62)]
Text = Annotated[str, Field(max_length=MAX_TEXT)]


class RecordingError(Exception):
    """What is wrong with a recording or an export, in one line for the user."""


class Strict(BaseModel):
    # No string for a number, no NaN or infinity, nothing unknown (but in `run`, below).
    model_config = ConfigDict(strict=True, extra="forbid", allow_inf_nan=False)


class RecordedLrChange(Strict):
    seq: Count = Field(description="the first point trained with lr")
    lr: float = Field(gt=0, le=10, allow_inf_nan=False)


class RecordedRun(Strict):
    """The run object; the fields a later version adds (and id, last_seq, wall_s, which the
    importing database has its own of) are ignored."""

    model_config = ConfigDict(extra="ignore")

    name: Text
    status: Literal["finished", "stopped", "failed", "interrupted"] = Field(
        description="an ended run: one still running was not finished recording"
    )
    reason: Text | None
    config: TrainConfig
    device: Text
    device_name: Text
    torch_version: Text
    steps_per_epoch: Count | None
    total_steps: Count | None
    created_at: Seconds
    started_at: Seconds | None
    finished_at: Seconds | None
    unpaced_s: Seconds | None
    # Left out by files of the first loopcast versions: none.
    lr_changes: list[RecordedLrChange] = Field(default_factory=list, max_length=100_000)


class RecordedEpoch(Strict):
    epoch: Count
    train_loss: Finite | None  # null: diverged (inf or NaN), as loopcast stores it
    val_loss: Finite | None
    val_acc: Fraction
    samples_per_s: Seconds
    t: Seconds


class RecordedPoints(Strict):
    """Columns of equal length: seq exactly 1..N, epochs and times never going back."""

    seq: list[Count] = Field(max_length=MAX_POINTS)
    step: list[Count] = Field(max_length=MAX_POINTS)
    epoch: list[Count] = Field(max_length=MAX_POINTS)
    loss: list[Finite | None] = Field(max_length=MAX_POINTS)  # null: a diverged step
    acc: list[Fraction] = Field(max_length=MAX_POINTS)
    t: list[Seconds] = Field(max_length=MAX_POINTS)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        columns = self.model_dump()
        if len({len(values) for values in columns.values()}) != 1:
            raise ValueError("the point columns have different lengths")
        if self.seq != list(range(1, len(self.seq) + 1)):
            raise ValueError("seq must be 1, 2, 3... with no gap or duplicate")
        for name in ("epoch", "t"):
            values = columns[name]
            if any(later < earlier for earlier, later in pairwise(values)):
                raise ValueError(f"{name} must never decrease")
        return self


class Recording(Strict):
    format: Literal["loopcast-recording"]
    version: Literal[1]
    run: RecordedRun
    epochs: list[RecordedEpoch] = Field(max_length=50)
    points: RecordedPoints

    @model_validator(mode="after")
    def _epochs_in_range(self) -> Self:
        numbers = [row.epoch for row in self.epochs]
        if numbers != sorted(set(numbers)):
            raise ValueError("epochs must be listed once each, in order")
        trained = set(self.points.epoch)
        if not set(numbers) <= trained:
            raise ValueError(f"epoch results for epochs without points: {set(numbers) - trained}")
        if trained and max(trained) > self.run.config.epochs:
            raise ValueError(f"points past the run's {self.run.config.epochs} epochs")
        changes = [change.seq for change in self.run.lr_changes]
        if changes != sorted(set(changes)) or any(seq > len(self.points.seq) for seq in changes):
            raise ValueError("lr changes must be at points of the run, once each, in order")
        return self


def export_run(store: Store, run_id: int, path: Path) -> None:
    """Write run `run_id` to `path` (replaced whole, never left half-written)."""
    run = store.get_run(run_id)
    if run is None:
        raise RecordingError(f"no run {run_id} in this run history (GET /api/runs lists them)")
    if run["status"] in ACTIVE:
        raise RecordingError(f"run {run_id} is still {run['status']}: export it once it ends")
    recording = {
        "format": FORMAT,
        "version": VERSION,
        "run": {**run, "lr_changes": store.lr_changes(run_id)},
        "epochs": store.epochs(run_id),
        "points": store.points(run_id),
    }
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(json.dumps(recording, allow_nan=False, separators=(",", ":")))
    os.replace(partial, path)


def read_recording(path: Path) -> Recording:
    """The recording in `path`, checked whole; RecordingError says what is wrong."""
    try:
        with path.open("rb") as file:
            # The size first, from the open file: a huge file is refused before it is read.
            size = os.fstat(file.fileno()).st_size
            if size > MAX_BYTES:
                raise RecordingError(
                    f"{path} is {size / 2**20:.0f} MB, over the {MAX_BYTES // 2**20} MB a "
                    "recording may have: is it a loopcast recording?"
                )
            data = file.read(MAX_BYTES + 1)  # a file that grows meanwhile stops here
    except OSError as error:
        raise RecordingError(f"cannot read {path}: {error.strerror}") from error
    if len(data) > MAX_BYTES:
        raise RecordingError(f"{path} grew past {MAX_BYTES // 2**20} MB while being read")
    try:
        return Recording.model_validate_json(data)
    except ValidationError as error:
        raise RecordingError(f"{path} is not a valid loopcast recording: {_first(error)}") from None


def _first(error: ValidationError) -> str:
    """The first problem, where it is, and how many more: one line, no input echoed."""
    problems = error.errors(include_input=False, include_url=False)
    where = ".".join(str(part) for part in problems[0]["loc"]) or "the file"
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return f"{where}: {problems[0]['msg']}{more}"


def add_recording(store: Store, recording: Recording) -> int:
    """Add a checked recording as a new run (a new id: never over an existing run), all of
    it in one transaction; its id."""
    run: Row = recording.run.model_dump()
    epochs = [epoch.model_dump() for epoch in recording.epochs]
    return store.add_run(run, recording.points.model_dump(), epochs, run["lr_changes"])


# The `loopcast runs` subcommand; server/cli.py mounts it beside `serve` and `data`.


def add_runs_parser(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    runs = commands.add_parser("runs", help="move recorded runs between machines")
    actions = runs.add_subparsers(dest="runs_command", required=True)
    export = actions.add_parser("export", help="write a stored run to a JSON file")
    export.add_argument("id", type=int, help="the run's id (the deck's run list shows it)")
    export.add_argument("file", type=Path)
    restore = actions.add_parser(
        "import", help="add a recording as a new run (printed: its id); replay it from the deck"
    )
    restore.add_argument("file", type=Path)
    for action in (export, restore):
        action.add_argument(
            "--db", type=Path, help="SQLite file of the run history (default: as `serve`)"
        )


def run_runs_command(args: argparse.Namespace) -> int:
    """0 when done; 2, with one line on stderr, for a bad file, run or database."""
    db: Path = args.db or Settings().db
    try:
        if args.runs_command == "export":
            if not db.is_file():
                raise RecordingError(f"no run history at {db}: pass the server's --db FILE")
            with closing(Store(db)) as store:
                export_run(store, args.id, args.file)
            print(f"run {args.id} written to {args.file}")
        else:
            recording = read_recording(args.file)  # checked before the database is opened
            with closing(Store(db)) as store:
                print(add_recording(store, recording))
    except (RecordingError, sqlite3.Error, OSError) as error:
        print(f"loopcast runs {args.runs_command}: {error}", file=sys.stderr)
        return 2
    return 0
