"""Hostile tarballs against loopcast.data.untar, runnable on any Python loopcast supports.

Stdlib only, so that tests/data/test_untar.py can run it under Debian's /usr/bin/python3
(3.11.2, which lacks tarfile's `filter=`) as well as under the venv's Python. Exits 0 when
every case holds, else prints the failures and exits 1.
"""

import io
import sys
import tarfile
import tempfile
from pathlib import Path

from loopcast.data.untar import UnsafeTarball, extract_files


def _add(tar: tarfile.TarFile, name: str, kind: bytes = tarfile.REGTYPE, link: str = "") -> None:
    member = tarfile.TarInfo(name)
    member.type, member.linkname = kind, link
    data = b"" if kind != tarfile.REGTYPE else f"contents of {name}".encode()
    member.size = len(data)
    tar.addfile(member, io.BytesIO(data) if data else None)


# name -> (the hostile member, whether extraction must refuse it rather than skip it)
CASES: dict[str, tuple[tuple[str, bytes, str], bool]] = {
    "dot-dot under the folder": (("package/data/../../escaped", tarfile.REGTYPE, ""), True),
    "absolute under the folder": (("/package/data/escaped", tarfile.REGTYPE, ""), True),
    "dot-dot elsewhere": (("../escaped", tarfile.REGTYPE, ""), False),
    "absolute elsewhere": (("/tmp/escaped", tarfile.REGTYPE, ""), False),
    "symlink out": (("package/data/link", tarfile.SYMTYPE, "/etc"), True),
    "hard link out": (("package/data/hard", tarfile.LNKTYPE, "/etc/passwd"), True),
    "device": (("package/data/null", tarfile.CHRTYPE, ""), True),
}


def run_case(scratch: Path, hostile: tuple[str, bytes, str], refused: bool) -> list[str]:
    tarball, inside, outside = scratch / "t.tgz", scratch / "inside", scratch / "outside"
    outside.mkdir()
    with tarfile.open(tarball, "w:gz") as tar:
        _add(tar, "package/data/good")
        _add(tar, "package/README.md")
        _add(tar, *hostile)
    problems = []
    try:
        extract_files(tarball, "package/data", inside)
        if refused:
            problems.append("extracted instead of refusing")
        elif sorted(p.name for p in inside.iterdir()) != ["good"]:
            problems.append(f"extracted {sorted(p.name for p in inside.iterdir())}")
    except UnsafeTarball as error:
        if not refused:
            problems.append(f"refused a tarball it should have skipped from: {error}")
        elif inside.exists() and any(inside.iterdir()):
            problems.append("wrote files before refusing")
    written = {p for p in scratch.rglob("*")} - {tarball, inside, outside}
    strays = [p for p in written if inside not in p.parents]
    if strays or any(Path(root).joinpath("escaped").exists() for root in ("/", "/tmp", "/etc")):
        problems.append(f"wrote outside the destination: {strays}")
    return problems


def main() -> int:
    failures = []
    for name, (hostile, refused) in CASES.items():
        with tempfile.TemporaryDirectory(prefix="loopcast-untar-") as scratch:
            failures += [
                f"{name}: {problem}" for problem in run_case(Path(scratch), hostile, refused)
            ]
    print(
        "\n".join(failures)
        or f"{len(CASES)} hostile tarballs held on Python {sys.version.split()[0]}"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
