"""Check 4: every HTTP endpoint fuzzed from the live server's OpenAPI schema with
schemathesis: no 5xx, and every response matches its schema (all default checks)."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.live import LiveServer

pytestmark = pytest.mark.slow

EXAMPLES_PER_OPERATION = 30


def stop_active_run(server: LiveServer) -> None:
    """Whatever a fuzzed call started is stopped, so the next case is not only 409s."""
    active = server.http.get("/api/status").json()["active_run"]
    if active is not None:
        server.http.post(f"/api/runs/{active}/stop", headers=server.auth)
        server.wait_run(active)


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
    schema = schemathesis.openapi.from_url(f"{server.url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10, [operation.label for operation in operations]
    for operation in operations:
        fuzz(operation, server, server.auth if authorized else {})
