"""The `loopcast` command's own checks, before any server starts."""

import subprocess
import sys
from pathlib import Path

from support.live import REPO


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
