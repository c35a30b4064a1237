"""Fan-out to WebSocket viewers: each viewer holds a cursor into the run log.

When the log grows, every viewer's sender wakes and sends all it has not sent yet as
one message. A fast viewer gets one small message per tick, a slow one fewer, larger
messages; nobody waits for anybody, no queue grows, and no point is dropped.

A large crowd is woken less often (`Hub.interval`): on loopback each send is a system
call that also runs the receiver's TCP stack, so 1,000 viewers at the worker's 20 ticks
a second would take a whole core. Fewer wakes mean fewer, larger messages, all viewers
at the same cursor, so each message is still encoded once. The wakes land on the
worker's ticks (`Hub.publish`), so a message's oldest point is one tick old.

Envelope viewers (phones on venue Wi-Fi) are woken at most every ENVELOPE_INTERVAL,
whatever the training speed, and get one bucket per wake: their bytes per second are
bounded by the wake rate, not by the GPU. The big messages, `eval` and `weights`, are
rationed per viewer (`Rations`).
"""

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from typing import Any

from ..training.protocol import ACTIVE
from .cursor import Cursor
from .envelope import empty_buckets
from .messages import (
    Detail,
    Encoded,
    Message,
    Slide,
    Snapshot,
    Status,
    Viewers,
    encode,
)
from .rations import DEFAULT_WEIGHTS_BUDGET, Rations
from .runlog import RunLog

Send = Callable[[str], Awaitable[None]]

# Sends per second the whole crowd may cost, and the longest a point may wait for a wake.
SENDS_PER_SECOND = 12_000
MAX_INTERVAL = 0.075
# Envelope viewers: at most 4 wakes a second, each one bucket of ~200 bytes and at most one
# epoch (~140): under 2 KiB/s a phone whatever the training speed, viewer counts and the
# run's snapshot included. A tick a little early (jitter) counts as due.
ENVELOPE_INTERVAL = 0.25
EARLY_TICK_SLACK = 0.01


