"""The WebSocket stream against a real server: every point, once, in order, for everyone."""

import itertools
import json
import socket
import time
from typing import Any

from support.live import LiveServer


def assert_contiguous(seq: list[int], last: int) -> None:
    assert seq == list(range(1, last + 1)), f"gap or duplicate in {len(seq)} points"


def test_snapshot_first_with_server_status(server: LiveServer) -> None:
    with server.viewer() as viewer:
        message = viewer.receive()
        assert message["type"] == "snapshot"
        assert message["server"]["worker"] in ("ready", "training")
        assert message["server"]["device"] == "cpu"
        assert "run" in message


def test_live_viewer_and_late_joiner_get_every_point(server: LiveServer) -> None:
    with server.viewer() as live:
        live.receive()
        run = server.start_run(epochs=2)
        assert live.next_event()["type"] == "snapshot"  # a new run resets the viewer
        assert live.snapshot is not None and live.snapshot["run"] == run["id"]
        assert live.until_status("finished") == "finished"
        details = server.http.get(f"/api/runs/{run['id']}").json()
        last = details["last_seq"]
        assert_contiguous(live.seq, last)
        assert live.loss == details["points"]["loss"]
        assert [e["epoch"] for e in live.epochs] == [1, 2]
        for epoch in live.epochs:
            assert epoch["run"] == run["id"]
            assert 0 < epoch["val_acc"] <= 1 and epoch["val_loss"] > 0 and epoch["train_loss"] > 0
        assert all(m["run"] == run["id"] for m in live.messages[1:])
        # The viewer saw the run running: in a status message, or already in the run's
        # snapshot when that came after the worker started it (a busy machine's order).
        run_snapshot = next(
            m for m in live.messages if m["type"] == "snapshot" and m["run"] == run["id"]
        )
        assert "running" in live.statuses or run_snapshot["info"]["status"] == "running"
        points_messages = [m for m in live.messages if m["type"] == "points"]
        assert len(points_messages) < last, "several batches per message expected"
        for message in points_messages:
            columns = ("seq", "step", "epoch", "loss", "acc", "t")
            assert len({len(message[name]) for name in columns}) == 1

    with server.viewer() as late:
        snapshot = late.receive()
        assert snapshot["run"] == run["id"]
        assert_contiguous(snapshot["points"]["seq"], last)
        assert snapshot["info"]["status"] == "finished"
        assert len(snapshot["info"]["epochs"]) == 2


def test_epoch_messages_follow_their_points(server: LiveServer) -> None:
    with server.viewer() as viewer:
        viewer.receive()
        run = server.start_run(epochs=3, batch_size=128)
        viewer.until_status("finished")
    steps = server.http.get(f"/api/runs/{run['id']}").json()["steps_per_epoch"]
    seen = 0
    for message in viewer.messages:
        if message["type"] == "points":
            seen = message["seq"][-1]
        elif message["type"] == "epoch":
            assert seen == steps * message["epoch"]


def test_since_resumes_exactly(server: LiveServer) -> None:
    with server.viewer() as first:
        first.receive()
        # Long enough (about 1,600 steps) that the run is still going when the viewer is back.
        run = server.start_run(epochs=50)
        first.until_points(40)
        got = list(first.seq)
    time.sleep(0.3)  # points keep coming while this viewer is away
    with server.viewer(f"?since={got[-1]}&run={run['id']}") as second:
        snapshot = second.receive()
        assert snapshot["since"] == got[-1]
        if snapshot["info"]["status"] != "finished":  # a fast machine: it may have ended
            second.until_status("finished")
        combined = got + second.seq
    last = server.http.get(f"/api/runs/{run['id']}").json()["last_seq"]
    assert_contiguous(combined, last)


def test_since_for_an_old_run_sends_the_whole_current_run(server: LiveServer) -> None:
    run = server.start_run(epochs=1)
    server.wait_run(run["id"])
    with server.viewer(f"?since=5&run={run['id'] - 1}") as viewer:
        snapshot = viewer.receive()
        assert snapshot["since"] == 0
        assert snapshot["points"]["seq"][0] == 1


