"""Worker messages as the store keeps them and the stream sends them, and how each is
stored."""

import math
import time
from typing import TYPE_CHECKING

from ..training.protocol import (
    Ended,
    Epoch,
    Eval,
    LrChanged,
    Points,
    Report,
    Started,
    Weights,
    significant,
)
from .columns import EPOCH_COLUMNS, Columns, Row

if TYPE_CHECKING:  # the edge imports no SQLite
    from ..store import Store


def finite_or_none(value: float) -> float | None:
    # A diverging run (lr too high) gives inf/NaN: sent and stored as null, never as NaN.
    return value if math.isfinite(value) else None


def point_columns(message: Points) -> Columns:
    """A worker's points as stored columns; a point's seq is its global step."""
    return {
        "seq": message.step,
        "step": message.step,
        "epoch": message.epoch,
        "loss": [finite_or_none(loss) for loss in message.loss],
        "acc": message.acc,
        "t": [round(t, 4) for t in message.t],
    }


def epoch_row(message: Epoch) -> Row:
    """An epoch's results, its figures with float32's digits, as points carry."""
    row: Row = {name: significant(getattr(message, name)) for name in EPOCH_COLUMNS}
    for name in ("train_loss", "val_loss"):  # a diverged epoch: null, as its points
        row[name] = finite_or_none(row[name])
    return {**row, "epoch": message.epoch}


def message_fields(message: Eval | Weights) -> Row:
    """A worker's message as the stream sends it, but for its run (the stream adds that)."""
    return {name: value for name, value in message.__dict__.items() if name != "run"}


def lr_row(message: LrChanged) -> Row:
    return {"seq": message.seq, "lr": message.lr}


def store_report(store: "Store", message: Report) -> None:
    """A worker's message into the store (on the pipe's reader thread, before the stream)."""
    match message:
        case Points(run=run):
            store.add_points(run, point_columns(message))
        case Epoch(run=run):
            store.add_epoch(run, epoch_row(message))
        case Eval(run=run):
            store.add_eval(run, message_fields(message))
        case LrChanged(run=run):
            store.add_lr_change(run, lr_row(message))
        case Started(run=run):
            store.update_run(run, **started_fields(message))
        case Ended(run=run, status=status, reason=reason, unpaced_s=unpaced_s):
            finished_at = time.time()
            store.update_run(
                run, status=status, reason=reason, finished_at=finished_at, unpaced_s=unpaced_s
            )


def started_fields(message: Started) -> Row:
    return {
        "status": "running",
        "started_at": time.time(),
        "steps_per_epoch": message.steps_per_epoch,
        "total_steps": message.total_steps,
    }
