"""Replay: a stored run streamed again as a new run, at its recorded pace sped up `speed`
times, by the server itself. No worker is needed: a replay is what saves a talk when the
worker or the GPU fails. It plans the worker's own messages (`Started`, one `Points` per
~50 ms tick, `Epoch` and its `Eval`, `LrChanged` where the recording's lr changed, `Ended`)
and delivers them to the path a worker's take, so the run log,
the hub, the store and every detail level treat it as any run."""

import asyncio
import dataclasses
import time
from bisect import bisect_right
from collections.abc import Callable, Sequence

from .stream.columns import Columns, Row
from .training.protocol import (
    TICK_SECONDS,
    Ended,
    Epoch,
    Eval,
    LrChanged,
    Points,
    Report,
    Started,
)

# What a replay sends: a worker's messages about a run.
Replayed = Started | Points | Epoch | Eval | LrChanged | Ended
# (seconds after the replay's start, message), in the order they are delivered.
Plan = list[tuple[float, Replayed]]


def plan(
    run_id: int,
    original: Row,
    points: Columns,
    epochs: list[Row],
    speed: float,
    lr_changes: Sequence[Row] = (),
    evals: Sequence[Row] = (),
) -> Plan:
    """The replay of `original` as run `run_id`: its points (seq 1..N, its loss and acc) and
    epochs (each with its eval) at their recorded `t` divided by `speed`, which is also the
    `t` they carry; each lr change between the points before and after it, as recorded."""
    started = Started(run_id, original["steps_per_epoch"], original["total_steps"])
    replayed = [t / speed for t in points["t"]]
    count = len(replayed)
    # Where each epoch's points end: its result comes after its last point, never before.
    ends = {row["epoch"]: bisect_right(points["epoch"], row["epoch"]) for row in epochs}
    # An lr change comes after the points before its seq, and before the point at its seq.
    cuts = [(bisect_right(points["seq"], change["seq"] - 1), change) for change in lr_changes]
    boundaries = sorted({*ends.values(), *(cut for cut, _ in cuts if cut > 0)})
    evals_of = {row["epoch"]: row for row in evals}
    messages: Plan = [(0.0, started)]
    first = 0
    while first < count:
        # One tick: the points due within TICK_SECONDS of its first, up to an epoch's end.
        stop = bisect_right(replayed, replayed[first] + TICK_SECONDS, lo=first + 1)
        stop = min([stop, *(end for end in boundaries if end > first)])
        columns = {name: points[name][first:stop] for name in ("step", "epoch", "loss", "acc")}
        tick = Points(run_id, **columns, t=replayed[first:stop], created=0.0)
        messages.append((replayed[stop - 1], tick))
        for row in epochs:
            if ends[row["epoch"]] == stop:
                due = max(row["t"] / speed, replayed[stop - 1])
                messages.append((due, _epoch(run_id, row, speed)))
                if row["epoch"] in evals_of:
                    messages.append((due, _eval(run_id, evals_of[row["epoch"]])))
        for cut, change in cuts:
            if cut == stop:
                messages.append(
                    (replayed[stop - 1], LrChanged(run_id, change["seq"], change["lr"]))
                )
        first = stop
    last = max(due for due, _ in messages)
    messages.append((last, Ended(run_id, "finished", None)))
    return messages


def _epoch(run_id: int, row: Row, speed: float) -> Epoch:
    # samples_per_s stays the recording's: the speed of the device that trained it.
    figures = ("train_loss", "val_loss", "val_acc", "samples_per_s")
    return Epoch(run_id, row["epoch"], **{name: row[name] for name in figures}, t=row["t"] / speed)


def _eval(run_id: int, row: Row) -> Eval:
    figures = ("epoch", "test_images", "sampled", "confusion", "mistakes")
    return Eval(run_id, **{name: row[name] for name in figures})


async def play(messages: Plan, deliver: Callable[[Report], None]) -> None:
    """Deliver each message when it is due, on the loop's monotonic clock from the start (a
    sleep per tick would drift). Cancelling it stops the replay between two messages."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    for due, message in messages:
        delay = start + due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        if isinstance(message, Points):
            # As a worker stamps a tick: the wall clock when its points became available.
            message = dataclasses.replace(message, created=time.time())
        deliver(message)
