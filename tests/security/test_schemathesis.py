"""Check 4: every HTTP endpoint fuzzed from the OpenAPI schema: no 5xx but the documented
warm-up 503, and every answer is one the schema documents."""

import subprocess
import sys
from pathlib import Path

import pytest

from support.live import TOKEN, LiveServer

pytestmark = pytest.mark.slow

# Allows a 503 only as its routes document it (with Retry-After and its body).
CONFIG = Path(__file__).with_name("schemathesis.toml")


def test_schemathesis_finds_nothing(server: LiveServer) -> None:
    st = Path(sys.executable).parent / "st"
    result = subprocess.run(
        [
            str(st),
            "--config-file",
            str(CONFIG),
            "run",
            f"{server.url}/openapi.json",
            "--header",
            f"Authorization: Bearer {TOKEN}",
            "--checks",
            "all",
            # Starlette answers 405 with the Allow header of one route per path, not all of
            # them (GET and POST /api/runs are two routes): a known framework limitation.
            "--exclude-checks",
            "unsupported_method,allow_header_conformance",
            "--max-examples",
            "25",
            "--no-color",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:]
    assert "Server error" not in result.stdout