def small_receive_buffer() -> socket.socket:
    """A socket whose tiny receive window fills quickly, so the server's sends must block."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2048)
    return sock


def test_a_stalled_viewer_slows_no_one_and_misses_nothing(server: LiveServer) -> None:
    sock = small_receive_buffer()
    sock.connect(("127.0.0.1", server.port))
    with server.viewer() as fast, server.viewer(sock=sock, max_size=None) as stalled:
        fast.receive()
        stalled.receive()
        # Batches of 4: thousands of points, far more than the stalled socket can hold.
        run = server.start_run(epochs=5, batch_size=4)
        arrivals: list[float] = []
        while not fast.statuses or fast.statuses[-1] != "finished":
            message = fast.receive()
            if message["type"] == "points":
                arrivals.append(time.monotonic())
        # The stalled viewer read nothing all along; the fast one was fed every tick.
        gaps = [b - a for a, b in itertools.pairwise(arrivals)]
        assert len(arrivals) > 10
        assert max(gaps) < 1.5, f"fast viewer waited {max(gaps):.2f} s"
        stalled.until_status("finished")
        last = server.http.get(f"/api/runs/{run['id']}").json()["last_seq"]
        assert_contiguous(fast.seq, last)
        assert_contiguous(stalled.seq, last)
        assert len([m for m in stalled.messages if m["type"] == "points"]) <= len(arrivals)


def test_same_seed_same_curve(server: LiveServer) -> None:
    curves = []
    for _ in range(2):
        run = server.start_run(epochs=1, seed=7)
        curves.append(server.wait_run(run["id"])["points"]["loss"])
    other = server.start_run(epochs=1, seed=8)
    assert curves[0] == curves[1]
    assert server.wait_run(other["id"])["points"]["loss"] != curves[0]


def test_ping_and_garbage(server: LiveServer) -> None:
    with server.viewer() as viewer:
        viewer.receive()
        viewer.conn.send(json.dumps({"type": "ping"}))
        assert viewer.next_event()["type"] == "pong"
        viewer.conn.send("not json at all")
        message = viewer.next_event()
        assert message["type"] == "error" and "ping" in message["detail"]


def test_slide_changes_reach_viewers(server: LiveServer) -> None:
    with server.viewer() as viewer:
        viewer.receive()
        response = server.http.post(
            "/api/slide",
            json={"page": 5, "panel": "mnist", "tab": "reach", "counter": 1},
            headers=server.auth,
        )
        assert response.status_code == 200
        assert response.json()["stale"] is False
        message = viewer.receive()
        while message["type"] != "slide":
            message = viewer.receive()
        assert (message["page"], message["panel"]) == (5, "mnist")
    with server.viewer() as late:
        assert late.receive()["slide"] == {"page": 5, "panel": "mnist"}
    bad = {"page": 1, "panel": "<b>", "tab": "reach", "counter": 2}
    assert server.http.post("/api/slide", json=bad, headers=server.auth).status_code == 422


def slide_report(server: LiveServer, page: int, tab: str, counter: int) -> dict[str, Any]:
    body = {"page": page, "panel": None, "tab": tab, "counter": counter}
    response = server.http.post("/api/slide", json=body, headers=server.auth)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def audience_slide(server: LiveServer) -> int:
    with server.viewer() as late:
        return int(late.receive()["slide"]["page"])


def test_a_report_overtaken_by_a_newer_one_does_not_move_the_audience(
    server: LiveServer,
) -> None:
    with server.viewer() as viewer:
        viewer.receive()
        # Two quick flips, 4 then 5, whose requests arrive the other way round.
        assert slide_report(server, 5, "overtaken", 2)["stale"] is False
        assert slide_report(server, 4, "overtaken", 1) == {
            "page": 4,
            "panel": None,
            "tab": "overtaken",
            "counter": 1,
            "stale": True,
        }
        assert slide_report(server, 4, "overtaken", 2)["stale"] is True  # a repeat too
        assert audience_slide(server) == 5
        assert slide_report(server, 6, "overtaken", 3)["stale"] is False
        slides = []
        while not slides or slides[-1] != 6:
            message = viewer.next_event()
            if message["type"] == "slide":
                slides.append(message["page"])
        assert 4 not in slides
    assert audience_slide(server) == 6
    # A reload is a new tab counting from 1 again; a second tab reports on its own.
    assert slide_report(server, 2, "reloaded", 1)["stale"] is False
    assert audience_slide(server) == 2
    assert slide_report(server, 3, "overtaken", 4)["stale"] is False
    assert slide_report(server, 1, "reloaded", 1)["stale"] is True
    assert audience_slide(server) == 3


def test_bad_slide_reports_get_422_with_the_field_named(server: LiveServer) -> None:
    good = {"page": 1, "panel": None, "tab": "valid", "counter": 1}
    bad_values = {
        "counter": [-1, 0, 1.5, "3", True, None, 2**53],
        "tab": ["", "a tab", "t" * 65, 7, None],
    }
    for field, values in bad_values.items():
        for value in values:
            body = {**good, field: value}
            response = server.http.post("/api/slide", json=body, headers=server.auth)
            assert response.status_code == 422, body
            assert field in response.text, response.text
        missing = {key: value for key, value in good.items() if key != field}
        response = server.http.post("/api/slide", json=missing, headers=server.auth)
        assert response.status_code == 422 and field in response.text, missing
    integral = {**good, "counter": 7.0}  # JSON Schema's integer includes 7.0
    response = server.http.post("/api/slide", json=integral, headers=server.auth)
    assert response.json()["counter"] == 7


def test_viewer_count(server: LiveServer) -> None:
    with server.viewer() as one, server.viewer() as two:
        one.receive()
        two.receive()
        deadline = time.monotonic() + 60
        while server.http.get("/api/status").json()["viewers"] != 2:
            assert time.monotonic() < deadline
            time.sleep(0.05)
    deadline = time.monotonic() + 60
    while server.http.get("/api/status").json()["viewers"] != 0:
        assert time.monotonic() < deadline
        time.sleep(0.05)
