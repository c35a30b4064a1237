"""The `loopcast data fetch` subcommand; `server/cli.py` mounts it beside `serve`."""

import argparse
import sys
from pathlib import Path

from . import fetch as fetch_module
from .datasets import DATASETS
from .fetch import FetchError, fetch_dataset
from .paths import default_data_dir


def add_data_parser(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    data = commands.add_parser("data", help="get the datasets the server trains on")
    actions = data.add_subparsers(dest="data_command", required=True)
    fetch = actions.add_parser(
        "fetch",
        help="put MNIST (or Fashion-MNIST) where the server finds it, sha256-verified",
        description=fetch_module.__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    fetch.add_argument("--dataset", choices=(*DATASETS, "all"), default="mnist")
    fetch.add_argument(
        "--data-dir",
        type=Path,
        help="destination (default: LOOPCAST_DATA_DIR, else $XDG_DATA_HOME/loopcast/data or "
        f"~/.local/share/loopcast/data; here {default_data_dir()})",
    )
    fetch.add_argument(
        "--from",
        dest="source_dir",
        type=Path,
        metavar="DIR",
        help="a folder holding the four files (flat or torchvision layout, plain or .gz)",
    )


def run_data_command(args: argparse.Namespace) -> int:
    """0 when every dataset asked for is in place; 1, with the reasons on stderr, otherwise."""
    data_dir = args.data_dir or default_data_dir()
    datasets = DATASETS if args.dataset == "all" else (args.dataset,)
    failed = False
    for dataset in datasets:  # with `all`, one failure does not stop the others
        try:
            fetch_dataset(dataset, data_dir, source_dir=args.source_dir)
        except FetchError as error:
            print(f"loopcast data fetch: {error}", file=sys.stderr)
            failed = True
    return 1 if failed else 0
