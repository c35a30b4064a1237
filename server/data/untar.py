"""Extract the regular files under one folder of a tarball, refusing anything that could land
outside the destination.

`tarfile`'s own `filter="data"` came in Python 3.11.4, and Debian 12's python3 is 3.11.2: this
works on every Python loopcast supports, with one code path, and is stricter than that filter
(no links of any kind, no devices, no absolute or `..` names under the folder asked for).
"""

import shutil
import tarfile
from pathlib import Path, PurePosixPath

CHUNK = 1 << 20


class UnsafeTarball(Exception):
    """A member under the folder asked for is not a plain file with a plain relative name."""


def _relative_name(member: tarfile.TarInfo, folder: PurePosixPath) -> PurePosixPath | None:
    """The member's path below `folder`, or None when it lies elsewhere (and is skipped)."""
    name = PurePosixPath(member.name)
    if name.is_absolute() or ".." in name.parts:
        if folder.parts[0] in name.parts:  # aimed at our folder: hostile, not merely elsewhere
            raise UnsafeTarball(f"{member.name!r}: an absolute name or one with '..'")
        return None
    if name.parts[: len(folder.parts)] != folder.parts or member.isdir():
        return None  # elsewhere, or a folder: its files' own names make the folders we need
    if not member.isfile():  # symlinks, hard links, devices, fifos
        raise UnsafeTarball(f"{member.name!r}: not a regular file ({member.type!r})")
    return PurePosixPath(*name.parts[len(folder.parts) :])


def extract_files(tarball: Path, folder: str, destination: Path) -> Path:
    """Write the regular files under `folder` in `tarball` into `destination`, keeping their
    layout below `folder`, and return `destination`. Members elsewhere are skipped; a member
    under `folder` that is a link, a device or has an absolute or `..` name raises
    UnsafeTarball before anything under it is written."""
    root = PurePosixPath(folder)
    destination.mkdir(parents=True, exist_ok=True)
    with tarfile.open(tarball) as tar:
        wanted = [
            (member, relative)
            for member in tar.getmembers()
            if (relative := _relative_name(member, root)) is not None
        ]
        for member, relative in wanted:
            target = destination.joinpath(*relative.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            source = tar.extractfile(member)
            if source is None:  # isfile() members always have data; keep mypy and tarfile honest
                raise UnsafeTarball(f"{member.name!r}: no data")
            with source, target.open("xb") as sink:  # "x": never follow or overwrite a file
                shutil.copyfileobj(source, sink, CHUNK)
    return destination
