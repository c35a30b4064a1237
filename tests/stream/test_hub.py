"""The fan-out's cursor logic, in-process: order, completeness, one encoding per slice.

The streaming scenarios run on a virtual clock (support.virtualtime): their timers and
sleeps keep their order and their times however busy the machine is.
"""

import asyncio
import json
from dataclasses import replace
from typing import Any

import pytest

from loopcast.stream.cursor import Cursor
from loopcast.stream.hub import Hub
from loopcast.stream.run import RunInfo
from loopcast.stream.runlog import RunLog
from support.virtualtime import run as virtual_run

# An epoch's speed and time: its figures are what these tests look at.
TIMES = {"samples_per_s": 1000.0, "t": 1.0}


def new_log(run_id: int = 1) -> RunLog:
    return RunLog(RunInfo(id=run_id, status="queued"))


def points(first: int, count: int) -> dict[str, list[Any]]:
    seq = list(range(first, first + count))
    return {
        "seq": seq,
        "step": seq,
        "epoch": [1] * count,
        "loss": [0.5] * count,
        "acc": [0.9] * count,
        "t": [0.01 * s for s in seq],
    }


def decode(messages: list[str]) -> list[dict[str, Any]]:
    return [json.loads(text) for text in messages]


@pytest.fixture
def hub() -> Hub:
    return Hub(lambda: {"worker": "ready"})


def test_a_cursor_behind_gets_points_then_epoch_then_status(hub: Hub) -> None:
    log = new_log()
    hub.set_run(log)
    cursor = Cursor()
    assert json.loads(hub.pending(cursor)[0])["type"] == "snapshot"
    log.set_info(replace(log.info, status="running"))
    log.append(points(1, 10))
    log.add_epoch({"epoch": 1, "train_loss": 1.0, "val_loss": 0.9, "val_acc": 0.8, **TIMES})
    log.append(points(11, 5))
    log.set_info(replace(log.info, status="finished"))
    kinds = [(m["type"], m.get("seq", [None])[-1]) for m in decode(hub.pending(cursor))]
    assert kinds == [("points", 10), ("epoch", None), ("points", 15), ("status", None)]
    assert hub.pending(cursor) == []


def test_viewers_at_the_same_cursor_share_one_encoding(hub: Hub) -> None:
    log = new_log()
    hub.set_run(log)
    first, second = Cursor(), Cursor()
    hub.pending(first)
    hub.pending(second)
    log.append(points(1, 3))
    assert hub.pending(first)[0] is hub.pending(second)[0]


def test_a_new_run_sends_a_snapshot(hub: Hub) -> None:
    hub.set_run(new_log(1))
    cursor = Cursor()
    hub.pending(cursor)
    hub.set_run(new_log(2))
    (message,) = decode(hub.pending(cursor))
    assert message["type"] == "snapshot" and message["run"] == 2


def test_a_bad_append_is_refused() -> None:
    log = new_log()
    log.append(points(1, 3))
    with pytest.raises(ValueError, match="point 5 follows 3"):
        log.append(points(5, 1))


def test_stream_resumes_after_since() -> None:
    async def scenario() -> list[dict[str, Any]]:
        hub = Hub(lambda: {})
        log = new_log()
        log.append(points(1, 20))
        hub.set_run(log)
        sent: list[str] = []

        async def send(text: str) -> None:
            sent.append(text)

        task = asyncio.create_task(hub.stream(send, since=12, run=1))
        await asyncio.sleep(0.01)
        log.append(points(21, 3))
        hub.publish()
        await asyncio.sleep(0.01)
        task.cancel()
        return decode(sent)

    snapshot, update = virtual_run(scenario())
    assert snapshot["points"]["seq"] == list(range(13, 21))
    assert update["seq"] == [21, 22, 23]


