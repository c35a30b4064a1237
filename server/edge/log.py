"""An edge's copy of the trainer's run log, rebuilt from entries (server/redislog.py).

Applying an entry twice changes nothing (points are trimmed to the new ones, epochs and
the run object are taken by number and id), so an edge can read a run again from its
start, from Redis or from the trainer's API, and nothing is duplicated. The edge's Hub
then serves it as the trainer's Hub serves its own: the same messages, the same seqs.
"""

import logging
from dataclasses import replace

from ..stream.columns import POINT_COLUMNS
from ..stream.hub import Hub
from ..stream.messages import (
    Epoch,
    Eval,
    Info,
    Lr,
    Message,
    Points,
    Slide,
    UnknownKind,
    Weights,
    parse,
)
from ..stream.run import RunInfo
from ..stream.runlog import RunLog

log = logging.getLogger("loopcast.edge")


def _require(condition: bool, what: str) -> None:
    if not condition:
        raise ValueError(f"not {what} as a trainer writes them")


class Gap(Exception):
    """Points that do not follow the last ones: the run must be read again."""


class EdgeLog:
    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self._unknown: set[str] = set()

    def apply_text(self, text: str) -> None:
        """An entry as Redis holds it; one that is not what a trainer writes is skipped
        (and said), and the edge serves on."""
        try:
            self.apply(parse(text))
        except UnknownKind as unknown:
            self._skip(str(unknown.kind))
        except (ValueError, TypeError, KeyError, AttributeError, IndexError) as error:
            log.warning("skipped an entry that is not a trainer's: %r (%.80s)", error, text)

    def apply(self, message: Message) -> None:
        run = self.hub.log
        match message:
            case Info(info=info):
                self._info(info)
            case Slide(page=page, panel=panel):
                _require(
                    isinstance(page, int) and isinstance(panel, str | None),
                    "a slide's page and panel",
                )
                if self.hub.slide != {"page": page, "panel": panel}:
                    self.hub.set_slide(page, panel)
            case _ if run is None or message.run != run.id:
                return  # an older run's entry, read again
            case Points():
                self._append(run, message)
            case Epoch(epoch=epoch):
                _require(isinstance(epoch, int), "an epoch's number")
                if not run.epochs or epoch > run.epochs[-1]["epoch"]:
                    run.add_epoch(message.row("last_seq"))
                    self.hub.publish()
            case Eval():
                if message.row() != run.eval:
                    run.add_eval(message.row("last_seq"))
                    self.hub.publish()
            case Lr(seq=seq):
                _require(isinstance(seq, int), "an lr change's seq")
                if message.row() not in run.lr_changes:
                    run.add_lr(message.row())
                    self.hub.publish()
            case Weights():
                if run.weights_message is None or message != run.weights_message.value:
                    run.set_weights(message.row())
                    self.hub.publish()
            case _:
                self._skip(message.kind)

    def _skip(self, kind: str) -> None:
        if kind not in self._unknown:
            # A kind this edge's RunLog cannot hold: an edge older than its trainer.
            self._unknown.add(kind)
            log.warning("entries of type %r are not served by this edge: upgrade it", kind)

    def _info(self, info: RunInfo) -> None:
        """The run object but what the RunLog keeps itself (its epochs, lr changes and
        eval: from entries of their own)."""
        run = self.hub.log
        if run is None or info.id > run.id:
            self.hub.set_run(RunLog(replace(info, epochs=(), lr_changes=(), eval=None)))
        elif info.id == run.id:
            run.set_info(info)
            self.hub.publish()

    def _append(self, run: RunLog, message: Points) -> None:
        seqs = message.seq
        skip = run.last_seq + 1 - seqs[0]
        if skip < 0:
            raise Gap(f"run {run.id}: points from {seqs[0]} follow {run.last_seq}")
        columns = {name: list(getattr(message, name)[skip:]) for name in POINT_COLUMNS}
        if not columns["seq"]:
            return
        first = run.last_seq + 1
        _require(
            columns["seq"] == list(range(first, first + len(columns["seq"])))
            and all(len(values) == len(columns["seq"]) for values in columns.values())
            and all(isinstance(value, int) for value in columns["step"] + columns["epoch"])
            and all(isinstance(value, int | float) for value in columns["acc"] + columns["t"])
            and all(isinstance(value, int | float | None) for value in columns["loss"]),
            f"points: columns of numbers, seqs from {first}",
        )
        run.append(columns, float(message.created))
        self.hub.publish()
