"""The `loopcast data fetch` subcommand."""

import argparse
import sys

from server.data.datasets import DATASETS
from server.data.fetch import FetchError, fetch_dataset
from server.data.paths import default_data_dir


def add_data_parser(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    data = commands.add_parser("data", help="manage the datasets")
    actions = data.add_subparsers(dest="data_command", required=True)
    fetch = actions.add_parser(
        "fetch", help="put MNIST (or Fashion-MNIST) where the server finds it, sha256-verified"
    )
    fetch.add_argument("--dataset", choices=(*DATASETS, "all"), default="mnist")
    fetch.add_argument(
        "--data-dir",
        help="destination (default: LOOPCAST_DATA_DIR, else ~/.local/share/loopcast/data)",
    )
    fetch.add_argument(
        "--from", dest="source_dir", metavar="DIR", help="copy from a folder holding the files"
    )


def run_data_command(args: argparse.Namespace) -> int:
    data_dir = args.data_dir or default_data_dir()
    datasets = DATASETS if args.dataset == "all" else (args.dataset,)
    for dataset in datasets:
        try:
            fetch_dataset(dataset, data_dir, source_dir=args.source_dir)
        except FetchError as error:
            print(f"loopcast data fetch: {error}", file=sys.stderr)
            return 1
    return 0
