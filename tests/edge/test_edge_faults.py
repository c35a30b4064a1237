"""Faults between the trainer, Redis and the edges: a viewer's edge killed, Redis restarted
empty mid-run, a run Redis no longer has. Nothing is missed, nothing duplicated."""

import contextlib
import os
import signal
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from support.edges import REDIS_SERVER, LiveEdge, RedisServer
from support.live import LiveServer
from tests.edge.conftest import STANDIN_RATE, needs

# 12 epochs of 118 batches: about 3.5 s from the stand-in worker, time for a fault.
LONG_RUN = {"batch_size": 512, "epochs": 12}
POINTS = 12 * 118


def test_a_viewer_whose_edge_dies_resumes_on_another(
    trainer: LiveServer, make_edge: Callable[[], LiveEdge]
) -> None:
    dying, other = make_edge(), make_edge()
    run = trainer.start_run(**LONG_RUN)
    with dying.viewer() as viewer:
        viewer.until_points(200)
        dying.signal(signal.SIGKILL)
        seqs = list(viewer.seq)
    with other.viewer(f"?since={seqs[-1]}&run={run['id']}") as resumed:
        resumed.until_status("finished")
        seqs += resumed.seq
    assert seqs == list(range(1, POINTS + 1))


def test_redis_restarted_empty_mid_run(
    trainer: LiveServer, make_edge: Callable[[], LiveEdge], redis_server: RedisServer
) -> None:
    edge = make_edge()
    with edge.viewer() as viewer, trainer.viewer() as on_trainer:
        trainer.start_run(**LONG_RUN)
        viewer.until_points(200)
        redis_server.restart()
        viewer.until_status("finished")
        on_trainer.until_status("finished")
    assert viewer.seq == list(range(1, POINTS + 1))
    assert viewer.epochs == on_trainer.epochs
    # The trainer wrote the run again: a new edge has all of it from Redis.
    with make_edge().viewer() as late:
        snapshot = late.next_event()
    assert snapshot["points"]["seq"] == viewer.seq
    assert [e["last_seq"] for e in snapshot["info"]["epochs"]] == [118 * k for k in range(1, 13)]


def test_a_run_redis_lost_comes_from_the_trainer(
    trainer: LiveServer, make_edge: Callable[[], LiveEdge], redis_server: RedisServer
) -> None:
    run = trainer.start_run(batch_size=512, epochs=2)
    trainer.wait_run(run["id"])
    redis_server.client().flushall()
    with make_edge().viewer() as late, trainer.viewer() as on_trainer:
        snapshot, expected = late.next_event(), on_trainer.next_event()
    # The trainer's stored run: its points, epochs and end (its stored times are the
    # store's, a few ms off the live run object's).
    assert snapshot["points"] == expected["points"]
    assert snapshot["info"]["epochs"] == expected["info"]["epochs"]
    assert snapshot["info"]["status"] == expected["info"]["status"] == "finished"


def test_a_run_left_active_by_a_trainer_that_died_ends_on_the_edges(
    make_server: Callable[..., LiveServer],
    make_edge: Callable[[], LiveEdge],
    trainer: LiveServer,
    redis_server: RedisServer,
) -> None:
    edge = make_edge()
    run = trainer.start_run(**LONG_RUN)
    with edge.viewer() as viewer:
        viewer.until_points(100)
        worker = trainer.worker_pid()
        trainer.signal(signal.SIGKILL)
        os.kill(worker, signal.SIGKILL)
        # The same database and Redis: the store says `interrupted`, and so does Redis.
        make_server(LOOPCAST_REDIS=redis_server.url, LOOPCAST_STANDIN_RATE=STANDIN_RATE)
        assert viewer.until_status("interrupted") == "interrupted"
    assert viewer.snapshot is not None and viewer.snapshot["run"] == run["id"]


def test_healthz_says_whether_the_edge_has_redis(small_data: Path, tmp_path: Path) -> None:
    """503 with Retry-After and `"redis": false` until the edge has read Redis once; then
    200, and `"redis": false` again while Redis is away (it serves what it has)."""
    needs("redis-server", REDIS_SERVER)
    redis_server = RedisServer(tmp_path)  # its port, nothing listening yet
    edge = LiveEdge(
        small_data, tmp_path, redis_server.url, LOOPCAST_TRAINER_URL="http://127.0.0.1:9"
    )
    edge.start(healthy=False)
    try:
        answer = wait_for(edge, lambda response: True)
        assert answer.status_code == 503 and answer.headers["Retry-After"] == "2"
        assert answer.json()["redis"] is False and answer.json()["status"] == "starting"
        redis_server.start()
        answer = wait_for(edge, lambda response: response.status_code == 200)
        assert answer.json() == {"status": "ok", "redis": True}
        redis_server.stop()
        answer = wait_for(edge, lambda response: response.json()["redis"] is False)
        assert answer.status_code == 200 and answer.json()["status"] == "ok"
    finally:
        edge.stop()
        redis_server.stop()


def wait_for(edge: LiveEdge, done: Callable[[httpx.Response], bool]) -> httpx.Response:
    """The edge's first /healthz answer for which `done` is true, within 30 s."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.TransportError):
            answer = edge.http.get("/healthz")
            if done(answer):
                return answer
        time.sleep(0.1)
    raise TimeoutError("/healthz never answered as expected")
