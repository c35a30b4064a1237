"""The run log on Redis Streams: its keys and entries, as the trainer's publisher
(server/publisher.py) writes them and edges (server/edge/) read them.

One stream per run (`loopcast:run:{id}`) holds the run as entries in the order they
happened, each a JSON text with a `type`, under an ID made from the run's seqs:
`<seq>-0` for the points up to seq (so `XREAD ... <since>-0` is today's `?since=`), and
`<seq>-<n>` for the n-th other entry after them (an epoch, the run object as it changed,
any kind the hub adds later). Redis refuses an ID that is not greater than the stream's
last, so a publisher that writes the same entries again cannot duplicate anything.
`loopcast:runs` says which runs exist (entry `<run>-0` per run), `loopcast:slides` the
presenter's slides, `loopcast:server` the trainer's status and URL. Both sides run
their Redis loops as tasks with `running`.
"""

import asyncio
import contextlib
from collections.abc import AsyncIterator, Coroutine, Iterator
from typing import Any

from .stream.columns import POINT_COLUMNS, Columns, Row
from .stream.messages import Epoch, Eval, Info, Lr, Message, Points
from .stream.run import RunInfo

RUNS = "loopcast:runs"
SLIDES = "loopcast:slides"
SERVER = "loopcast:server"
# Lifecycle streams are capped: edges read their newest entries only.
RUNS_KEPT, SLIDES_KEPT = 1000, 100
# Reconnects wait this long at first, doubling up to the most.
BACKOFF_FIRST, BACKOFF_MOST = 0.1, 2.0


def run_key(run_id: int) -> str:
    return f"loopcast:run:{run_id}"


def parse_id(entry_id: bytes | str | None) -> tuple[int, int]:
    assert entry_id is not None
    text = entry_id.decode() if isinstance(entry_id, bytes) else entry_id
    seq, n = text.split("-")
    return int(seq), int(n)


def run_entries(info: RunInfo, points: Columns, created: float) -> Iterator[Message]:
    """A whole run as entries: the run object, then its points cut at each mark (an epoch
    after its last point, its eval after it, an lr change before the first point trained
    with it) with the mark there, then the run object again (its status now). From a hub
    snapshot (live epochs carry `last_seq`) or the trainer's GET /api/runs/{id} (stored
    epochs do not: found from the points' epoch column)."""
    run_id = info.id

    def points_upto(after: int, upto: int) -> Points:
        columns = {name: points[name][after:upto] for name in POINT_COLUMNS}
        return Points(run_id, **columns, created=created)

    def epoch_end(epoch: Row) -> int:
        last = epoch.get("last_seq")
        return last if last is not None else sum(1 for e in points["epoch"] if e <= epoch["epoch"])

    marks: list[tuple[int, int, Message]] = [
        (epoch_end(e), 0, Epoch(run_id, **{**e, "last_seq": epoch_end(e)})) for e in info.epochs
    ]
    if info.eval:
        marks.append((info.eval["last_seq"], 1, Eval(run_id, **info.eval)))
    for change in info.lr_changes:
        marks.append((change["seq"] - 1, 2, Lr(run_id, **change)))
    yield Info(run_id, info)
    done = 0
    for at, _, mark in sorted(marks, key=lambda mark: mark[:2]):
        if at > done:
            yield points_upto(done, at)
            done = at
        yield mark
    if done < len(points["seq"]):
        yield points_upto(done, len(points["seq"]))
    yield Info(run_id, info)


@contextlib.asynccontextmanager
async def running(*jobs: Coroutine[Any, Any, None]) -> AsyncIterator[None]:
    """The jobs as tasks while inside; cancelled and awaited at the end."""
    tasks = [asyncio.create_task(job) for job in jobs]
    try:
        yield
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
