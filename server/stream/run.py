"""The run object (docs/protocol.md `Run`): the snapshot's `info`, the `info` entry an edge
takes its run from, and what the run commands answer. Frozen: a change is a new object
(`dataclasses.replace`), so a snapshot that holds one never sees a later edit.

Its fields are the JSON's, in their order: the store's columns, then what the run log
adds (its last point, its epochs, lr changes and newest eval)."""

from dataclasses import dataclass, field, fields
from typing import Any, get_args

from ..training.protocol import RunStatus
from .columns import Row

STATUSES = get_args(RunStatus)


@dataclass(frozen=True, kw_only=True)
class RunInfo:
    id: int
    name: str = ""
    status: RunStatus
    reason: str | None = None  # why it failed or stopped
    config: Row = field(default_factory=dict)
    device: str = ""
    device_name: str = ""
    torch_version: str = ""
    steps_per_epoch: int | None = None
    total_steps: int | None = None
    created_at: float = 0.0
    started_at: float | None = None
    finished_at: float | None = None
    unpaced_s: float | None = None
    replay_of: int | None = None
    replay_speed: float | None = None
    last_seq: int = 0
    wall_s: float | None = None
    epochs: tuple[Row, ...] = ()  # live epochs carry their last_seq, stored ones do not
    lr_changes: tuple[Row, ...] = ()
    eval: Row | None = None

    def row(self, *leave: str) -> Row:
        """As JSON has it (tuples are sent as lists), but the fields in `leave`."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name not in leave}

    @classmethod
    def from_row(cls, row: Row) -> "RunInfo":
        """A run object as the store, the trainer's API or a Redis entry has it; fields a
        newer writer adds are left out. ValueError says what is wrong with it."""
        if not isinstance(row.get("id"), int) or row.get("status") not in STATUSES:
            raise ValueError(
                f"a run object needs an integer id and a status of {', '.join(STATUSES)}: "
                f"got id {row.get('id')!r}, status {row.get('status')!r}"
            )
        names = {f.name for f in fields(cls)}
        values: dict[str, Any] = {name: row[name] for name in names if name in row}
        for name in ("epochs", "lr_changes"):
            if name in values:
                values[name] = tuple(values[name])
        return cls(**values)
