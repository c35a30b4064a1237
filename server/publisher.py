"""The trainer's publisher: writes its run log into Redis (server/redislog.py) for edges.

It is a full-detail viewer of the trainer's own hub: it sees what a viewer sees, in order,
and when Redis is slow it falls behind into fewer, larger messages rather than holding
the trainer up. After a Redis fault it writes the run again from a snapshot, and Redis
refuses what it holds already.
"""

import asyncio
import contextlib
import dataclasses
import logging
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError, ResponseError

from .redislog import (
    BACKOFF_FIRST,
    BACKOFF_MOST,
    RUNS,
    RUNS_KEPT,
    SERVER,
    SLIDES,
    SLIDES_KEPT,
    parse_id,
    run_entries,
    run_key,
    running,
)
from .stream.columns import POINT_COLUMNS, Row
from .stream.hub import Hub
from .stream.messages import (
    Encoded,
    Info,
    Message,
    Points,
    Slide,
    Snapshot,
    Status,
    Viewers,
    dumps,
    encode,
    parse,
)
from .stream.run import RunInfo
from .training.protocol import ACTIVE

# The trainer's status is written this often (and with each run's entries).
STATUS_PERIOD = 0.5
DUPLICATE = "equal or smaller than the target stream top item"

log = logging.getLogger("loopcast.redis")
Entry = tuple[tuple[int, int], str]  # ((seq, n), JSON text)
Sent = Encoded[Message]


class StreamLost(Exception):
    """The run's stream is gone from Redis (restarted empty): write the run again."""


