"""Envelopes: exact, gap-free buckets, bounded in count and rate, against a real server."""

import csv
import io
import json
import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from loopcast.stream.envelope import BUCKET_COLUMNS, SNAPSHOT_BUCKETS, summarise
from loopcast.stream.hub import EARLY_TICK_SLACK, ENVELOPE_INTERVAL
from support.live import LiveServer


def assert_exact(buckets: dict[str, list[Any]], points: dict[str, list[Any]], after: int) -> None:
    """Buckets cover after+1..last point with no gap or overlap, each with its points'
    exact min and max loss and their mean loss and accuracy."""
    upto = len(points["loss"])
    assert buckets["first_seq"][0] == after + 1 and buckets["last_seq"][-1] == upto
    assert buckets["first_seq"][1:] == [last + 1 for last in buckets["last_seq"][:-1]]
    for index, (first, last) in enumerate(
        zip(buckets["first_seq"], buckets["last_seq"], strict=True)
    ):
        assert first <= last
        losses = [loss for loss in points["loss"][first - 1 : last] if loss is not None]
        if losses:
            assert buckets["loss_min"][index] == min(losses)
            assert buckets["loss_max"][index] == max(losses)
            mean = sum(losses) / len(losses)
            assert math.isclose(buckets["loss_mean"][index], mean, rel_tol=1e-6, abs_tol=1e-9)
        else:
            assert buckets["loss_min"][index] is None
        accuracies = points["acc"][first - 1 : last]
        mean_acc = sum(accuracies) / len(accuracies)
        assert math.isclose(buckets["acc_mean"][index], mean_acc, rel_tol=1e-5)
        assert buckets["t"][index] == points["t"][last - 1]


losses = st.one_of(st.none(), st.floats(0, 10, allow_nan=False, width=32))


@given(
    data=st.lists(st.tuples(losses, st.floats(0, 1)), min_size=1, max_size=400),
    most=st.integers(1, 50),
    cut=st.floats(0, 1),
)
def test_summaries_are_exact_bounded_and_cover_every_point(
    data: list[tuple[float | None, float]], most: int, cut: float
) -> None:
    points = {
        "loss": [loss for loss, _ in data],
        "acc": [acc for _, acc in data],
        "t": [index / 100 for index in range(len(data))],
    }
    after = int(cut * (len(data) - 1))
    buckets = summarise(points, after, len(data), most)
    assert set(buckets) == set(BUCKET_COLUMNS)
    assert 1 <= len(buckets["first_seq"]) <= most
    assert_exact(buckets, points, after)


def stored_points(server: LiveServer, run_id: int) -> dict[str, list[Any]]:
    """The run's points as metrics.csv gives them: what the envelope must agree with."""
    rows = list(
        csv.DictReader(io.StringIO(server.http.get(f"/api/runs/{run_id}/metrics.csv").text))
    )
    assert [int(row["seq"]) for row in rows] == list(range(1, len(rows) + 1))
    return {
        "loss": [float(row["loss"]) if row["loss"] else None for row in rows],
        "acc": [float(row["acc"]) for row in rows],
        "t": [float(row["t"]) for row in rows],
    }


def test_an_envelope_viewer_gets_exact_buckets_at_a_bounded_rate(server: LiveServer) -> None:
    with server.viewer("?detail=envelope") as phone, server.viewer("?detail=full") as deck:
        assert phone.receive()["detail"] == "envelope"
        assert deck.receive()["detail"] == "full"
        run = server.start_run(epochs=6, batch_size=16, pace_s=3)  # 750 batches in 3 s
        phone.until_status("finished")
        deck.until_status("finished")
    points = stored_points(server, run["id"])
    assert_exact(phone.buckets, points, after=0)
    assert deck.seq == list(range(1, len(points["loss"]) + 1))
    assert not any(m["type"] == "points" for m in phone.messages)
    live = [m for m in phone.messages if m["type"] == "buckets"]
    # Epochs ending faster than the wakes: the newest of each wake, in order, the last kept.
    epochs = [e["epoch"] for e in phone.epochs]
    assert epochs == sorted(set(epochs)) and epochs[-1] == 6
    assert [e["epoch"] for e in deck.epochs] == list(range(1, 7))
    # One bucket a wake, at most one wake per ENVELOPE_INTERVAL (a tick early at most),
    # each summarising many batches.
    wall_s = server.http.get(f"/api/runs/{run['id']}").json()["wall_s"]
    wakes = wall_s / (ENVELOPE_INTERVAL - EARLY_TICK_SLACK) + 2
    assert 5 <= len(live) <= wakes, (len(live), wakes)
    assert len(live) < len(points["loss"]) / 10


def test_an_envelope_snapshot_is_bounded_and_exact_and_resumes_with_since(
    server: LiveServer,
) -> None:
    run = server.start_run(epochs=10, batch_size=2)  # 10,000 points
    server.wait_run(run["id"])
    points = stored_points(server, run["id"])
    assert len(points["loss"]) > 2 * SNAPSHOT_BUCKETS
    texts = []
    for _ in range(2):
        with server.viewer("?detail=envelope") as late:
            texts.append(late.conn.recv(timeout=30))
    assert texts[0] == texts[1] or json.loads(texts[0])["server"] != json.loads(texts[1])["server"]
    snapshot = json.loads(texts[0])
    assert "points" not in snapshot and snapshot["info"]["status"] == "finished"
    assert len(snapshot["buckets"]["first_seq"]) <= SNAPSHOT_BUCKETS
    assert_exact(snapshot["buckets"], points, after=0)

    since = 7_777
    with server.viewer(f"?detail=envelope&since={since}&run={run['id']}") as resumed:
        snapshot = json.loads(resumed.conn.recv(timeout=30))
    assert snapshot["since"] == since
    assert_exact(snapshot["buckets"], points, after=since)


@pytest.mark.parametrize("query", ["?detail=bogus", "?detail=", "?detail=FULL"])
def test_an_unknown_detail_is_refused_with_422(server: LiveServer, query: str) -> None:
    with pytest.raises(InvalidStatus) as refused:
        connect(f"{server.ws_url}{query}", open_timeout=10)
    response = refused.value.response
    assert response.status_code == 422
    assert b"detail must be one of full, envelope" in response.body
    assert server.http.get("/healthz").status_code == 200
