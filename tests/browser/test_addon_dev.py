"""Writing a talk: the example deck on Slidev's dev server (`slidev dev`) against a loopcast
on another port. The addon's Vite config proxies /api, /openapi.json and /ws to it
(LOOPCAST_URL), so the deck needs no setting and loopcast's origin check no exception."""

import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from support.live import REPO, TOKEN, LiveServer, free_port
from tests.browser.test_addon_remote import train_one_epoch
from tests.browser.test_deck import wait_for

EXAMPLE = REPO / "examples" / "minimal"


@pytest.fixture(scope="module")
def dev_deck(
    small_data: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[LiveServer, str]]:
    slidev = EXAMPLE / "node_modules" / ".bin" / "slidev"
    if not slidev.exists():
        pytest.fail(f"the example deck's packages are not in {EXAMPLE}: run scripts/setup")
    loopcast = LiveServer(small_data, tmp_path_factory.mktemp("loopcast")).start()
    port = free_port()
    env = {
        **os.environ,
        "PATH": f"{REPO / 'node_modules' / '.bin'}:{os.environ['PATH']}",
        "LOOPCAST_URL": loopcast.url,
    }
    dev = subprocess.Popen(
        [slidev, "--port", str(port), "--open", "false"],
        cwd=EXAMPLE,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://localhost:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=5).status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.5)
    yield loopcast, url
    dev.terminate()
    dev.wait(20)
    loopcast.stop()


def test_a_deck_on_slidev_dev_trains_on_loopcast(
    dev_deck: tuple[LiveServer, str], new_page: Any
) -> None:
    loopcast, url = dev_deck
    page = new_page()
    page.set_default_timeout(180_000)  # a cold dev server compiles and may reload once
    page.goto(f"{url}/?token={TOKEN}#/2")
    wait_for(page, "() => window.loopcast && loopcast.connection.state === 'open'", timeout=180)
    train_one_epoch(page, loopcast)  # the form's defaults came through the proxy
