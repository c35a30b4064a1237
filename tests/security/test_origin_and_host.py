"""Checks 1 and 2: cross-site WebSocket hijacking and DNS rebinding are refused."""

import socket

import httpx
import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from support.live import LiveServer


@pytest.mark.parametrize(
    "origin",
    ["https://evil.example", "https://127.0.0.1.evil.example", "null", "http://127.0.0.1:1"],
)
def test_foreign_origins_are_refused_before_accept(server: LiveServer, origin: str) -> None:
    with pytest.raises(InvalidStatus) as refused:
        connect(server.ws_url, origin=origin, open_timeout=10)  # type: ignore[arg-type]
    assert refused.value.response.status_code == 403


def test_the_pages_own_origin_connects(server: LiveServer) -> None:
    own = f"http://127.0.0.1:{server.port}"
    with connect(server.ws_url, origin=own, open_timeout=10) as ws:  # type: ignore[arg-type]
        assert '"type":"snapshot"' in ws.recv(timeout=10)


def test_configured_origins_replace_the_default(make_server: type[LiveServer]) -> None:
    server = make_server(LOOPCAST_ALLOWED_ORIGINS='["https://deck.example"]')
    with connect(server.ws_url, origin="https://deck.example", open_timeout=10) as ws:  # type: ignore[arg-type]
        assert '"type":"snapshot"' in ws.recv(timeout=10)
    with pytest.raises(InvalidStatus):
        connect(server.ws_url, origin=f"http://127.0.0.1:{server.port}", open_timeout=10)  # type: ignore[arg-type]


@pytest.mark.parametrize("host", ["attacker.example", "attacker.example:8000", "127.0.0.1.nip.io"])
def test_a_rebound_host_name_is_refused_on_loopback(server: LiveServer, host: str) -> None:
    for path in ("/api/status", "/", "/watch"):
        response = httpx.get(f"{server.url}{path}", headers={"Host": host})
        assert response.status_code == 400, (path, host)
    assert raw_handshake_status(server, host) == 403


def raw_handshake_status(server: LiveServer, host: str) -> int:
    """A WebSocket handshake whose only Host header is `host` (clients add their own)."""
    request = (
        f"GET /ws HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(request.encode())
        status_line = sock.recv(200).split(b"\r\n", 1)[0]
    return int(status_line.split()[1])


def test_loopback_names_are_accepted(server: LiveServer) -> None:
    for host in (f"localhost:{server.port}", f"127.0.0.1:{server.port}", "[::1]"):
        assert httpx.get(f"{server.url}/healthz", headers={"Host": host}).status_code == 200
