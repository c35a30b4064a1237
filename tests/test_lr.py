"""The learning rate, mid-run: `POST /api/runs/{id}/lr`, the `lr` message in order with the
points, the run object's `lr_changes`, a replay of it, the stand-in's, and the bad requests
it refuses."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loopcast.training.protocol import Ended, LrChanged, Points, Quit, Report, SetLr, Stop, Train
from support.live import LiveServer
from tests.training.test_standin import start_standin

# 2 epochs of 32 batches stretched over 4 s: time to ask for a change mid-run.
PACED = {"epochs": 2, "pace_s": 4}


def test_an_lr_change_takes_effect_at_a_batch_in_order_with_the_points(
    server: LiveServer,
) -> None:
    with server.viewer() as full, server.viewer("?detail=envelope") as phone:
        full.receive()
        phone.receive()
        run = server.start_run(**PACED)
        full.until_points(3)
        answer = server.http.post(
            f"/api/runs/{run['id']}/lr", json={"lr": 0.5}, headers=server.auth
        )
        assert answer.status_code == 202, answer.text
        assert answer.json()["id"] == run["id"]
        change = full.until_type("lr")
        # Every point before it has been sent, none after: batch `seq` is the first at 0.5.
        assert full.seq == list(range(1, change["seq"]))
        assert change == {"type": "lr", "run": run["id"], "seq": change["seq"], "lr": 0.5}
        assert phone.until_type("lr") == change
        full.until_status("finished")
    details = server.http.get(f"/api/runs/{run['id']}").json()
    assert details["lr_changes"] == [{"seq": change["seq"], "lr": 0.5}]
    assert change["seq"] <= details["last_seq"]
    with server.viewer() as late:
        assert late.receive()["info"]["lr_changes"] == details["lr_changes"]

    # A replay reproduces the change at its seq, in order, and the evals after each epoch.
    with server.viewer() as viewer:
        viewer.receive()
        replay = server.http.post(
            f"/api/runs/{run['id']}/replay", json={"speed": 4}, headers=server.auth
        ).json()
        replayed = viewer.until_type("lr")
        assert viewer.seq == list(range(1, change["seq"]))
        assert replayed == {**change, "run": replay["id"]}
        viewer.until_status("finished")
    again = server.http.get(f"/api/runs/{replay['id']}").json()
    assert again["lr_changes"] == details["lr_changes"]
    assert again["eval"] == details["eval"]
    evals = [m["epoch"] for m in viewer.messages if m["type"] == "eval"]
    assert evals == [1, 2]


def test_lr_needs_the_token_and_an_active_run(server: LiveServer) -> None:
    run = server.start_run(epochs=1)
    path = f"/api/runs/{run['id']}/lr"
    assert server.http.post(path, json={"lr": 0.1}).status_code == 401
    wrong = {"Authorization": "Bearer not-the-token-at-all-0000"}
    assert server.http.post(path, json={"lr": 0.1}, headers=wrong).status_code == 401
    server.wait_run(run["id"])
    ended = server.http.post(path, json={"lr": 0.1}, headers=server.auth)
    assert ended.status_code == 409
    assert ended.json() == {"detail": f"run {run['id']} is not active"}
    unknown = server.http.post("/api/runs/999999/lr", json={"lr": 0.1}, headers=server.auth)
    assert unknown.status_code == 409


@pytest.mark.parametrize(
    "body",
    [
        '{"lr": 0}',
        '{"lr": -1}',
        '{"lr": 10.000001}',
        '{"lr": 1e400}',  # inf once parsed
        '{"lr": NaN}',
        '{"lr": "0.5x"}',
        '{"lr": null}',
        "{}",
        '{"lr": 0.5, "momentum": 0.9}',
        "[0.5]",
    ],
)
def test_bad_lr_bodies_answer_422_naming_the_field(server: LiveServer, body: str) -> None:
    headers = {**server.auth, "Content-Type": "application/json"}
    answer = server.http.post("/api/runs/1/lr", content=body, headers=headers)
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=300))
def test_malformed_lr_bodies_answer_422(server: LiveServer, text: str) -> None:
    headers = {**server.auth, "Content-Type": "application/json"}
    answer = server.http.post("/api/runs/1/lr", content=text.encode(), headers=headers)
    assert answer.status_code == 422, answer.text


def test_a_body_that_is_not_utf8_answers_400_as_every_json_route(server: LiveServer) -> None:
    headers = {**server.auth, "Content-Type": "application/json"}
    answer = server.http.post("/api/runs/1/lr", content=b'{"lr": "\x80"}', headers=headers)
    assert answer.status_code == 400, answer.text


def test_oversized_lr_bodies_are_refused(server: LiveServer) -> None:
    padded = {"lr": 0.5, "pad": "x" * 1_000_000}
    answer = server.http.post("/api/runs/1/lr", json=padded, headers=server.auth)
    assert answer.status_code == 422
    assert [error["loc"] for error in answer.json()["detail"]] == [["body", "pad"]]
    # Past Python's 4,300 digits for an int: not parsed at all, as on every JSON route.
    huge_integer = '{"lr": 1' + "0" * 5000 + "}"
    headers = {**server.auth, "Content-Type": "application/json"}
    answer = server.http.post("/api/runs/1/lr", content=huge_integer, headers=headers)
    assert answer.status_code == 400


def test_openapi_states_the_lr_limits(server: LiveServer) -> None:
    schema = server.http.get("/openapi.json").json()
    lr = schema["components"]["schemas"]["LrRequest"]["properties"]["lr"]
    assert (lr["exclusiveMinimum"], lr["maximum"]) == (0, 10)


def test_the_stand_in_reports_an_lr_change_at_its_next_batch() -> None:
    conn, _ = start_standin(rate=2_000)
    try:
        conn.send(Train(1, {"epochs": 1}))
        seen: list[Report] = []
        while not any(isinstance(message, Points) for message in seen):
            seen.append(conn.recv())
        conn.send(SetLr(1, 0.5))
        while not isinstance(seen[-1], LrChanged | Ended):
            seen.append(conn.recv())
        last = max(step for m in seen if isinstance(m, Points) for step in m.step)
        assert seen[-1] == LrChanged(1, last + 1, 0.5)
        conn.send(Stop(1))
        while not isinstance(conn.recv(), Ended):
            pass
    finally:
        conn.send(Quit())
