"""An edge's reader: follows the trainer's streams in Redis (server/redislog.py) into the
edge's log, and rides out faults.

It blocks in XREAD from its cursors (the runs, the slides, the current run), so one
command waits for whatever comes next. When Redis goes away it keeps what it has (the
edge serves on) and comes back with backoff, reading the current run again from its
start: what it holds already is skipped. A run Redis no longer has (restarted empty,
or expired) is read from the trainer's HTTP API instead.
"""

import asyncio
import json
import logging
import time
from typing import Any

import httpx
from redis.asyncio import Redis
from redis.exceptions import RedisError

from ..redislog import BACKOFF_FIRST, BACKOFF_MOST, RUNS, SERVER, SLIDES, run_entries, run_key
from ..stream.hub import Hub
from ..stream.run import RunInfo
from .log import EdgeLog, Gap
from .trainer import Trainer

log = logging.getLogger("loopcast.edge")
# XREAD waits this long for news; the trainer's status is read again every SERVER_PERIOD s.
BLOCK_MS = 1000
SERVER_PERIOD = 1.0


class Reader:
    """Needs a client made with `decode_responses=True`."""

    def __init__(self, redis: Redis, hub: Hub, trainer: Trainer) -> None:
        self.redis, self.hub, self.trainer = redis, hub, trainer
        self.edge = EdgeLog(hub)
        self.server: dict[str, Any] = {}  # the trainer's status, as it last wrote it
        self.connected = False
        self.ready = False  # has read Redis once
        self._cursors: dict[str, str] = {}
        self._server_read = 0.0

    async def run(self) -> None:
        backoff = BACKOFF_FIRST
        while True:
            try:
                await self._start()
                backoff = BACKOFF_FIRST
                while True:
                    await self._follow()
            except (RedisError, OSError, Gap) as error:
                if self.connected:
                    log.warning("Redis: %s; serving what this edge has meanwhile", error)
            except Exception:  # a bug, or a key not as the trainer writes it: serve on
                log.exception("the edge's reader failed; reading again")
            self.connected = False
            await asyncio.sleep(backoff)
            backoff = min(2 * backoff, BACKOFF_MOST)

    async def _start(self) -> None:
        """Cursors at the newest run (from its first entry) and the newest slide."""
        await self._read_server()
        self._cursors = {RUNS: "0-0", SLIDES: "0-0"}
        newest = await self._newest(RUNS)
        if newest is not None:
            self._cursors[RUNS] = newest[0]
            run_id: int | None = int(newest[1]["run"])
        else:  # Redis lost everything (or the trainer never ran one): keep what is here
            run_id = self.hub.run_id if self.hub.run_id is not None else await self._last_run()
        if run_id is not None:
            await self._take_run(run_id)
        slide = await self._newest(SLIDES)
        if slide is not None:
            self._cursors[SLIDES] = slide[0]
            self.edge.apply_text(slide[1]["m"])
        self.connected = self.ready = True

    async def _newest(self, key: str) -> tuple[str, dict[str, str]] | None:
        entries: Any = await self.redis.xrevrange(key, count=1)  # redis-py types: Any
        return (entries[0][0], entries[0][1]) if entries else None

    async def _take_run(self, run_id: int) -> None:
        """Follow `run_id` from its first entry; from the trainer if Redis lost it."""
        self._cursors = {
            key: cursor for key, cursor in self._cursors.items() if key in (RUNS, SLIDES)
        }
        key = self._cursors[run_key(run_id)] = "0-0"
        if not await self.redis.exists(key):
            await self._from_trainer(run_id)

    async def _last_run(self) -> int | None:
        try:
            return await self.trainer.newest_run()
        except httpx.HTTPError as error:
            log.warning("no run in Redis, and the trainer did not answer: %s", error)
            return None

    async def _from_trainer(self, run_id: int) -> None:
        try:
            details = await self.trainer.run(run_id)
        except httpx.HTTPError as error:
            log.warning("run %s is not in Redis, and the trainer did not answer: %s", run_id, error)
            return
        if details is not None:
            points = details.pop("points")
            for message in run_entries(RunInfo.from_row(details), points, time.time()):
                self.edge.apply(message)

    async def _follow(self) -> None:
        cursors: dict[Any, Any] = self._cursors  # redis-py's types: any key, any ID
        streams: Any = await self.redis.xread(cursors, block=BLOCK_MS)
        for key, entries in streams:
            for entry_id, fields in entries:
                self._cursors[key] = entry_id
                if key == RUNS:
                    run_id = int(fields["run"])
                    if self.hub.run_id is None or run_id > self.hub.run_id:
                        await self._take_run(run_id)
                        break  # its entries come with the next read
                else:
                    self.edge.apply_text(fields["m"])
        if time.monotonic() - self._server_read >= SERVER_PERIOD:
            await self._read_server()

    async def _read_server(self) -> None:
        self._server_read = time.monotonic()
        text = await self.redis.get(SERVER)
        try:
            server = json.loads(text) if text is not None else None
        except ValueError:
            server = None  # not the trainer's: the status stays as it was
        if isinstance(server, dict):
            self.server = server
            self.trainer.learn(server)
