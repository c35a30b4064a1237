"""The live run: an append-only, seq-numbered list of points plus epochs and status, the
epochs' evaluations, learning rate changes and the newest weights.

This is what live viewers, late joiners and reconnects read from. Each message is encoded
once, from its type (server/stream/messages.py), for every viewer that needs it.
"""

import time
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace
from math import ceil
from typing import Generic, TypeVar

from ..training import protocol
from ..training.protocol import ACTIVE, Progress, RunStatus
from .columns import POINT_COLUMNS, Columns, Row
from .envelope import SNAPSHOT_BUCKETS, summarise
from .messages import (
    Buckets,
    Detail,
    Encoded,
    Epoch,
    Eval,
    Lr,
    Message,
    Points,
    Weights,
    encode,
)
from .run import RunInfo

# Encoded live messages kept (small: one tick's points each), and snapshot histories
# (up to ~2 MB each for a 50-epoch run at full detail; a crowd mostly shares one).
LIVE_MESSAGES_KEPT = 64
HISTORIES_KEPT = 4


T = TypeVar("T")


class EncodedCache(Generic[T]):
    """The last few encoded texts by key, each made once however many viewers ask."""

    def __init__(self, most: int) -> None:
        self.most = most
        self._texts: OrderedDict[tuple[Detail, int, int], T] = OrderedDict()

    def get(self, key: tuple[Detail, int, int], make: Callable[[], T]) -> T:
        text = self._texts.get(key)
        if text is None:
            text = self._texts[key] = make()
            if len(self._texts) > self.most:
                self._texts.popitem(last=False)
        return text


