"""Replay against a real server: a stored run streamed again as a new run, point for point,
at its recorded pace sped up, with no worker needed."""

import asyncio
import csv
import io
import os
import signal
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loopcast.recording import Recording, add_recording
from loopcast.replay import plan
from loopcast.runs import RunManager
from loopcast.store import Store
from loopcast.stream.columns import Columns
from loopcast.training.protocol import TICK_SECONDS, Ended, Epoch, Points, Started, WorkerOptions
from support.live import LiveServer, Viewer
from support.recordings import made_up_recording

# A paced run: long enough for a speed-10 replay to be timed, short enough for a test.
PACE_S = 3
ORIGINAL = {"epochs": 2, "batch_size": 16, "pace_s": PACE_S, "name": "rehearsal"}


@pytest.fixture(scope="module")
def original(server: LiveServer) -> dict[str, Any]:
    run = server.start_run(**ORIGINAL)
    details = server.wait_run(run["id"])
    assert details["status"] == "finished", details["reason"]
    return details


def replay(server: LiveServer, run_id: int, **body: Any) -> dict[str, Any]:
    response = server.http.post(f"/api/runs/{run_id}/replay", json=body, headers=server.auth)
    assert response.status_code == 201, response.text
    run: dict[str, Any] = response.json()
    return run


def csv_rows(server: LiveServer, run_id: int) -> list[dict[str, str]]:
    text = server.http.get(f"/api/runs/{run_id}/metrics.csv").text
    return list(csv.DictReader(io.StringIO(text)))


def watch_to_the_end(viewer: Viewer, run_id: int) -> None:
    """Read until the replay has ended, from its snapshot on."""
    viewer.receive()
    while viewer.snapshot is None or viewer.snapshot["run"] != run_id:
        viewer.receive()
    viewer.until_status("finished")


def test_a_replay_equals_its_original_point_for_point(
    server: LiveServer, original: dict[str, Any]
) -> None:
    with server.viewer() as full, server.viewer("?detail=envelope") as envelope:
        full.receive()
        envelope.receive()
        run = replay(server, original["id"], speed=10)
        watch_to_the_end(full, run["id"])
        watch_to_the_end(envelope, run["id"])
    assert run["replay_of"] == original["id"] and run["replay_speed"] == 10
    for viewer in (full, envelope):
        assert viewer.snapshot is not None
        assert viewer.snapshot["info"]["replay_of"] == original["id"]
        assert viewer.snapshot["info"]["replay_speed"] == 10
    assert run["name"] == "replay of rehearsal"
    for key in ("config", "device", "device_name", "torch_version"):
        assert run[key] == original[key], key

    points = original["points"]
    last = original["last_seq"]
    assert full.seq == list(range(1, last + 1))
    assert full.loss == points["loss"]
    mine = [m for m in full.messages if m["run"] == run["id"]]
    streamed = [m for m in mine if m["type"] in ("points", "snapshot")]
    acc = [a for m in streamed for a in m.get("points", m).get("acc", [])]
    assert acc == points["acc"]
    assert [e["epoch"] for e in full.epochs] == [1, 2]

    # The envelope covers 1..last with no gap, each bucket the exact min and max.
    buckets = envelope.buckets
    assert buckets["first_seq"][0] == 1 and buckets["last_seq"][-1] == last
    assert buckets["first_seq"][1:] == [seq + 1 for seq in buckets["last_seq"][:-1]]
    ranges = zip(buckets["first_seq"], buckets["last_seq"], strict=True)
    losses = [points["loss"][first - 1 : end] for first, end in ranges]
    assert buckets["loss_min"] == [min(loss) for loss in losses]
    assert buckets["loss_max"] == [max(loss) for loss in losses]

    stored = server.http.get(f"/api/runs/{run['id']}").json()
    assert stored["status"] == "finished" and stored["replay_of"] == original["id"]
    assert stored["total_steps"] == original["total_steps"]
    for result, recorded in zip(stored["epochs"], original["epochs"], strict=True):
        assert result["val_acc"] == recorded["val_acc"]
        assert result["samples_per_s"] == recorded["samples_per_s"]
        assert result["t"] == pytest.approx(recorded["t"] / 10, abs=1e-3)
    replayed_rows, recorded_rows = csv_rows(server, run["id"]), csv_rows(server, original["id"])
    for name in ("seq", "step", "epoch", "loss", "acc"):
        assert [r[name] for r in replayed_rows] == [r[name] for r in recorded_rows], name
    listed = server.http.get("/api/runs").json()["runs"]
    assert next(r for r in listed if r["id"] == run["id"])["replay_speed"] == 10


