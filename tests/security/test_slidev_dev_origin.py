"""A deck on `slidev dev` (http://localhost:3030) against loopcast on another port: with
that origin in LOOPCAST_ALLOWED_ORIGINS its stream and API calls go through (CORS for the
API); any other origin is refused as before."""

import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from support.live import TOKEN, LiveServer

DEV = "http://localhost:3030"


@pytest.fixture
def dev_allowed(make_server: type[LiveServer]) -> LiveServer:
    return make_server(LOOPCAST_ALLOWED_ORIGINS=f'["{DEV}"]')


def test_the_dev_servers_origin_streams_and_calls_the_api(dev_allowed: LiveServer) -> None:
    with connect(dev_allowed.ws_url, origin=DEV, open_timeout=10) as ws:  # type: ignore[arg-type]
        assert '"type":"snapshot"' in ws.recv(timeout=10)
    answer = dev_allowed.http.get("/api/status", headers={"Origin": DEV})
    assert answer.status_code == 200
    assert answer.headers["access-control-allow-origin"] == DEV
    # The Train button's POST carries the token: the browser asks first (a preflight).
    preflight = dev_allowed.http.options(
        "/api/runs",
        headers={
            "Origin": DEV,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == DEV
    assert "authorization" in preflight.headers["access-control-allow-headers"].lower()
    started = dev_allowed.http.post(
        "/api/runs",
        json={"epochs": 1},
        headers={"Origin": DEV, "Authorization": f"Bearer {TOKEN}"},
    )
    assert started.status_code == 201, started.text
    assert started.headers["access-control-allow-origin"] == DEV


@pytest.mark.parametrize("origin", ["http://localhost:3031", "https://evil.example", "null"])
def test_other_origins_are_still_refused(dev_allowed: LiveServer, origin: str) -> None:
    with pytest.raises(InvalidStatus) as refused:
        connect(dev_allowed.ws_url, origin=origin, open_timeout=10)  # type: ignore[arg-type]
    assert refused.value.response.status_code == 403
    answer = dev_allowed.http.get("/api/status", headers={"Origin": origin})
    assert "access-control-allow-origin" not in answer.headers  # the browser hides the answer
    preflight = dev_allowed.http.options(
        "/api/runs", headers={"Origin": origin, "Access-Control-Request-Method": "POST"}
    )
    assert preflight.status_code == 400
    assert "access-control-allow-origin" not in preflight.headers


def test_without_the_setting_no_origin_but_its_own_is_let_in(server: LiveServer) -> None:
    with pytest.raises(InvalidStatus):
        connect(server.ws_url, origin=DEV, open_timeout=10)  # type: ignore[arg-type]
    answer = server.http.get("/api/status", headers={"Origin": DEV})
    assert "access-control-allow-origin" not in answer.headers
