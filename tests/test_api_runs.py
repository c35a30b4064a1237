"""The HTTP API against a real server: auth, validation, lifecycle, history, CSV."""

import csv
import io
import json
import time

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from support.live import TOKEN, LiveServer

VALID_NAMES = {"mlp", "cnn", "adam", "sgd", "mnist"}
BAD_CONFIGS = [
    {"lr": 0},
    {"lr": -0.1},
    {"lr": "fast"},
    {"batch_size": 0},
    {"batch_size": 8193},
    {"batch_size": 1.5},
    {"epochs": 0},
    {"epochs": 51},
    {"model": "resnet"},
    {"optimizer": "lbfgs"},
    {"dataset": "cifar10"},
    {"loader": "turbo"},
    {"seed": -1},
    {"unknown": 1},
    {"name": "x" * 81},
]


def run_count(server: LiveServer) -> int:
    return len(server.http.get("/api/runs").json()["runs"])


def test_health_and_status(server: LiveServer) -> None:
    assert server.http.get("/healthz").json() == {"status": "ok"}
    status = server.http.get("/api/status").json()
    assert status["worker"] == "ready"
    assert status["device"] == "cpu"
    assert status["cuda_available"] is False
    assert status["active_run"] is None


def test_mutations_need_the_token(server: LiveServer) -> None:
    before = run_count(server)
    for headers in (
        {},
        {"Authorization": "Bearer wrong-token-wrong-token-wrong"},
        {"Authorization": f"Bearer {TOKEN}x"},
        {"Authorization": f"Bearer {TOKEN[:-1]}"},
        {"Authorization": TOKEN},
        {"Authorization": f"Basic {TOKEN}"},
    ):
        assert server.http.post("/api/runs", json={}, headers=headers).status_code == 401
        assert server.http.post("/api/runs/1/stop", headers=headers).status_code == 401
        slide = {"page": 1, "tab": "auth", "counter": 1}
        assert server.http.post("/api/slide", json=slide, headers=headers).status_code == 401
    in_query = server.http.post(f"/api/runs?token={TOKEN}", json={})
    assert in_query.status_code == 401
    assert run_count(server) == before


def test_bad_bodies_get_422_with_the_field_named(server: LiveServer) -> None:
    for body in BAD_CONFIGS:
        response = server.http.post("/api/runs", json=body, headers=server.auth)
        assert response.status_code == 422, body
        field = next(iter(body))
        assert field in response.text, response.text
    broken = server.http.post(
        "/api/runs",
        content=b"{not json",
        headers={**server.auth, "Content-Type": "application/json"},
    )
    assert broken.status_code == 422
    assert server.http.post("/api/runs", json=[1, 2], headers=server.auth).status_code == 422
    assert server.http.get("/api/status").json()["active_run"] is None


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.dictionaries(
        st.sampled_from(["lr", "batch_size", "epochs", "seed", "model", "optimizer", "dataset"]),
        st.one_of(
            st.integers(max_value=-1),
            st.integers(min_value=2**31),
            st.text(max_size=5).filter(lambda text: text not in VALID_NAMES),
            st.none(),
            st.floats(max_value=-1e-9),
            st.sampled_from([float("nan"), float("inf")]),
            st.lists(st.integers(), max_size=2),
        ),
        min_size=1,
    )
)
def test_out_of_range_values_never_start_a_run(server: LiveServer, body: dict[str, object]) -> None:
    # json.dumps writes NaN and Infinity, which Python's parser on the server accepts.
    headers = {**server.auth, "Content-Type": "application/json"}
    response = server.http.post("/api/runs", content=json.dumps(body), headers=headers)
    assert response.status_code == 422, (body, response.text)


def test_run_lifecycle(server: LiveServer) -> None:
    run = server.start_run(epochs=50, name="long")
    assert run["status"] == "queued"
    assert run["config"]["epochs"] == 50
    assert run["config"]["optimizer"] == "adam" and run["config"]["lr"] == 0.001
    assert run["config"]["batch_size"] == 64
    conflict = server.http.post("/api/runs", json={}, headers=server.auth)
    assert conflict.status_code == 409
    assert f"run {run['id']}" in conflict.json()["detail"]

    while server.http.get(f"/api/runs/{run['id']}").json()["last_seq"] < 5:
        time.sleep(0.05)
    stop = server.http.post(f"/api/runs/{run['id']}/stop", headers=server.auth)
    assert stop.status_code == 202
    ended = server.wait_run(run["id"])
    assert ended["status"] == "stopped"
    # Not "...; the worker was killed mid-step": the worker stopped it, within the grace.
    assert ended["reason"] == "stopped by the presenter"
    assert server.http.post(f"/api/runs/{run['id']}/stop", headers=server.auth).status_code == 409