def test_a_large_crowd_is_woken_on_the_tick_that_ends_the_interval(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Interval 1 s here. A run's first points go at once; a tick soon after a wake is
    held; the first tick an interval after the wake sends both at once (before the held
    tick's timer); a last tick alone is sent by its timer, an interval after it."""
    monkeypatch.setattr("loopcast.stream.hub.SENDS_PER_SECOND", 1)
    monkeypatch.setattr("loopcast.stream.hub.MAX_INTERVAL", 1.0)

    async def scenario() -> None:
        hub = Hub(lambda: {})
        hub.viewers = 5  # interval: min(1.0, 5 / 1) = 1 s
        log = new_log()
        loop = asyncio.get_running_loop()
        arrivals: list[tuple[float, list[int]]] = []

        async def send(text: str) -> None:
            message = json.loads(text)
            if message["type"] == "points":
                arrivals.append((loop.time(), message["seq"]))

        async def tick(first: int) -> None:
            log.append(points(first, 2))
            hub.publish()
            await asyncio.sleep(0.05)  # the sender's turn

        def sent() -> list[list[int]]:
            return [seqs for _, seqs in arrivals]

        hub.set_run(log)  # a wake: the snapshot
        task = asyncio.create_task(hub.stream(send, since=0, run=None))
        await asyncio.sleep(0.05)
        await tick(1)
        assert sent() == [[1, 2]], "a run's first points go at once"
        woke = arrivals[-1][0]
        await asyncio.sleep(0.25)
        await tick(3)  # held: its timer is due 1 s from now
        await asyncio.sleep(max(0.0, woke + 1.02 - loop.time()))
        await tick(5)
        assert sent()[-1] == [3, 4, 5, 6], "the tick an interval after the wake sends both"
        assert arrivals[-1][0] < woke + 1.25, "on the tick, before the held tick's timer"
        held = loop.time()
        await tick(7)  # right after that wake, and no tick follows
        await asyncio.sleep(1.2)
        task.cancel()
        assert sent()[-1] == [7, 8]
        assert 0.95 <= arrivals[-1][0] - held < 1.3, "the timer, an interval after the tick"

    virtual_run(scenario())


def test_a_large_crowd_gets_a_new_runs_snapshot_with_its_first_points(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """One wake for both, as soon as the first points are in; the timer if none come."""
    monkeypatch.setattr("loopcast.stream.hub.SENDS_PER_SECOND", 1)
    monkeypatch.setattr("loopcast.stream.hub.MAX_INTERVAL", 1.0)

    async def scenario() -> None:
        hub = Hub(lambda: {})
        hub.viewers = 5
        hub.set_run(new_log(1))
        sent: list[dict[str, Any]] = []

        async def send(text: str) -> None:
            sent.append(json.loads(text))

        task = asyncio.create_task(hub.stream(send, since=0, run=None))
        await asyncio.sleep(1.1)  # the first run's snapshot, and past any interval
        assert [(m["type"], m["run"]) for m in sent] == [("snapshot", 1)]
        second = new_log(2)
        hub.set_run(second)
        await asyncio.sleep(0.2)
        assert len(sent) == 1, "the new run's snapshot waits for its first points"
        second.append(points(1, 3))
        hub.publish()
        await asyncio.sleep(0.05)
        assert sent[-1]["type"] == "snapshot" and sent[-1]["points"]["seq"] == [1, 2, 3]
        hub.set_run(new_log(3))  # no points come: the timer sends the snapshot
        await asyncio.sleep(1.2)
        task.cancel()
        assert (sent[-1]["type"], sent[-1]["run"]) == ("snapshot", 3)

    virtual_run(scenario())


def test_subscribe_counts_a_viewer_while_inside_and_stops_its_sender() -> None:
    async def scenario() -> None:
        hub = Hub(lambda: {"worker": "ready"})
        sent: list[str] = []
        first = asyncio.Event()

        async def send(text: str) -> None:
            sent.append(text)
            first.set()

        async with hub.subscribe(send, since=0, run=None, detail="envelope"):
            assert hub.viewers == 1
            await asyncio.wait_for(first.wait(), 30)
            snapshot = json.loads(sent[0])
            assert snapshot["type"] == "snapshot" and snapshot["detail"] == "envelope"
        assert hub.viewers == 0
        hub.set_run(new_log())
        await asyncio.sleep(0.05)
        assert len(sent) == 1, "a viewer that left is sent nothing more"

        async def broken(text: str) -> None:
            raise ConnectionError("the viewer went away")

        with pytest.raises(RuntimeError):
            async with hub.subscribe(broken, since=0, run=None):
                raise RuntimeError("the connection's reader failed")
        assert hub.viewers == 0

    virtual_run(scenario())


def test_an_envelope_wake_is_one_bucket_and_the_newest_epoch(hub: Hub) -> None:
    log = new_log()
    hub.set_run(log)
    cursor = Cursor(detail="envelope")
    assert "buckets" in json.loads(hub.pending(cursor)[0])
    log.set_info(replace(log.info, status="running"))
    for epoch in (1, 2, 3):  # a GPU: three epochs between two wakes
        log.append(points(log.last_seq + 1, 10))
        log.add_epoch({"epoch": epoch, "train_loss": 1.0, "val_loss": 0.9, "val_acc": 0.8, **TIMES})
    log.append(points(31, 5))
    sent = decode(hub.pending(cursor))
    assert [m["type"] for m in sent] == ["buckets", "epoch", "status"]
    assert (sent[0]["first_seq"], sent[0]["last_seq"]) == ([1], [35])
    assert sent[1]["epoch"] == 3 and sent[1]["last_seq"] == 30
    assert hub.pending(cursor) == []


def test_an_envelope_snapshot_keeps_the_run_s_grid_early_and_late(hub: Hub) -> None:
    log = new_log()
    # 20 points a bucket at the end
    log.set_info(replace(log.info, status="running", total_steps=10_000))
    hub.set_run(log)
    log.append(points(1, 300))
    early = json.loads(hub.snapshot(Cursor(detail="envelope"), since=0))["buckets"]
    assert early["last_seq"] == list(range(20, 301, 20))
    log.append(points(301, 9_700))
    late = json.loads(hub.snapshot(Cursor(detail="envelope"), since=0))["buckets"]
    assert len(late["first_seq"]) == 500 and late["last_seq"][-1] == 10_000
