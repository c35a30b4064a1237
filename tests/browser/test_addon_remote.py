"""A deck built with the addon and served from elsewhere (its own port, a plain file server)
whose headmatter names loopcast (`loopcast: { url }`): its panels stream from and train on
that loopcast, which lets the deck's origin in (LOOPCAST_ALLOWED_ORIGINS)."""

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page
from websockets.sync.client import connect

from support.live import REPO, TOKEN, LiveServer, free_port
from tests.browser.test_deck import wait_for

MODULES = REPO / "examples" / "minimal" / "node_modules"
DECK = """---
addons:
  - loopcast
loopcast:
  url: {url}
routerMode: hash
fonts:
  provider: none
---

# Elsewhere

<AudienceQr />

---
panel: mnist
---

<LiveTraining :chart-height="200" />
"""


def build(folder: Path, loopcast_url: str) -> Path:
    """The deck above, built with the example deck's packages (the packed addon among them)."""
    (folder / "slides.md").write_text(DECK.format(url=loopcast_url))
    (folder / "node_modules").symlink_to(MODULES)
    env = {**os.environ, "PATH": f"{REPO / 'node_modules' / '.bin'}:{os.environ['PATH']}"}
    subprocess.run(
        [MODULES / ".bin" / "slidev", "build", "slides.md", "--base", "/", "--out", "dist"],
        cwd=folder,
        env=env,
        check=True,
        capture_output=True,
        timeout=600,
    )
    return folder / "dist"


def train_one_epoch(page: Page, loopcast: LiveServer) -> None:
    """Train from the deck's slide with the Train form (its defaults came from `loopcast`),
    until the run ends; it is the one run `loopcast` has."""
    page.fill(".lc-controls input[name=epochs]", "1")
    page.click(".lc-train")
    wait_for(page, "() => loopcast.buffer.active && loopcast.buffer.active.status === 'finished'")
    runs = loopcast.http.get("/api/runs").json()["runs"]
    assert [run["status"] for run in runs] == ["finished"]


@pytest.fixture(scope="module")
def remote_deck(
    small_data: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[LiveServer, str]]:
    if not (MODULES / "slidev-addon-loopcast").exists():
        pytest.fail(f"the example deck's packages are not in {MODULES}: run scripts/setup")
    deck_url = f"http://127.0.0.1:{free_port()}"
    loopcast = LiveServer(
        small_data,
        tmp_path_factory.mktemp("loopcast"),
        LOOPCAST_ALLOWED_ORIGINS=f'["{deck_url}"]',
    )
    dist = build(tmp_path_factory.mktemp("deck"), loopcast.url)
    files = subprocess.Popen(
        [sys.executable, "-m", "http.server", deck_url.rsplit(":", 1)[1], "--bind", "127.0.0.1"],
        cwd=dist,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    loopcast.start()
    yield loopcast, deck_url
    loopcast.stop()
    files.terminate()
    files.wait()


def test_a_deck_served_elsewhere_trains_on_the_loopcast_it_names(
    remote_deck: tuple[LiveServer, str], new_page: Any
) -> None:
    loopcast, deck_url = remote_deck
    page = new_page()
    page.goto(f"{deck_url}/?token={TOKEN}#/1")
    wait_for(page, "() => window.loopcast && loopcast.connection.state === 'open'")
    # The QR code sends phones to loopcast's audience page, not to the deck's server.
    assert page.locator(".audience-qr").first.inner_text() == f"{loopcast.url}/watch"
    page.goto(f"{deck_url}/?token={TOKEN}#/2")
    train_one_epoch(page, loopcast)
    # The presenter's slide reached loopcast too: the audience page follows this deck.
    with connect(loopcast.ws_url, open_timeout=10) as stream:
        snapshot = json.loads(stream.recv(timeout=10))
    assert snapshot["slide"] == {"page": 2, "panel": "mnist"}