# What the browser reads of a run object (static/js, slides/); the answers' response
# models must not filter any of it out.
RUN_FIELDS = {
    *("id", "name", "status", "reason", "config", "device", "device_name", "torch_version"),
    *("steps_per_epoch", "total_steps", "created_at", "started_at", "finished_at"),
    *("last_seq", "wall_s", "unpaced_s", "replay_of", "replay_speed"),
}
EPOCH_FIELDS = {"epoch", "train_loss", "val_loss", "val_acc", "samples_per_s", "t"}
# A run object (not a listed run) also has its lr changes and newest eval.
OBJECT_FIELDS = RUN_FIELDS | {"epochs", "lr_changes", "eval"}


def test_run_objects_keep_every_field(server: LiveServer) -> None:
    run = server.start_run(epochs=3, pace_s=6)  # an epoch every 2 s
    assert set(run) == OBJECT_FIELDS
    while not server.http.get(f"/api/runs/{run['id']}").json()["epochs"]:
        time.sleep(0.05)
    stopped = server.http.post(f"/api/runs/{run['id']}/stop", headers=server.auth).json()
    assert set(stopped) == OBJECT_FIELDS
    # The live run's epochs carry their last point, as the stream's do.
    assert set(stopped["epochs"][0]) == EPOCH_FIELDS | {"last_seq"}
    assert stopped["config"] == run["config"]
    details = server.wait_run(run["id"])
    assert set(details) == OBJECT_FIELDS | {"points"}
    assert set(details["epochs"][0]) == EPOCH_FIELDS
    assert set(details["points"]) == {"seq", "step", "epoch", "loss", "acc", "t"}
    listed = server.http.get("/api/runs").json()["runs"][0]
    assert listed["id"] == run["id"] and set(listed) == RUN_FIELDS


def test_history_details_and_csv(server: LiveServer) -> None:
    first = server.start_run(epochs=1)
    server.wait_run(first["id"])
    second = server.start_run(epochs=2, batch_size=256, name="<img src=x onerror=alert(1)>")
    details = server.wait_run(second["id"])
    assert details["status"] == "finished"
    assert details["name"] == "<img src=x onerror=alert(1)>"
    assert [e["epoch"] for e in details["epochs"]] == [1, 2]
    steps = details["steps_per_epoch"] * 2
    assert details["points"]["seq"] == list(range(1, steps + 1))
    assert details["last_seq"] == steps

    runs = server.http.get("/api/runs").json()["runs"]
    ids = [run["id"] for run in runs]
    assert ids == sorted(ids, reverse=True)
    assert ids.index(second["id"]) < ids.index(first["id"])

    response = server.http.get(f"/api/runs/{second['id']}/metrics.csv")
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["seq", "step", "epoch", "loss", "acc", "t"]
    assert len(rows) == steps + 1
    assert float(rows[-1][3]) == details["points"]["loss"][-1]

    assert server.http.get("/api/runs/99999").status_code == 404
    assert server.http.get("/api/runs/99999/metrics.csv").status_code == 404
    assert server.http.get("/api/runs/abc").status_code == 422


def test_classic_loader_and_sgd_and_cnn(server: LiveServer) -> None:
    for config in (
        {"loader": "classic", "epochs": 1},
        {"optimizer": "sgd", "lr": 0.05, "epochs": 1},
        {"model": "cnn", "epochs": 1, "batch_size": 128},
        {"dataset": "fashion-mnist", "epochs": 1},
    ):
        run = server.start_run(**config)
        details = server.wait_run(run["id"])
        assert details["status"] == "finished", (config, details["reason"])
        assert details["epochs"][0]["val_acc"] > 0.5, config


def test_healthz_is_503_before_the_worker_is_warm(server: LiveServer) -> None:
    # A second server: poll /healthz from the moment the port opens.
    other = LiveServer(server.data_dir, server.db.parent / "cold")
    other.db.parent.mkdir(exist_ok=True)
    assert other.process is None
    import subprocess
    import sys

    other.process = subprocess.Popen(
        [sys.executable, "-m", "loopcast", "serve", "--port", str(other.port)],
        env=other.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        codes = set()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                code = other.http.get("/healthz").status_code
            except httpx.TransportError:
                time.sleep(0.02)
                continue
            codes.add(code)
            if code == 200:
                break
        assert codes == {503, 200}
    finally:
        other.stop()
