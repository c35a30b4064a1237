"""Check 4: every HTTP endpoint fuzzed from the live server's OpenAPI schema with
schemathesis: no 5xx but the documented warm-up 503, and every response matches its schema
(all default checks)."""

import os
import signal
import time
from pathlib import Path

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.config import SchemathesisConfig

from support.live import LiveServer

pytestmark = pytest.mark.slow

EXAMPLES_PER_OPERATION = 30
# Allows a 503 only as its routes document it (with Retry-After and its body).
CONFIG = Path(__file__).with_name("schemathesis.toml")


def stop_active_run(server: LiveServer) -> None:
    """Whatever a fuzzed call started is stopped, and the worker is warm again (a step too
    long for the stop's grace gets the worker killed), so the next case is not only 409s
    and 503s."""
    active = server.http.get("/api/status").json()["active_run"]
    if active is not None:
        server.http.post(f"/api/runs/{active}/stop", headers=server.auth)
        server.wait_run(active)
    server.wait_healthy(120)


def fuzz(operation: schemathesis.APIOperation, server: LiveServer, auth: dict[str, str]) -> None:
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def check(case: schemathesis.Case) -> None:
        case.call_and_validate(base_url=server.url, headers=auth, timeout=90)
        stop_active_run(server)

    check()


@pytest.mark.parametrize("authorized", [True, False], ids=["presenter", "audience"])
def test_every_endpoint_answers_within_its_schema(server: LiveServer, authorized: bool) -> None:
    config = SchemathesisConfig.from_path(CONFIG)
    schema = schemathesis.openapi.from_url(f"{server.url}/openapi.json", config=config)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10, [operation.label for operation in operations]
    for operation in operations:
        fuzz(operation, server, server.auth if authorized else {})


def kill_workers_until_the_restart_waits(server: LiveServer, kills: int = 3) -> None:
    """Kill the worker, then each fresh one before it is warm: the supervisor waits longer
    before each next start (1 s, then 2 s), and meanwhile there is no worker to ask."""
    killed: set[int] = set()
    deadline = time.monotonic() + 120
    while len(killed) < kills:
        assert time.monotonic() < deadline, f"no fresh worker after {sorted(killed)}"
        try:
            worker = server.worker_pid()
        except AssertionError:  # between two workers
            worker = 0
        if worker and worker not in killed:
            os.kill(worker, signal.SIGKILL)
            killed.add(worker)
        time.sleep(0.01)


def test_a_restarting_worker_answers_the_documented_503(make_server: type[LiveServer]) -> None:
    server = make_server()
    schema = schemathesis.openapi.from_url(f"{server.url}/openapi.json")
    kill_workers_until_the_restart_waits(server)
    answers: list[httpx.Response] = []
    deadline = time.monotonic() + 120
    while (health := server.http.get("/healthz")).status_code != 200:
        assert time.monotonic() < deadline, f"no warm worker in 120 s:\n{server.log()}"
        answers += [health, server.http.post("/api/runs", json={}, headers=server.auth)]
        time.sleep(0.05)
    refused = [answer for answer in answers if answer.status_code == 503]
    assert any(answer.request.url.path == "/api/runs" for answer in refused), answers
    for answer in refused:
        assert int(answer.headers["Retry-After"]) > 0
        operation = schema[answer.request.url.path][answer.request.method]
        operation.validate_response(answer)
