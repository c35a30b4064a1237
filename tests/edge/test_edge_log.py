"""An edge's log from entries (server/edge/log.py), in process: entries applied twice change
nothing, and whatever Redis may hold, the edge serves on with a log its hub can send."""

import asyncio
import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from loopcast.edge.log import EdgeLog
from loopcast.redislog import run_entries
from loopcast.stream.cursor import Cursor
from loopcast.stream.hub import Hub
from loopcast.stream.messages import encode
from loopcast.stream.run import RunInfo

INFO = {"id": 3, "status": "running", "total_steps": 40, "name": "", "epochs": []}


def points(first: int, last: int) -> dict[str, list[Any]]:
    seqs = list(range(first, last + 1))
    return {
        "seq": seqs,
        "step": seqs,
        "epoch": [(s - 1) // 20 + 1 for s in seqs],
        "loss": [1 / s for s in seqs],
        "acc": [0.5] * len(seqs),
        "t": [s / 10 for s in seqs],
    }


def a_run() -> list[str]:
    """A run of 2 epochs of 20 points, ended, as a snapshot's entries."""
    epochs = [
        {
            "epoch": e,
            "train_loss": 0.5,
            "val_loss": 0.4,
            "val_acc": 0.9,
            "samples_per_s": 1000.0,
            "t": 2.0 * e,
            "last_seq": 20 * e,
        }
        for e in (1, 2)
    ]
    info = {**INFO, "status": "finished", "epochs": epochs}
    return [encode(m) for m in run_entries(RunInfo.from_row(info), points(1, 40), 1.0)]


def served(hub: Hub) -> list[str]:
    """What a new full and a new envelope viewer would be sent now: must not raise."""
    texts = []
    for detail in ("full", "envelope"):
        cursor = Cursor(detail=detail)
        texts.append(hub.snapshot(cursor, since=0))
        texts += hub.pending(cursor)
    return texts


def test_a_run_applied_twice_is_the_same_run() -> None:
    async def scenario() -> tuple[list[str], list[str]]:
        hub = Hub(lambda: {})
        edge = EdgeLog(hub)
        for text in a_run():
            edge.apply_text(text)
        once = served(hub)
        for text in a_run():  # read again from its start: a reconnect, Redis restarted
            edge.apply_text(text)
        return once, served(hub)

    once, twice = asyncio.run(scenario())
    snapshot = json.loads(once[0])
    assert snapshot["points"]["seq"] == list(range(1, 41))
    assert [e["last_seq"] for e in snapshot["info"]["epochs"]] == [20, 40]
    assert twice == once


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=12,
)
KINDS = st.sampled_from(["info", "points", "epoch", "eval", "lr", "weights", "slide", "nope"])
FIELDS = st.sampled_from(
    [
        "run",
        "info",
        "seq",
        "step",
        "epoch",
        "loss",
        "acc",
        "t",
        "created",
        "page",
        "panel",
        "id",
        "status",
        "last_seq",
    ]
)
SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=3)


def points_of(count: int) -> st.SearchStrategy[str]:
    """Points that follow the run's first epoch (seq 21 on), one column of any values."""
    seqs = list(range(21, 21 + count))
    good = {
        "step": seqs,
        "epoch": [2] * count,
        "loss": [0.1] * count,
        "acc": [0.5] * count,
        "t": [3.0] * count,
        "created": 1.0,
    }
    return st.tuples(
        st.sampled_from(sorted(good)), st.lists(SCALARS, min_size=count, max_size=count)
    ).map(
        lambda spoilt: json.dumps(
            {"type": "points", "run": 3, "seq": seqs, **good, spoilt[0]: spoilt[1]}
        )
    )


ENTRIES = st.one_of(
    st.integers(1, 3).flatmap(points_of),
    st.text(max_size=30),
    JSON.map(json.dumps),
    st.builds(
        lambda kind, fields: json.dumps({"type": kind, "run": 3, **fields}),
        KINDS,
        st.dictionaries(FIELDS, JSON, max_size=6),
    ),
    st.sampled_from(['{"type":"points","run":3,"seq":[41],"loss":[NaN]}', "[1, 2]", "null"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(ENTRIES, max_size=8))
def test_entries_not_as_a_trainer_writes_them_are_skipped(junk: list[str]) -> None:
    async def scenario() -> None:
        hub = Hub(lambda: {})
        edge = EdgeLog(hub)
        entries = a_run()
        for text in [*entries[:3], *junk, *entries[3:]]:
            try:
                edge.apply_text(text)
            except Exception as error:
                assert type(error).__name__ == "Gap", error
        assert hub.log is not None
        columns = hub.log.columns
        assert columns["seq"] == list(range(1, hub.log.last_seq + 1))
        assert len({len(values) for values in columns.values()}) == 1
        served(hub)

    asyncio.run(scenario())