class Publisher:
    """Writes the trainer's run log into Redis for as long as the trainer runs."""

    def __init__(
        self,
        hub: Hub,
        redis: Redis,
        ttl: float,
        server: Callable[[], Row],
        stored: Callable[[int], Row | None],
    ) -> None:
        self.hub, self.redis, self.ttl, self.server = hub, redis, ttl, server
        self.stored = stored  # a run as the store has it
        self._run: int | None = None
        self._top = (0, 0)  # the newest entry in the run's stream, written or found there
        self._top_text = ""
        self._next = (0, 1)  # the ID of this publisher's next entry that is not points
        self._slide: Slide | None = None

    async def run(self) -> None:
        """Stream the hub into Redis; after a Redis fault, start over from a snapshot of
        the run: Redis refuses what it already holds and takes the rest."""
        backoff = BACKOFF_FIRST
        while True:
            try:
                await self._end_left_run()
                await self.hub.stream(self._send, since=0, run=None, detail="full")
            except StreamLost as lost:
                log.warning("%s is gone from Redis (restarted empty?): writing it again", lost)
            except (RedisError, OSError) as error:
                log.warning("Redis: %s; trying again in %.1f s", error, backoff)
                await asyncio.sleep(backoff)
                backoff = min(2 * backoff, BACKOFF_MOST)
                continue
            backoff = BACKOFF_FIRST

    async def _end_left_run(self) -> None:
        """The newest run in Redis, left active by a trainer that stopped (a crash, a
        restart): its end as the store has it, so that edges do not show it running."""
        newest: Any = await self.redis.xrevrange(RUNS, count=1)
        run_id = int(newest[0][1]["run"]) if newest else None
        stored = self.stored(run_id) if run_id is not None and run_id != self.hub.run_id else None
        if run_id is None or stored is None or stored["status"] in ACTIVE:
            return
        await self._open(run_id)
        top = parse(self._top_text) if self._top_text else None  # written by another trainer
        if isinstance(top, Info) and top.info.status not in ACTIVE:
            return  # ended there already
        self._next = (self._top[0], self._top[1] + 1)
        await self._write([encode(Info(run_id, RunInfo.from_row(stored)))])

    async def _open(self, run_id: int) -> None:
        """Write into `run_id`'s stream from now on, after its newest entry."""
        self._run = run_id
        newest: Any = await self.redis.xrevrange(run_key(run_id), count=1)
        self._top = parse_id(newest[0][0]) if newest else (0, 0)
        self._top_text = newest[0][1]["m"] if newest else ""
        self._next = (0, 1)

    async def keep_status(self) -> None:
        """The trainer's status for edges' snapshots, also between runs (a worker warming
        up, restarting)."""
        while True:
            with contextlib.suppress(RedisError, OSError):  # run() says what is wrong
                await self.redis.set(SERVER, dumps(self.server()))
            await asyncio.sleep(STATUS_PERIOD)

    async def _send(self, text: str) -> None:
        """What the hub sends a viewer: its message, as the hub encoded it (not parsed)."""
        assert isinstance(text, Encoded), "the hub sends Encoded texts"
        sent: Sent = text
        match sent.value:
            case Viewers():  # each edge counts its own
                pass
            case Slide() as slide:
                await self._publish_slide(slide)
            case Snapshot() as snapshot:
                await self._publish_snapshot(snapshot)
            case Status(run=run):  # the run object as it is now: status, reason, times
                assert self.hub.log is not None and self.hub.log.id == run
                await self._write([encode(Info(run, self.hub.log.info))])
            case _:  # points, epochs and whatever kind the hub adds: as they are
                await self._write([sent])

    async def _publish_slide(self, slide: Slide) -> None:
        if slide != self._slide:
            text = encode(slide)
            await self.redis.xadd(SLIDES, {"m": text}, maxlen=SLIDES_KEPT, approximate=True)
            self._slide = slide

    async def _publish_snapshot(self, snapshot: Snapshot) -> None:
        if snapshot.slide is not None:
            await self._publish_slide(Slide(snapshot.run, **snapshot.slide))
        info = snapshot.info
        if info is None:
            return
        run_id = info.id
        await self._open(run_id)
        entries = run_entries(info, snapshot.history.value, time.time())
        await self._write([encode(message) for message in entries])
        # Then the run is announced: an edge that finds no stream for it takes the run
        # from the trainer's API instead, a run Redis lost.
        with contextlib.suppress(ResponseError):  # already there
            await self.redis.xadd(RUNS, {"run": run_id}, id=f"{run_id}-0", maxlen=RUNS_KEPT)

    def _entries(self, texts: list[Sent]) -> list[Entry]:
        """The messages Redis does not hold yet, with their IDs: points under `<seq>-0`,
        the rest numbered after them. The run object is taken again unless Redis's newest
        entry is that very text: it may have changed since."""
        entries: list[Entry] = []
        for text in texts:
            message = text.value
            points = message if isinstance(message, Points) else None
            entry_id = (points.seq[-1], 0) if points else self._next
            if points and points.seq[0] <= self._top[0] < entry_id[0]:
                text = encode(_points_after(points, self._top[0]))  # the rest are there
            taken = entry_id <= self._top and entry_id[0] == self._top[0]
            if isinstance(message, Info) and taken:
                if text == self._top_text:
                    continue
                entry_id = (self._top[0], self._top[1] + 1)
            self._next = (entry_id[0], entry_id[1] + 1)
            if entry_id > self._top:
                entries.append((entry_id, text))
        return entries

    async def _write(self, texts: list[Sent]) -> None:
        assert self._run is not None
        key = run_key(self._run)
        entries = self._entries(texts)
        if not entries:
            return
        pipe = self.redis.pipeline(transaction=False)
        for (seq, n), text in entries:
            # Only the run's first entry makes its stream: writing on into a stream Redis
            # lost would start it in the middle.
            pipe.xadd(key, {"m": text}, id=f"{seq}-{n}", nomkstream=(seq, n) != (0, 1))
        pipe.set(SERVER, dumps(self.server()))
        # Counted from its newest entry: an ended run goes `ttl` after its end, and so
        # does one whose trainer stopped for good while it ran.
        pipe.expire(key, int(self.ttl))
        results = await pipe.execute(raise_on_error=False)
        for result in results[: len(entries)]:
            if result is None:
                raise StreamLost(key)
            if isinstance(result, ResponseError) and DUPLICATE not in str(result):
                raise result
        self._top, self._top_text = entries[-1]


def _points_after(points: Points, seq: int) -> Points:
    """A points message without its points up to `seq` (Redis holds them)."""
    skip = seq - points.seq[0] + 1
    rest = {name: getattr(points, name)[skip:] for name in POINT_COLUMNS}
    return dataclasses.replace(points, **rest)


@contextlib.asynccontextmanager
async def publishing(
    hub: Hub,
    url: str,
    ttl: float,
    server: Callable[[], Row],
    stored: Callable[[int], Row | None],
) -> AsyncIterator[None]:
    """The trainer's publisher, running while inside."""
    redis = Redis.from_url(url, decode_responses=True)
    publisher = Publisher(hub, redis, ttl, server, stored)
    try:
        async with running(publisher.run(), publisher.keep_status()):
            yield
    finally:
        await redis.aclose()
