"""Debian's Chromium driven by Playwright, against a real loopcast serving the built deck."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.live import REPO, LiveServer

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOTS = REPO / "test-artifacts" / "screenshots"


# Module scope: Playwright's sync API holds an event loop open while the browser lives,
# and later tests call asyncio.run, which refuses to nest inside it.
@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            "Debian's chromium is missing: run scripts/setup --test (apt-get install chromium)"
        )
    if not (REPO / "slides" / "dist" / "index.html").exists():
        pytest.fail("the deck is not built: run scripts/setup (cd slides && npm run build)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser: Browser) -> Iterator[type[Page]]:
    """`new_page(width, height)`; an uncaught script error in any page fails the test."""
    pages: list[tuple[Page, list[str]]] = []

    def make(width: int = 1280, height: int = 720) -> Page:
        page = browser.new_page(viewport={"width": width, "height": height})
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        pages.append((page, errors))
        return page

    yield make  # type: ignore[misc]
    for page, errors in pages:
        page.close()
        assert not errors, errors


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


@pytest.fixture(scope="module")
def deck_server(small_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = LiveServer(small_data, tmp_path_factory.mktemp("deck")).start()
    yield live
    live.stop()
