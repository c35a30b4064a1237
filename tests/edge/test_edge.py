"""Edges (`loopcast edge`) serve the trainer's run through Redis: the same stream as the
trainer's own, resumable on any edge, read-only, without torch."""

import asyncio
import json
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from redis.asyncio import Redis

from loopcast.publisher import Publisher
from loopcast.redislog import run_key
from loopcast.stream.hub import Hub
from loopcast.stream.run import RunInfo
from loopcast.stream.runlog import RunLog
from support.edges import LiveEdge, RedisServer
from support.live import LiveServer, Viewer
from tests.edge.conftest import STANDIN_RATE

# 2 epochs of 118 batches from the stand-in worker.
RUN = {"batch_size": 512, "epochs": 2}
EPOCH_FIELDS = ("epoch", "train_loss", "val_loss", "val_acc", "samples_per_s", "t", "last_seq")


def seen(viewer: Viewer) -> dict[str, Any]:
    """What a viewer was sent of its run: every point and epoch, and how it ended (a new
    run may be running already in its first snapshot, or not yet: `running` may not come)."""
    epochs = [{name: epoch[name] for name in EPOCH_FIELDS} for epoch in viewer.epochs]
    return {"seq": viewer.seq, "loss": viewer.loss, "epochs": epochs, "end": viewer.statuses[-1]}


def test_two_edges_and_the_trainer_stream_the_same_run(
    trainer: LiveServer, make_edge: Callable[[], LiveEdge]
) -> None:
    servers = [trainer, make_edge(), make_edge()]
    with (
        servers[0].viewer() as on_trainer,
        servers[1].viewer() as on_edge,
        servers[2].viewer("?since=0") as on_other_edge,
    ):
        viewers = [on_trainer, on_edge, on_other_edge]
        for viewer in viewers:
            assert viewer.next_event()["type"] == "snapshot"
        run = trainer.start_run(**RUN)
        for viewer in viewers:
            viewer.until_status("finished")
    streams = [seen(viewer) for viewer in viewers]
    assert streams[0]["seq"] == list(range(1, 2 * 118 + 1))
    assert [len(stream["epochs"]) for stream in streams] == [2, 2, 2]
    assert streams[1] == streams[0] and streams[2] == streams[0]
    # A late joiner's snapshot is the same run object and points on every server.
    snapshots = []
    for server in servers:
        with server.viewer() as late:
            snapshot = late.next_event()
            snapshots.append({"info": snapshot["info"], "points": snapshot["points"]})
    assert snapshots[0]["info"]["id"] == run["id"]
    assert snapshots[1] == snapshots[0] and snapshots[2] == snapshots[0]


def test_a_viewer_resumes_on_the_other_edge_with_nothing_missing(
    trainer: LiveServer, make_edge: Callable[[], LiveEdge]
) -> None:
    first, second = make_edge(), make_edge()
    run = trainer.start_run(**{**RUN, "epochs": 4})
    with first.viewer() as viewer:
        viewer.until_points(50)
        seqs = list(viewer.seq)
    with second.viewer(f"?since={seqs[-1]}&run={run['id']}") as resumed:
        snapshot = resumed.next_event()
        assert snapshot["since"] == seqs[-1]
        if snapshot["info"]["status"] != "finished":  # a slow edge: it may have ended
            resumed.until_status("finished")
        seqs += resumed.seq
    assert seqs == list(range(1, 4 * 118 + 1))


def test_an_edge_refuses_presenter_actions_and_names_the_trainer(
    trainer: LiveServer, make_edge: Callable[[], LiveEdge]
) -> None:
    edge = make_edge()
    for method, path in (
        ("POST", "/api/runs"),
        ("POST", "/api/runs/1/stop"),
        ("POST", "/api/slide"),
    ):
        answer = edge.http.request(method, path, json={}, headers=trainer.auth)
        assert answer.status_code == 421, answer.text
        assert trainer.url in answer.json()["detail"]
    # Read-only requests the edge does not hold are the trainer's answers.
    run = trainer.start_run(**RUN)
    trainer.wait_run(run["id"])
    assert edge.http.get("/api/runs").json() == trainer.http.get("/api/runs").json()
    details = edge.http.get(f"/api/runs/{run['id']}")
    assert details.json() == trainer.http.get(f"/api/runs/{run['id']}").json()
    assert edge.http.get("/api/runs/999").status_code == 404
    csv = edge.http.get(f"/api/runs/{run['id']}/metrics.csv")
    assert csv.headers["content-disposition"] == f'attachment; filename="run-{run["id"]}.csv"'
    assert csv.text == trainer.http.get(f"/api/runs/{run['id']}/metrics.csv").text


