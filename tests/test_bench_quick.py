"""Every benchmark's quick mode, run once so none of them rots (figures are not checked)."""

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from support.live import REPO, LiveServer

# What bench.common.report adds to every report: not the benchmark's figures.
REPORT_KEYS = ("benchmark", "quick", "machine")
NAN = float("nan")

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
    check_figures(figures)


def check_figures(report: dict[str, Any]) -> None:
    """A benchmark's own figures (not the machine's, which every report carries): some
    numbers, none of them NaN."""
    own = {key: value for key, value in report.items() if key not in REPORT_KEYS}
    numbers = [value for value in _leaves(own) if isinstance(value, int | float)]
    assert numbers, f"{report['benchmark']} reported no figure of its own"
    nans = [value for value in numbers if value != value]
    assert not nans, f"{report['benchmark']} reported {len(nans)} NaN of {len(numbers)} figures"


@pytest.mark.parametrize(
    "figures",
    [{}, {"viewers": []}, {"latency": {"p50": NAN, "p95": NAN}}, {"n": 3, "p50": NAN}],
)
def test_a_report_with_no_figures_or_nan_fails(figures: dict[str, Any]) -> None:
    report = {"benchmark": "fanout", "quick": True, "machine": {"cpus": 2, "load": 0.5}}
    with pytest.raises(AssertionError):
        check_figures({**report, **figures})
    check_figures({**report, "p50": 0.2})  # a figure: passes


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
