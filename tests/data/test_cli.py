"""`loopcast data fetch`: its options and exit codes."""

import argparse
from pathlib import Path

import pytest

from loopcast.data import fetch
from loopcast.data.cli import add_data_parser, run_data_command
from loopcast.data.datasets import FILES, raw_dir
from loopcast.data.fetch import digests_of
from loopcast.data.synthetic import write_synthetic_dataset


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="loopcast")
    add_data_parser(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(argv)


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOOPCAST_FETCH_SKIP", "torchvision,npm,debian")


@pytest.fixture
def synthetic_digests(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Synthetic datasets under tmp_path/source, made the expected ones; returns that folder."""
    for dataset in ("mnist", "fashion-mnist"):
        folder = write_synthetic_dataset(tmp_path / "source", dataset, train=20, test=10)
        digests = digests_of(folder)
        monkeypatch.setitem(fetch.DIGESTS, dataset, digests)
    return tmp_path / "source"


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    args = parse("data", "fetch")
    assert (args.dataset, args.data_dir, args.source_dir) == ("mnist", None, None)
    with pytest.raises(SystemExit):
        parse("data", "fetch", "--dataset", "cifar10")


def test_fetch_from_a_folder_exits_0(tmp_path: Path, synthetic_digests: Path) -> None:
    args = parse("data", "fetch", "--dataset", "all", "--data-dir", str(tmp_path / "d"),
                 "--from", str(synthetic_digests))  # fmt: skip
    assert run_data_command(args) == 0
    for dataset in ("mnist", "fashion-mnist"):
        assert len(list(raw_dir(tmp_path / "d", dataset).iterdir())) == 4


def test_the_data_dir_defaults_to_loopcast_data_dir(
    tmp_path: Path, synthetic_digests: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOOPCAST_DATA_DIR", str(tmp_path / "env"))
    assert run_data_command(parse("data", "fetch", "--from", str(synthetic_digests))) == 0
    assert len(list(raw_dir(tmp_path / "env", "mnist").iterdir())) == 4


def test_failure_exits_1_with_the_reason_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = parse("data", "fetch", "--data-dir", str(tmp_path / "d"), "--from", str(tmp_path))
    assert run_data_command(args) == 1
    err = capsys.readouterr().err
    assert err.startswith("loopcast data fetch: could not get mnist") and "By hand" in err


def test_all_goes_on_after_a_failure(
    tmp_path: Path, synthetic_digests: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (raw_dir(synthetic_digests, "mnist") / FILES["test-labels"]).unlink()
    args = parse("data", "fetch", "--dataset", "all", "--data-dir", str(tmp_path / "d"),
                 "--from", str(synthetic_digests))  # fmt: skip
    assert run_data_command(args) == 1
    assert "could not get mnist" in capsys.readouterr().err
    assert len(list(raw_dir(tmp_path / "d", "fashion-mnist").iterdir())) == 4