def test_speed_ten_takes_a_tenth_of_the_time(server: LiveServer, original: dict[str, Any]) -> None:
    run = replay(server, original["id"], speed=10, name="fast")
    done = server.wait_run(run["id"])
    assert done["name"] == "fast"
    tenth = original["wall_s"] / 10
    # Never early (each tick is due at its recorded time / 10; wall_s is rounded to 1 ms);
    # late only by a busy loop.
    due = original["points"]["t"][-1] / 10
    assert due - 0.001 <= done["wall_s"] < tenth + 1.0, (done["wall_s"], tenth)
    assert done["points"]["t"][-1] == pytest.approx(original["points"]["t"][-1] / 10, abs=1e-3)


def test_stop_a_replay_and_the_slot_is_free(server: LiveServer, original: dict[str, Any]) -> None:
    run = replay(server, original["id"])
    assert server.http.post("/api/runs", json={}, headers=server.auth).status_code == 409
    again = server.http.post(f"/api/runs/{original['id']}/replay", headers=server.auth)
    assert again.status_code == 409 and "still active" in again.json()["detail"]
    lr = server.http.post(f"/api/runs/{run['id']}/lr", json={"lr": 0.5}, headers=server.auth)
    assert lr.status_code == 409 and "is a replay" in lr.json()["detail"]
    stop = server.http.post(f"/api/runs/{run['id']}/stop", headers=server.auth)
    assert stop.status_code == 202 and stop.json()["status"] == "stopped"
    stored = server.wait_run(run["id"])
    assert stored["status"] == "stopped" and stored["reason"] == "stopped by the presenter"
    assert stored["last_seq"] < original["last_seq"]
    assert server.http.get("/api/status").json()["active_run"] is None


def test_bad_replays_are_refused(server: LiveServer, original: dict[str, Any]) -> None:
    url = f"/api/runs/{original['id']}/replay"
    assert server.http.post(url, json={}).status_code == 401
    missing = server.http.post("/api/runs/999999/replay", headers=server.auth)
    assert missing.status_code == 404 and "no run 999999" in missing.text
    for body in ({"speed": 0.5}, {"speed": 101}, {"speed": "fast"}, {"name": "x" * 81}, {"x": 1}):
        response = server.http.post(url, json=body, headers=server.auth)
        assert response.status_code == 422, body
        assert next(iter(body)) in response.text
    empty = Store(server.db).add_run(
        {
            **{k: original[k] for k in ("name", "status", "config", "device")},
            "device_name": "",
            "torch_version": "",
            "created_at": 1.0,
        },
        {name: [] for name in ("seq", "step", "epoch", "loss", "acc", "t")},
        [],
    )
    nothing = server.http.post(f"/api/runs/{empty}/replay", headers=server.auth)
    assert nothing.status_code == 422 and "no points to replay" in nothing.text
    assert server.http.get("/api/status").json()["active_run"] is None


def test_a_replay_plays_on_when_the_worker_dies(
    server: LiveServer, original: dict[str, Any]
) -> None:
    run = replay(server, original["id"], speed=2)
    os.kill(server.worker_pid(), signal.SIGKILL)
    done = server.wait_run(run["id"])
    assert done["status"] == "finished" and done["last_seq"] == original["last_seq"]
    server.wait_healthy()  # a fresh worker trains the next run