class Hub:
    def __init__(
        self,
        server_status: Callable[[], dict[str, Any]],
        weights_budget: float = DEFAULT_WEIGHTS_BUDGET,
    ) -> None:
        self.log: RunLog | None = None
        self.viewers = 0
        self.rations = Rations(weights_budget)
        self.slide: dict[str, Any] | None = None
        self._server_status = server_status
        self._slide_version = 0
        self._viewers_version = 0
        self._viewers_announced = 0
        self._wake = asyncio.Event()
        self._last_wake = 0.0
        self._timer: asyncio.TimerHandle | None = None  # the wake for a publish held back
        self._woken_seq = 0  # the run's last point when the crowd was last woken
        self._loop: asyncio.AbstractEventLoop | None = None  # the senders' loop
        self._envelope_wake = asyncio.Event()
        self._last_envelope_wake = -ENVELOPE_INTERVAL
        self._envelope_timer: asyncio.TimerHandle | None = None

    def interval(self) -> float:
        """Seconds between wakes: none for a small crowd, up to MAX_INTERVAL for a large one."""
        return min(MAX_INTERVAL, self.viewers / SENDS_PER_SECOND)

    def publish(self) -> None:
        """Wake every sender: now, or, for a large crowd, at most once per `interval()`.

        A publish (a tick) an interval or more after the last wake wakes at once; an
        earlier one is held, and sent by the next tick that is late enough, or by a timer
        an interval after it if none comes. So a point waits at most an interval, and with
        ticks every 50 ms and a 75 ms interval every other tick wakes the crowd: 10
        messages a second per viewer, each one tick old. A new run's snapshot waits for
        its first points (or the timer), and they go at once, together: the click shows
        on every phone, in one wake of the crowd rather than two."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # called from a sync route's thread: wake on the loop's thread
            if self._loop is not None:
                self._loop.call_soon_threadsafe(self.publish)
            return  # no loop yet means no sender is waiting
        interval = self.interval()
        log = self.log
        if log is not None and self._woken_seq == 0 and log.status in ("queued", "running"):
            due = log.last_seq > 0  # its first points: the click shows on every phone at once
        else:
            due = loop.time() - self._last_wake >= interval
        if due:
            self._wake_all()
        elif self._timer is None:
            # An interval after this publish, not after the last wake: a timer that came
            # due just before the next tick would lock every wake to the wrong phase.
            self._timer = loop.call_later(interval, self._wake_all)

    def _wake_all(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._last_wake = asyncio.get_running_loop().time()
        self._woken_seq = self.log.last_seq if self.log else 0
        wake, self._wake = self._wake, asyncio.Event()
        wake.set()
        since_envelope = self._last_wake - self._last_envelope_wake
        if since_envelope >= ENVELOPE_INTERVAL - EARLY_TICK_SLACK:
            self._wake_envelopes()
        elif self._envelope_timer is None:
            self._envelope_timer = asyncio.get_running_loop().call_later(
                ENVELOPE_INTERVAL - since_envelope, self._wake_envelopes
            )

    def _wake_envelopes(self) -> None:
        if self._envelope_timer is not None:
            self._envelope_timer.cancel()
            self._envelope_timer = None
        self._last_envelope_wake = asyncio.get_running_loop().time()
        wake, self._envelope_wake = self._envelope_wake, asyncio.Event()
        wake.set()

    def set_run(self, log: RunLog) -> None:
        self.log = log
        self._woken_seq = 0  # none of its points sent yet
        self.publish()

    def set_slide(self, page: int, panel: str | None) -> None:
        self.slide = {"page": page, "panel": panel}
        self._slide_version += 1
        self.publish()

    def announce_viewers(self) -> None:
        """Called now and then (not per connect) so a crowd joining is not O(n^2) messages."""
        if self.viewers != self._viewers_announced:
            self._viewers_announced = self.viewers
            self._viewers_version += 1
            self.publish()

    @property
    def run_id(self) -> int | None:
        return self.log.id if self.log else None

    def snapshot(self, cursor: Cursor, since: int) -> Encoded[Message]:
        """The run so far after `since`, at the cursor's detail. Its history (the heavy
        part) is encoded once per (run, detail, since, last point) and spliced in."""
        log = self.log
        if log is not None:
            history = log.history(cursor.detail, since, log.last_seq)
        else:
            history = Encoded.columns(empty_buckets() if cursor.detail == "envelope" else {})
        info, rationed = (log.info if log else None), False
        if log is not None and cursor.detail == "envelope" and log.status in ACTIVE:
            # A phone joining a running run gets its newest eval when that is due, not here.
            info, rationed = replace(log.info, eval=None), True
            cursor.eval_since = time.monotonic()
        server = self._server_status()
        message = Snapshot(self.run_id, cursor.detail, info, since, server, self.slide, history)
        cursor.run = self.run_id
        cursor.seq = log.last_seq if log else 0
        cursor.epochs = len(log.epochs) if log else 0
        cursor.marks = len(log.marks) if log else 0
        cursor.lr_changes = len(log.lr_changes) if log else 0
        cursor.evals = log.evals if log and not rationed else 0  # the newest is in `info`
        cursor.weights_count = 0  # the newest weights go right after the snapshot
        cursor.status = log.status if log else None
        cursor.slide_version = self._slide_version
        cursor.viewers_version = self._viewers_version
        return encode(message)

    def pending(self, cursor: Cursor) -> list[Encoded[Message]]:
        """Everything `cursor` has not been sent, in the order it happened; advances it."""
        log = self.log
        if log is not None and cursor.run != log.id:
            return [self.snapshot(cursor, since=0)]
        messages: list[Encoded[Message]] = []
        if log is not None and cursor.detail == "envelope":
            messages += self._envelope_pending(log, cursor)
        elif log is not None:
            while cursor.marks < len(log.marks):
                after, text = log.marks[cursor.marks]
                if cursor.seq < after:
                    messages.append(log.live_message(cursor.detail, cursor.seq, after))
                    cursor.seq = after
                messages.append(text)
                cursor.marks += 1
            if cursor.seq < log.last_seq:
                messages.append(log.live_message(cursor.detail, cursor.seq, log.last_seq))
                cursor.seq = log.last_seq
            if cursor.weights_count < log.weights_count and log.weights_message is not None:
                cursor.weights_count = log.weights_count
                messages.append(log.weights_message)
        if log is not None and cursor.status != log.status:
            cursor.status = log.status
            # An ended run's times, so no viewer asks the API for them (a paced run's
            # caption): null while it runs.
            info = log.info
            times = info.wall_s, info.unpaced_s
            messages.append(encode(Status(log.id, log.status, info.reason, *times)))
        if cursor.slide_version != self._slide_version:
            cursor.slide_version = self._slide_version
            assert self.slide is not None  # a version is a slide set
            messages.append(encode(Slide(self.run_id, **self.slide)))
        if cursor.viewers_version != self._viewers_version:
            cursor.viewers_version = self._viewers_version
            messages.append(encode(Viewers(self.run_id, self.viewers)))
        return messages

    def _envelope_pending(self, log: RunLog, cursor: Cursor) -> list[Encoded[Message]]:
        """One wake of an envelope viewer: one bucket with every point since its last, then
        the newest epoch that ended meanwhile, every lr change, and the newest eval and
        weights if their rations allow. A GPU ends epochs faster than the wakes: those in
        between are in the run object and in every snapshot, not sent live."""
        messages: list[Encoded[Message]] = []
        if cursor.seq < log.last_seq:
            messages.append(log.live_message("envelope", cursor.seq, log.last_seq))
            cursor.seq = log.last_seq
        if cursor.epochs < len(log.epochs):
            cursor.epochs = len(log.epochs)
            messages.append(log.epoch_messages[-1])
        messages += log.lr_messages[cursor.lr_changes :]
        cursor.lr_changes = len(log.lr_messages)
        return messages + self.rations.due(log, cursor)

    def held_back(self, cursor: Cursor) -> float | None:
        """Seconds until what is rationed away from this envelope viewer is due, or None."""
        log = self.log
        if log is None or cursor.detail != "envelope" or cursor.run != log.id:
            return None
        return self.rations.held_back(log, cursor)

    @contextlib.asynccontextmanager
    async def subscribe(
        self,
        send: Send,
        since: int,
        run: int | None,
        detail: Detail = "full",
        weights: bool = False,
    ) -> AsyncIterator[None]:
        """A viewer, counted while inside: its sender streams to `send` until the block
        ends (the connection closed), then is cancelled. `weights`: an envelope viewer
        that opted in to the weights."""
        weights = weights and detail == "envelope"
        self.viewers += 1
        self.rations.weights_viewers += weights
        sender = asyncio.create_task(self.stream(send, since, run, detail, weights))
        try:
            yield
        finally:
            self.viewers -= 1
            self.rations.weights_viewers -= weights
            sender.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await sender

    async def stream(
        self,
        send: Send,
        since: int,
        run: int | None,
        detail: Detail = "full",
        weights: bool = False,
    ) -> None:
        """Send the snapshot, then everything new, until the connection fails."""
        self._loop = asyncio.get_running_loop()
        cursor = Cursor(detail=detail, weights=weights)
        resume = since if run is not None and run == self.run_id else 0
        log_end = self.log.last_seq if self.log else 0
        await send(self.snapshot(cursor, since=min(resume, log_end)))
        while True:
            # Taken before reading, so no publish is missed.
            wake = self._envelope_wake if cursor.detail == "envelope" else self._wake
            messages = self.pending(cursor)
            for text in messages:
                await send(text)
            if not messages:
                # Until the next wake, or until what was held back from this viewer is due.
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(self.held_back(cursor)):
                        await wake.wait()
