"""Every benchmark's quick mode, run once so none of them rots (figures are not checked)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from support.live import REPO

# Not bench.venue: it needs root and network namespaces, and shapes a link for minutes.
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
