"""Every benchmark's quick mode, run once so none of them rots (figures are not checked)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from support.live import REPO, LiveServer

# Not bench.venue nor bench.qr: they need root and network namespaces, and shape a link for
# minutes (bench.qr's phones are run below, on loopback).
BENCHMARKS = (
    *("throughput", "fanout", "click", "accuracy", "stage", "pace", "replay", "edges"),
    *("insides", "pause"),
)


@pytest.mark.slow
@pytest.mark.parametrize("name", BENCHMARKS)
def test_benchmark_quick_mode_runs_and_reports_numbers(name: str, tmp_path: Path) -> None:
    out = tmp_path / f"{name}.json"
    scratch = tmp_path / "tmp"  # the benchmark's TMPDIR: it must leave nothing of its own there
    scratch.mkdir()
    command = [sys.executable, "-m", f"bench.{name}", "--quick", "--json", str(out)]
    env = {**os.environ, "TMPDIR": str(scratch)}
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-3000:]
    # torch keeps its compile cache (torchinductor_USER) in TMPDIR: shared, not a leftover.
    assert sorted(path.name for path in scratch.glob("loopcast*")) == []
    figures = json.loads(out.read_text())
    assert figures["benchmark"] == name and figures["quick"] is True
    numbers = [value for value in _leaves(figures) if isinstance(value, int | float)]
    assert numbers and all(value == value for value in numbers)  # no NaN


def _leaves(value: object) -> list[object]:
    if isinstance(value, dict):
        return [leaf for item in value.values() for leaf in _leaves(item)]
    if isinstance(value, list):
        return [leaf for item in value for leaf in _leaves(item)]
    return [value]


def test_bench_qr_phones_load_the_page_and_reach_the_stream(server: LiveServer) -> None:
    """bench.qr's phones on loopback, no link in between: each fetches the page, then has
    the stream's first message."""
    command = [sys.executable, "-m", "bench.phones", "--url", server.url, "--count", "5"]
    command += ["--over", "0.2", "--timeout", "30", "--paths", "/watch", "/api/runs", "/watch"]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-3000:]
    phones = json.loads(done.stdout)
    assert len(phones) == 5
    for phone in phones:
        assert phone["error"] is None and phone["requests"] == 3 and phone["retries"] == 0
        assert phone["bytes"] > 0 and 0 < phone["page_s"] <= phone["upgraded_s"] <= phone["seconds"]