class RunLog:
    def __init__(self, info: RunInfo, grew: Callable[[], None] = lambda: None) -> None:
        # Called when a worker's report made the log grow: the hub wakes its viewers.
        self._grew = grew
        # The run object but what this log holds itself (its points, epochs, lr changes
        # and newest eval): `info` puts the two together.
        self._info = info
        self.columns: Columns = {name: [] for name in POINT_COLUMNS}
        # Each epoch result carries `last_seq`, the last point of its epoch, so a viewer
        # that is behind receives points and epochs in the order they happened.
        self.epochs: list[Row] = list(info.epochs)
        # Encoded once for every viewer.
        self.epoch_messages = [encode(Epoch(self.id, **e)) for e in self.epochs]
        # What happens between two points, in order, each with the last point before it
        # (a full viewer gets them there): an epoch and its eval after the epoch's last
        # point, an lr change before the first point trained with it.
        self.marks: list[tuple[int, Encoded[Message]]] = [
            (e["last_seq"], text) for e, text in zip(self.epochs, self.epoch_messages, strict=True)
        ]
        self.lr_changes = list(info.lr_changes)
        self.lr_messages = [encode(Lr(self.id, **c)) for c in self.lr_changes]
        self.eval: Row | None = info.eval
        self.evals = 0  # how many epochs' evals came: a viewer compares with what it was sent
        self.eval_message: Encoded[Message] | None = None
        # The newest weights message (one kept: ~107 KB for the mlp), and how many came.
        self.weights_message: Encoded[Message] | None = None
        self.weights_count = 0
        # Per append (one worker tick): its first seq and when the worker had its points.
        self._tick_first: list[int] = []
        self._tick_created: list[float] = []
        # Encoded messages and histories, each made once for every viewer that needs it.
        self._live: EncodedCache[Encoded[Message]] = EncodedCache(LIVE_MESSAGES_KEPT)
        self._histories: EncodedCache[Encoded[Columns]] = EncodedCache(HISTORIES_KEPT)

    @property
    def info(self) -> RunInfo:
        """The run object as it is now."""
        return replace(
            self._info,
            last_seq=self.last_seq,
            epochs=tuple(self.epochs),
            lr_changes=tuple(self.lr_changes),
            eval=self.eval,
        )

    def set_info(self, info: RunInfo) -> None:
        """The run object changed (started, ended): all but what this log holds itself."""
        if info.id != self.id:
            raise ValueError(f"run {info.id}'s object given to run {self.id}'s log")
        self._info = info

    @property
    def id(self) -> int:
        return self._info.id

    @property
    def status(self) -> RunStatus:
        return self._info.status

    @property
    def last_seq(self) -> int:
        return len(self.columns["seq"])

    def take(self, report: Progress) -> None:
        """A worker's report, straight from the pipe's reader: kept while this run is
        active. Another run's, or one after the end (a worker killed at the time cap may
        have sent some), is left out."""
        if report.run != self.id or self.status not in ACTIVE:
            return
        match report:
            case protocol.Points(created=created):
                self.append(report.columns(), created)
            case protocol.Epoch():
                self.add_epoch(report.row())
            case protocol.Eval():
                self.add_eval(report.row())
            case protocol.LrChanged():
                self.add_lr(report.row())
            case protocol.Weights():
                self.set_weights(report.row())
        self._grew()

    def append(self, columns: Columns, created: float | None = None) -> None:
        """Add one tick's points; `created` is the worker's wall clock when it read them."""
        first = columns["seq"][0]
        if first != self.last_seq + 1:
            raise ValueError(f"run {self.id}: point {first} follows {self.last_seq}")
        self._tick_first.append(first)
        self._tick_created.append(time.time() if created is None else created)
        for name in POINT_COLUMNS:
            self.columns[name].extend(columns[name])

    def add_epoch(self, epoch: Row) -> None:
        self.epochs.append({**epoch, "last_seq": self.last_seq})
        self.epoch_messages.append(encode(Epoch(self.id, **self.epochs[-1])))
        self.marks.append((self.last_seq, self.epoch_messages[-1]))

    def add_eval(self, evaluation: Row) -> None:
        """The epoch's eval, right after its epoch."""
        self.eval = {**evaluation, "last_seq": self.last_seq}
        self.eval_message = encode(Eval(self.id, **self.eval))
        self.evals += 1
        self.marks.append((self.last_seq, self.eval_message))

    def add_lr(self, change: Row) -> None:
        """A learning rate change, from point `change["seq"]` on (the next to come)."""
        self.lr_changes.append(change)
        self.lr_messages.append(encode(Lr(self.id, **change)))
        self.marks.append((change["seq"] - 1, self.lr_messages[-1]))

    def set_weights(self, weights: Row) -> None:
        """The newest weights; earlier ones are not kept (each is ~107 KB or more)."""
        self.weights_message = encode(Weights(self.id, **weights))
        self.weights_count += 1

    def slice(self, after: int, upto: int) -> Columns:
        return {name: self.columns[name][after:upto] for name in POINT_COLUMNS}

    def live_message(self, detail: Detail, after: int, upto: int) -> Encoded[Message]:
        """Points after..upto as one message, encoded once for every viewer at that cursor:
        every point, or (envelope) one bucket that summarises them.

        `created` is when its oldest point was made (a bucket's: its newest), so a viewer
        can measure its delay."""

        def make() -> Encoded[Message]:
            if detail == "envelope":
                # A bucket exists once its last point does: stamped with that point's tick.
                created = self._tick_created[bisect_right(self._tick_first, upto) - 1]
                columns = summarise(self.columns, after, upto, most=1)
                return encode(Buckets(self.id, **columns, created=created))
            created = self._tick_created[bisect_right(self._tick_first, after + 1) - 1]
            points = self.slice(after, upto)
            return encode(Points(self.id, **points, created=created))

        return self._live.get((detail, after, upto), make)

    def _snapshot_buckets(self, after: int, upto: int) -> int:
        """How many buckets points after..upto make in a snapshot: the run's planned steps
        in SNAPSHOT_BUCKETS, so that the grid is as fine early in a run as at its end (a
        new run's first 300 points are 50 buckets, not 300 of one point each)."""
        planned = max(self._info.total_steps or 0, upto, 1)
        width = ceil(planned / SNAPSHOT_BUCKETS)
        return max(1, ceil((upto - after) / width))

    def history(self, detail: Detail, after: int, upto: int) -> Encoded[Columns]:
        """The JSON columns of points after..upto for a snapshot, encoded once per
        (detail, since, upto): 1,000 viewers joining after a run cost one encoding.
        An envelope holds at most SNAPSHOT_BUCKETS buckets, however long the run."""

        def make() -> Encoded[Columns]:
            if detail == "envelope":
                buckets = self._snapshot_buckets(after, upto)
                return Encoded.columns(summarise(self.columns, after, upto, buckets))
            return Encoded.columns(self.slice(after, upto))

        return self._histories.get((detail, after, upto), make)
