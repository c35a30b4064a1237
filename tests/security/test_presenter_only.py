"""Checks 3 and 16: only the presenter trains, the token stays out of logs, and the biggest
allowed run cannot outlast its wall-clock cap."""

import time
from pathlib import Path

import pytest

from support.live import TOKEN, LiveServer


def test_the_token_never_reaches_the_access_log(server: LiveServer) -> None:
    before = len(server.log())
    assert server.http.get(f"/?token={TOKEN}").status_code == 200
    assert server.http.get(f"/watch?token={TOKEN}&x=1").status_code == 200
    assert server.http.post(f"/api/runs?token={TOKEN}", json={}).status_code == 401
    deadline = time.monotonic() + 30
    while (logged := server.log()[before:]).count("token=[redacted]") < 3:
        assert time.monotonic() < deadline, logged
        time.sleep(0.1)
    assert TOKEN not in logged


def test_a_wrong_token_never_reaches_the_trainer(server: LiveServer) -> None:
    runs_before = server.http.get("/api/runs").json()["runs"]
    for token in ("x", TOKEN[:-1], TOKEN + "0", TOKEN.upper(), "A" * len(TOKEN)):
        response = server.http.post(
            "/api/runs", json={}, headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 401
    assert server.http.get("/api/runs").json()["runs"] == runs_before
    assert server.http.get("/api/status").json()["worker"] == "ready"


@pytest.mark.slow
def test_the_largest_run_is_capped_in_time_and_memory(make_server: type[LiveServer]) -> None:
    server = make_server(LOOPCAST_MAX_RUN_SECONDS="4")
    worker = server.worker_pid()
    run = server.start_run(model="cnn", batch_size=8192, epochs=50)
    peak = 0
    deadline = time.monotonic() + 60
    while server.http.get(f"/api/runs/{run['id']}").json()["status"] in ("queued", "running"):
        assert time.monotonic() < deadline
        status = Path(f"/proc/{worker}/status").read_text()
        peak = max(peak, int(status.split("VmRSS:")[1].split()[0]))
        time.sleep(0.2)
    ended = server.http.get(f"/api/runs/{run['id']}").json()
    assert ended["status"] == "stopped"
    assert "time limit of 4 s" in ended["reason"]
    assert peak < 8 * 1024 * 1024, f"worker peaked at {peak // 1024} MiB"


@pytest.mark.slow
def test_stop_works_even_mid_epoch_of_the_largest_run(server: LiveServer) -> None:
    run = server.start_run(model="cnn", batch_size=8192, epochs=50)
    while server.http.get(f"/api/runs/{run['id']}").json()["status"] == "queued":
        time.sleep(0.05)
    asked = time.monotonic()
    assert server.http.post(f"/api/runs/{run['id']}/stop", headers=server.auth).status_code == 202
    assert server.wait_run(run["id"], timeout=30)["status"] == "stopped"
    took = time.monotonic() - asked
    # One cnn step on 8,192 images is the longest the worker goes without reading its pipe.
    assert took < 15, f"stop took {took:.1f} s"