def test_the_time_cap_and_a_shutdown_stop_a_replay(
    make_server: type[LiveServer], small_data: Path, tmp_path: Path
) -> None:
    slow = made_up_recording(epochs=2, steps_per_epoch=20, seconds=40)  # as imported
    with closing(Store(tmp_path / "runs.db")) as store:
        run_id = add_recording(store, Recording.model_validate(slow))
    server = make_server(small_data, tmp_path, LOOPCAST_MAX_RUN_SECONDS="1")
    capped = server.wait_run(replay(server, run_id)["id"], timeout=60)
    assert capped["status"] == "stopped" and capped["reason"] == "time limit of 1 s reached"
    assert 0 < capped["last_seq"] < 40
    cut = replay(server, run_id)
    assert server.stop(timeout=60) in (0, -signal.SIGTERM)  # uvicorn re-raises SIGTERM
    with closing(Store(server.db)) as store:
        stored = store.get_run(cut["id"])
    assert stored is not None
    assert (stored["status"], stored["reason"]) == ("stopped", "the server shut down")


@given(
    gaps=st.lists(st.floats(0, 0.2), min_size=1, max_size=200),
    epochs=st.integers(1, 4),
    speed=st.floats(1, 100),
)
def test_the_plan_keeps_every_point_in_ticks_and_epochs_after_theirs(
    gaps: list[float], epochs: int, speed: float
) -> None:
    count = len(gaps)
    epoch = [1 + i * epochs // count for i in range(count)]
    # Each epoch's evaluation takes 10 ms before the next epoch's first batch.
    t = [sum(gaps[: i + 1]) + 0.01 * (epoch[i] - 1) for i in range(count)]
    points: Columns = {
        "seq": list(range(1, count + 1)),
        "step": list(range(1, count + 1)),
        "epoch": epoch,
        "loss": [1.0] * count,
        "acc": [0.5] * count,
        "t": t,
    }
    results = [
        {
            "epoch": e,
            "train_loss": 1.0,
            "val_loss": 1.0,
            "val_acc": 0.5,
            "samples_per_s": 9.0,
            "t": t[max(i for i in range(count) if epoch[i] == e)] + 0.005,
        }
        for e in sorted(set(epoch))
    ]
    original = {"steps_per_epoch": count, "total_steps": count}
    messages = plan(7, original, points, results, speed)
    assert isinstance(messages[0][1], Started) and isinstance(messages[-1][1], Ended)
    dues = [due for due, _ in messages]
    assert dues == sorted(dues)
    sent: list[int] = []
    for due, message in messages:
        assert message.run == 7
        if isinstance(message, Points):
            assert message.t[-1] - message.t[0] <= TICK_SECONDS + 1e-9 and due == message.t[-1]
            sent.extend(message.step)
        if isinstance(message, Epoch):
            assert epoch[len(sent) - 1] == message.epoch  # right after its last point
            assert len(sent) == count or epoch[len(sent)] > message.epoch
    assert sent == points["step"]


def test_an_older_database_gets_the_replay_columns(tmp_path: Path) -> None:
    old = tmp_path / "old.db"
    with sqlite3.connect(old) as db:
        db.execute("CREATE TABLE runs (id INTEGER PRIMARY KEY, name TEXT)")
    store = Store(old)
    store.close()
    with sqlite3.connect(old) as db:
        names = {row[1] for row in db.execute("PRAGMA table_info(runs)")}
    assert {"replay_of", "replay_speed"} <= names


def test_a_replay_that_fails_ends_failed_and_frees_the_slot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(tmp_path / "runs.db")
    run_id = add_recording(store, Recording.model_validate(made_up_recording(1, 10, 0.1)))

    def unreadable(run_id: int) -> list[dict[str, Any]]:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(store, "epochs", unreadable)

    async def replay_to_the_end() -> int:
        options = WorkerOptions(data_dir=str(tmp_path), device="cpu", max_run_seconds=60)
        manager = RunManager(store, options)  # its worker never started: not needed
        info = manager.start_replay(run_id, 1.0, None)
        await asyncio.wait(asyncio.all_tasks() - {asyncio.current_task()})  # the replay's
        assert manager.active is None
        return info.id

    failed = store.get_run(asyncio.run(replay_to_the_end()))
    assert failed is not None and failed["status"] == "failed"
    assert failed["reason"] == "the replay failed: disk I/O error"
