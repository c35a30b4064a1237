"""Check 3: only the presenter's token trains, and the token never reaches the logs."""

import secrets

import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from loopcast.api import deps
from support.live import TOKEN, LiveServer

MUTATIONS = [
    ("/api/runs", {"epochs": 1}),
    ("/api/runs/1/stop", None),
    ("/api/runs/1/replay", {"speed": 1}),
    ("/api/slide", {"page": 1, "tab": "auth", "counter": 1}),
]
BAD_CREDENTIALS = {
    "none": {},
    "wrong": {"Authorization": "Bearer " + "w" * len(TOKEN)},
    "longer": {"Authorization": f"Bearer {TOKEN}x"},
    "shorter": {"Authorization": f"Bearer {TOKEN[:-1]}"},
    "empty": {"Authorization": "Bearer"},
    "no scheme": {"Authorization": TOKEN},
    "cookie": {"Cookie": f"token={TOKEN}"},
}


@pytest.mark.parametrize("credentials", BAD_CREDENTIALS.values(), ids=BAD_CREDENTIALS.keys())
def test_a_missing_or_wrong_token_is_401_and_never_trains(
    server: LiveServer, credentials: dict[str, str]
) -> None:
    runs_before = server.http.get("/api/runs").json()["runs"]
    for path, body in MUTATIONS:
        response = server.http.post(path, json=body, headers=credentials)
        assert response.status_code == 401, (path, response.text)
        assert response.headers["www-authenticate"] == "Bearer"
    assert server.http.get("/api/runs").json()["runs"] == runs_before
    assert server.http.get("/api/status").json()["active_run"] is None


def test_a_token_in_the_query_string_is_401(server: LiveServer) -> None:
    for path, body in MUTATIONS:
        for query in (f"?token={TOKEN}", f"?access_token={TOKEN}"):
            response = server.http.post(f"{path}{query}", json=body)
            assert response.status_code == 401, (path, query)
    assert server.http.get("/api/status").json()["active_run"] is None


def test_tokens_are_compared_with_compare_digest(monkeypatch: pytest.MonkeyPatch) -> None:
    compared: list[tuple[bytes, bytes]] = []
    compare_digest = secrets.compare_digest

    def spy(given: bytes, expected: bytes) -> bool:
        compared.append((given, expected))
        return compare_digest(given, expected)

    monkeypatch.setattr(deps.secrets, "compare_digest", spy)
    assert deps.secrets_match("abc", "abc") and not deps.secrets_match("abd", "abc")
    assert compared == [(b"abc", b"abc"), (b"abd", b"abc")]


def test_the_token_never_appears_in_the_server_logs(server: LiveServer) -> None:
    """The presenter URL carries the token once; access and WebSocket logs must not."""
    start = len(server.log())
    assert server.http.get(f"/?token={TOKEN}").status_code == 200
    assert server.http.get(f"/watch?token={TOKEN}&x=1").status_code in (200, 404)
    assert server.http.post(f"/api/runs?token={TOKEN}", json={}).status_code == 401
    with connect(f"{server.ws_url}?token={TOKEN}", open_timeout=10) as ws:
        ws.recv(timeout=10)
    with pytest.raises(InvalidStatus):
        connect(f"{server.ws_url}?token={TOKEN}", origin="https://evil.example", open_timeout=10)  # type: ignore[arg-type]
    server.http.get("/healthz")  # one more line, so the lines above have been flushed
    logged = server.log()[start:]
    assert "GET /?token=[redacted]" in logged, logged
    assert TOKEN not in logged, logged
    # The printed presenter URL is the one place the token is shown (to the presenter).
    printed = [line for line in server.log().splitlines() if TOKEN in line]
    assert all(line.startswith("loopcast presenter: ") for line in printed), printed