def test_an_edge_told_nothing_uses_the_urls_the_trainer_publishes(
    make_server: Callable[..., LiveServer],
    redis_server: RedisServer,
    small_data: Path,
    tmp_path: Path,
) -> None:
    """As in compose.yaml: edges reach the trainer where it says (its address inside the
    network), and name the address a browser reaches it at (its presenter URL)."""
    presenter_url = "http://stage.example:8000"
    trainer = make_server(
        LOOPCAST_REDIS=redis_server.url,
        LOOPCAST_STANDIN_RATE=STANDIN_RATE,
        LOOPCAST_PRESENTER_URL=presenter_url,
    )
    edge = LiveEdge(small_data, tmp_path, redis_server.url).start()
    try:
        deadline = time.monotonic() + 10
        while "not known yet" in (refused := edge.http.post("/api/runs", json={})).text:
            assert time.monotonic() < deadline, refused.text
            time.sleep(0.1)
        assert refused.status_code == 421
        assert presenter_url in refused.json()["detail"]
        assert trainer.url not in refused.json()["detail"]
        run = trainer.start_run(**RUN)
        trainer.wait_run(run["id"])
        assert edge.http.get("/api/runs").json() == trainer.http.get("/api/runs").json()
    finally:
        edge.stop()


def test_an_edge_runs_no_worker_and_no_torch(make_edge: Callable[[], LiveEdge]) -> None:
    edge = make_edge()
    assert edge.process is not None
    maps = Path(f"/proc/{edge.process.pid}/maps").read_text()
    assert "libtorch" not in maps and "site-packages/torch" not in maps
    status = httpx.get(f"{edge.url}/api/status").json()
    assert status["viewers"] == 0


def test_a_duplicate_publish_is_refused(redis_server: RedisServer) -> None:
    """A trainer that writes a run again (a second publisher, as after a restart) adds
    only what Redis does not hold."""

    async def scenario() -> tuple[Any, Any, Any]:
        redis = Redis.from_url(redis_server.url, decode_responses=True)
        hub = Hub(lambda: {})
        info = {"id": 7, "status": "running", "total_steps": 100, "epochs": []}
        log = RunLog(RunInfo.from_row(info))
        log.append(columns(1, 30))
        hub.set_run(log)

        async def publish_until(count: int) -> None:
            task = asyncio.create_task(
                Publisher(hub, redis, 60, lambda: {}, lambda run_id: None).run()
            )
            newest = "0-0"
            while await redis.xlen(run_key(7)) < count:
                entries: Any = await redis.xread({run_key(7): newest}, block=20_000)
                newest = entries[0][1][-1][0]
            await asyncio.sleep(0.2)  # time for anything more it would write
            task.cancel()

        await publish_until(3)  # the run object, its points, the run object
        first = await redis.xrange(run_key(7))
        await publish_until(3)
        again = await redis.xrange(run_key(7))
        log.append(columns(31, 40))
        await publish_until(5)
        more = await redis.xrange(run_key(7))
        assert 0 < await redis.ttl(run_key(7)) <= 60  # the publisher's ttl, from its last entry
        await redis.aclose()
        return first, again, more

    first, again, more = asyncio.run(scenario())
    assert [entry_id for entry_id, _ in first] == ["0-1", "30-0", "30-1"]
    assert again == first
    # The new points after the old ones (one entry: they come in one snapshot), then the run.
    assert [entry_id for entry_id, _ in more] == ["0-1", "30-0", "30-1", "40-0", "40-1"]
    assert json.loads(more[3][1]["m"])["seq"] == list(range(31, 41))


def columns(first: int, last: int) -> dict[str, list[Any]]:
    seqs = list(range(first, last + 1))
    return {
        "seq": seqs,
        "step": seqs,
        "epoch": [1] * len(seqs),
        "loss": [0.5] * len(seqs),
        "acc": [0.5] * len(seqs),
        "t": [s / 100 for s in seqs],
    }


def test_an_edge_serves_the_built_page_as_the_trainer_does(
    make_edge: Callable[[], LiveEdge], trainer: LiveServer
) -> None:
    """The same precompressed files, negotiated and cached the same way (issue 20)."""
    edge = make_edge()
    page = httpx.get(f"{trainer.url}/watch")
    script = re.search(r'src="(/static/dist/assets/watch-[^"]+\.js)"', page.text)
    assert script, "the audience page is not built: cd slides && npm run build"
    for path in ("/watch", script[1]):
        answers = [
            httpx.get(f"{server.url}{path}", headers={"accept-encoding": "gzip, br"})
            for server in (trainer, edge)
        ]
        kept = ("content-encoding", "vary", "cache-control", "etag", "content-length")
        assert answers[0].headers["vary"] == "Accept-Encoding"
        assert len({tuple(a.headers.get(name) for name in kept) for a in answers}) == 1
        assert answers[1].headers["content-encoding"] == "br"
