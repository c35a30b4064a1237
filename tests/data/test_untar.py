"""The npm tarball's extraction on every Python we support, Debian 12's 3.11.2 included."""

import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from loopcast.data.untar import UnsafeTarball, extract_files

REPO = Path(__file__).resolve().parents[2]
DEBIAN_PYTHON = Path("/usr/bin/python3")
PYTHONS = [pytest.param(sys.executable, id="venv")]
if DEBIAN_PYTHON.is_file():
    PYTHONS.append(pytest.param(str(DEBIAN_PYTHON), id="debian"))


@pytest.mark.parametrize("python", PYTHONS)
def test_hostile_tarballs_write_nothing_outside_the_scratch_folder(python: str) -> None:
    result = subprocess.run(
        [python, str(REPO / "tests" / "data" / "hostile_tarballs.py")],
        env={**os.environ, "PYTHONPATH": f"{REPO}{os.pathsep}{REPO / 'src'}"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "hostile tarballs held" in result.stdout


def test_debian_python_is_the_one_without_tarfile_filter() -> None:
    """The parametrisation above is worth its name only if Debian's python3 lacks `filter=`."""
    if not DEBIAN_PYTHON.is_file():
        pytest.skip("no /usr/bin/python3 here")
    probe = "import tarfile, sys; sys.exit(hasattr(tarfile, 'data_filter'))"
    assert subprocess.run([str(DEBIAN_PYTHON), "-c", probe], check=False).returncode == 0


def test_the_files_keep_their_layout_and_bytes(tmp_path: Path) -> None:
    source = tmp_path / "package" / "data"
    (source / "nested").mkdir(parents=True)
    (source / "a").write_bytes(b"a" * 3_000_000)  # more than one copy chunk
    (source / "nested" / "b").write_bytes(b"b")
    with tarfile.open(tmp_path / "t.tgz", "w:gz") as tar:
        tar.add(tmp_path / "package", arcname="package")
    out = extract_files(tmp_path / "t.tgz", "package/data", tmp_path / "out")
    assert (out / "a").read_bytes() == b"a" * 3_000_000
    assert (out / "nested" / "b").read_bytes() == b"b"


def test_a_refusal_names_the_member(tmp_path: Path) -> None:
    with tarfile.open(tmp_path / "t.tar", "w") as tar:
        link = tarfile.TarInfo("package/data/link")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
        tar.addfile(link)
    with pytest.raises(UnsafeTarball, match=r"'package/data/link': not a regular file"):
        extract_files(tmp_path / "t.tar", "package/data", tmp_path / "out")
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
