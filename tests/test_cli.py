"""The `loopcast` command's own checks, before any server starts."""

import contextlib
import http.client
import subprocess
import sys
import time
from pathlib import Path

import pytest

from server.cli import build_parser, settings_from
from server.config import Settings
from support.live import REPO, LiveServer


def loopcast(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "server", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )


def test_help_lists_the_commands() -> None:
    result = loopcast("--help")
    assert result.returncode == 0
    assert "serve" in result.stdout and "data" in result.stdout


def test_serve_without_data_says_how_to_fetch(tmp_path: Path) -> None:
    result = loopcast("serve", "--data-dir", str(tmp_path), "--port", "0")
    assert result.returncode == 1
    assert "loopcast data fetch" in result.stderr


def test_a_short_token_is_refused(tmp_path: Path) -> None:
    result = loopcast("serve", "--token", "short", "--data-dir", str(tmp_path))
    assert result.returncode == 2
    assert "at least 16 characters" in result.stderr


@pytest.mark.parametrize("command", ["serve", "edge"])
def test_the_trainers_two_urls_come_from_their_flags(command: str) -> None:
    args = build_parser().parse_args(
        [command, "--trainer-url", "http://trainer:8000", "--presenter-url", "http://stage:8000"]
    )
    settings = settings_from(args)
    assert (settings.trainer_url, settings.presenter_url) == (
        "http://trainer:8000",
        "http://stage:8000",
    )


def test_a_server_bound_to_all_interfaces_names_an_address_others_can_reach() -> None:
    assert Settings(host="0.0.0.0", port=8123).own_url not in ("http://0.0.0.0:8123", "")
    assert Settings(host="127.0.0.1", port=8123).own_url == "http://127.0.0.1:8123"


def test_the_keep_alive_setting_reaches_uvicorn(make_server: type[LiveServer]) -> None:
    """An idle connection is kept LOOPCAST_KEEP_ALIVE_S, then closed (2 s here; 75 by default,
    so that a phone still receiving a page on a saturated link keeps its connection)."""
    assert Settings().keep_alive_s == 75
    live = make_server(LOOPCAST_KEEP_ALIVE_S="2")
    with contextlib.closing(http.client.HTTPConnection("127.0.0.1", live.port, timeout=10)) as conn:
        for idle in (0.0, 1.0):  # kept: the second request is answered on the same connection
            time.sleep(idle)
            conn.request("GET", "/api/status")
            assert conn.getresponse().read()
            if idle == 0.0:
                kept = conn.sock
        assert conn.sock is kept
        time.sleep(3.0)
        conn.sock.settimeout(0.5)  # uvicorn's own 5 s would still hold it open: recv times out
        assert conn.sock.recv(1) == b""  # closed by the server
