"""What every benchmark shares: where the data is, percentiles, and how results are reported.

Each benchmark prints a table and, with `--json PATH`, writes its figures for CI and docs.
`--quick` trains on a small generated dataset so CI can run every benchmark in seconds.
"""

import argparse
import atexit
import json
import os
import platform
import resource
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from loopcast.data.paths import default_data_dir

QUICK_TRAIN, QUICK_TEST = 3000, 500


def parser(description: str) -> argparse.ArgumentParser:
    args = argparse.ArgumentParser(description=description)
    args.add_argument("--quick", action="store_true", help="small generated data, for CI")
    args.add_argument("--data-dir", type=Path, help="default: the real MNIST of `data fetch`")
    args.add_argument("--json", type=Path, help="also write the figures here")
    return args


def scratch_dir(prefix: str) -> Path:
    """A temporary folder, removed when the benchmark exits: each run's database, logs and
    data would otherwise pile up in /tmp (a server's log reaches the error if it fails)."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def data_dir(args: argparse.Namespace) -> Path:
    """Real MNIST unless `--quick`; a generated dataset in a temporary folder for `--quick`."""
    # Here, not at the top: they load torch, which bench.viewers' crowds do not need.
    from loopcast.data.datasets import missing_files
    from loopcast.data.synthetic import write_synthetic_dataset

    if args.data_dir is not None:
        return Path(args.data_dir)
    if args.quick:
        folder = scratch_dir("loopcast-bench-")
        write_synthetic_dataset(folder, "mnist", train=QUICK_TRAIN, test=QUICK_TEST, seed=1)
        return folder
    folder = default_data_dir()
    if missing_files(folder, "mnist"):
        raise SystemExit(f"no MNIST in {folder}: run `loopcast data fetch` or pass --quick")
    return folder


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0..100), nearest rank; NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def percentiles(values: list[float], digits: int) -> dict[str, float]:
    """p50, p95, p99 and max, rounded."""
    figures = {f"p{q}": percentile(values, q) for q in (50, 95, 99)}
    figures["max"] = max(values, default=float("nan"))
    return {name: round(value, digits) for name, value in figures.items()}


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def machine() -> dict[str, Any]:
    import torch

    return {
        "cpus": os.cpu_count(),
        "torch": torch.__version__,
        "cuda": torch.cuda.get_device_name() if torch.cuda.is_available() else None,
        "python": platform.python_version(),
        "load_average_1m": round(os.getloadavg()[0], 2),  # other tenants of this machine
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }


def report(args: argparse.Namespace, name: str, figures: dict[str, Any]) -> None:
    figures = {"benchmark": name, "quick": args.quick, "machine": machine(), **figures}
    print(json.dumps(figures, indent=1))
    if args.json is not None:
        args.json.write_text(json.dumps(figures, indent=1))


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def raise_fd_limit() -> None:
    """1,000 viewers need more than the usual 1,024 descriptors; children inherit this."""
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
