"""Faults: a failing or killed worker, a killed or stopped server. Nothing is lost."""

import os
import signal
import sqlite3
import time
from pathlib import Path

import pytest

from support.live import LiveServer

pytestmark = pytest.mark.slow


def stored_points(db: Path, run_id: int) -> list[int]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT seq FROM points WHERE run_id=? ORDER BY seq", (run_id,))
        return [seq for (seq,) in rows]


@pytest.mark.parametrize(
    ("fault", "reason"),
    [("exception@20", "RuntimeError: fault injected"), ("oom@20", "OutOfMemoryError")],
)
def test_a_failing_step_fails_the_run_and_the_next_run_works(
    make_server: type[LiveServer], fault: str, reason: str
) -> None:
    server = make_server(LOOPCAST_INJECT_FAULT=fault)
    with server.viewer() as viewer, server.viewer() as other:
        viewer.receive()
        other.receive()
        run = server.start_run(epochs=3)
        assert viewer.until_status("failed") == "failed"
        assert other.until_status("failed") == "failed"
        failed = [m for m in viewer.messages if m["type"] == "status" and m["status"] == "failed"]
        assert reason in failed[0]["reason"]
    details = server.http.get(f"/api/runs/{run['id']}").json()
    assert details["status"] == "failed" and reason in details["reason"]
    assert stored_points(server.db, run["id"]) == list(range(1, details["last_seq"] + 1))
    assert details["last_seq"] == 19  # every step before the faulty one

    # The hook fires once per worker: the next run trains to the end.
    again = server.start_run(epochs=1)
    assert server.wait_run(again["id"])["status"] == "finished"
    assert server.http.get("/healthz").status_code == 200


def test_a_killed_worker_fails_the_run_and_a_fresh_worker_takes_over(
    make_server: type[LiveServer],
) -> None:
    server = make_server()
    with server.viewer() as viewer:
        viewer.receive()
        run = server.start_run(epochs=50)
        viewer.until_points(10)
        os.kill(server.worker_pid(), signal.SIGKILL)
        assert viewer.until_status("failed") == "failed"
        failed = next(m for m in viewer.messages if m.get("status") == "failed")
        assert "killed by signal 9" in failed["reason"]
    seen = viewer.seq
    assert stored_points(server.db, run["id"])[: len(seen)] == seen
    server.wait_healthy(60)
    again = server.start_run(epochs=1)
    assert server.wait_run(again["id"])["status"] == "finished"


def test_a_killed_server_keeps_every_streamed_point(
    make_server: type[LiveServer], tmp_path: Path
) -> None:
    server = make_server()
    with server.viewer() as viewer:
        viewer.receive()
        run = server.start_run(epochs=50)
        viewer.until_points(50)
        server.signal(signal.SIGKILL)
        seen = list(viewer.seq)
    assert server.process is not None
    server.process.wait(10)
    time.sleep(0.5)  # the orphaned worker sees its pipe close and exits

    restarted = make_server(workdir=tmp_path)
    details = restarted.http.get(f"/api/runs/{run['id']}").json()
    assert details["status"] == "interrupted"
    stored = details["points"]["seq"]
    assert stored[: len(seen)] == seen
    assert stored == list(range(1, len(stored) + 1))
    again = restarted.start_run(epochs=1)
    assert restarted.wait_run(again["id"])["status"] == "finished"


def test_sigterm_stops_the_run_and_leaves_no_process(make_server: type[LiveServer]) -> None:
    server = make_server()
    with server.viewer() as viewer:
        viewer.receive()
        run = server.start_run(epochs=50)
        viewer.until_points(10)
        worker = server.worker_pid()
        # uvicorn shuts down in order (5 s for open connections, 5 s for the worker), then
        # re-raises SIGTERM, as a signalled process should.
        assert server.stop(timeout=60) in (0, -signal.SIGTERM)
    with pytest.raises(ProcessLookupError):
        os.kill(worker, 0)
    with sqlite3.connect(server.db) as conn:
        status, reason = conn.execute(
            "SELECT status, reason FROM runs WHERE id=?", (run["id"],)
        ).fetchone()
    assert status == "stopped", reason
