"""The `loopcast` command's own checks, before any server starts."""

import contextlib
import http.client
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from loopcast.cli import build_parser, settings_from
from loopcast.config import Settings
from support.live import REPO, TOKEN, LiveServer, free_port


def loopcast(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "loopcast", *args],
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


def test_a_deck_folder_without_index_html_is_refused_naming_it(tmp_path: Path) -> None:
    deck = tmp_path / "my talk"
    deck.mkdir()
    result = loopcast("serve", "--deck", str(deck), "--data-dir", str(tmp_path), "--port", "0")
    assert result.returncode == 2
    assert f"--deck {deck} holds no index.html" in result.stderr
    assert "loopcast presenter" not in result.stdout  # refused before anything started
    assert "MNIST" not in result.stderr  # the deck is checked first: one problem at a time


def test_a_deck_sources_folder_points_at_its_build(tmp_path: Path) -> None:
    (tmp_path / "dist").mkdir()
    (tmp_path / "dist" / "index.html").write_text("<!doctype html>")
    result = loopcast("serve", "--deck", str(tmp_path), "--port", "0")
    assert result.returncode == 2
    assert f"--deck {tmp_path / 'dist'}" in result.stderr


def test_a_missing_deck_folder_is_refused(tmp_path: Path) -> None:
    result = loopcast("serve", "--deck", str(tmp_path / "nowhere"), "--port", "0")
    assert result.returncode == 2
    assert f"--deck {tmp_path / 'nowhere'} is not a folder" in result.stderr


def test_serve_deck_serves_that_folder_at_the_root(
    make_server: type[LiveServer], tmp_path: Path
) -> None:
    deck = tmp_path / "deck"
    deck.mkdir()
    (deck / "index.html").write_text("<!doctype html><title>my own talk</title>")
    server = make_server(flags=["--deck", str(deck)])
    response = server.http.get("/")
    assert response.status_code == 200 and "my own talk" in response.text


def test_frame_ancestors_come_from_their_flag() -> None:
    args = build_parser().parse_args(
        ["serve", "--frame-ancestors", "https://slides.example", "http://localhost:3030"]
    )
    assert settings_from(args).frame_ancestors == [
        "https://slides.example",
        "http://localhost:3030",
    ]
    assert Settings().frame_ancestors == ["'self'"]


def test_a_bad_frame_ancestor_is_refused_before_start(tmp_path: Path) -> None:
    result = loopcast("serve", "--frame-ancestors", "https://slides.example/talk", "--port", "0")
    assert result.returncode == 2
    assert "https://slides.example/talk" in result.stderr and "no path" in result.stderr


def test_the_urls_are_printed_once_the_server_listens_and_the_worker_is_warm(
    small_data: Path, tmp_path: Path
) -> None:
    """A presenter opens the printed URLs at once: they must answer, and Train must work."""
    port = free_port()
    env = {
        **os.environ,
        "LOOPCAST_TOKEN": TOKEN,
        "LOOPCAST_DATA_DIR": str(small_data),
        "LOOPCAST_DB": str(tmp_path / "runs.db"),
        "LOOPCAST_DEVICE": "cpu",
        "PYTHONUNBUFFERED": "1",
    }
    command = [sys.executable, "-m", "loopcast", "serve", "--port", str(port)]
    with subprocess.Popen(
        command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    ) as process:
        try:
            assert process.stdout is not None
            printed = []
            for line in process.stdout:  # pytest-timeout bounds the wait
                printed.append(line.rstrip())
                if line.startswith("loopcast presenter:"):
                    break
            # At once, as a presenter clicking the URL would: listening, and warm.
            answer = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5)
            assert answer.status_code == 200, answer.text
            assert printed[-1] == f"loopcast presenter: http://127.0.0.1:{port}/?token={TOKEN}"
            assert process.stdout.readline().rstrip() == (
                f"loopcast audience:  http://127.0.0.1:{port}/watch"
            )
            assert all("presenter" not in line for line in printed[:-1]), printed
        finally:
            process.terminate()
            process.wait(timeout=20)


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
