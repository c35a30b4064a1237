"""Debian's Chromium driven by Playwright, against a real loopcast serving the built deck."""

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, WebSocketRoute, sync_playwright

from loopcast.data.datasets import missing_files
from loopcast.data.paths import default_data_dir
from support.live import REPO, LiveServer

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
STREAM = re.compile(r".*/ws(\?.*)?$")  # loopcast's WebSocket, with or without a query


# Module scope: Playwright's sync API holds an event loop open while the browser lives,
# and later tests call asyncio.run, which refuses to nest inside it.
@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            "Debian's chromium is missing: run scripts/setup --test (apt-get install chromium)"
        )
    for built in ("slides/dist/index.html", "static/dist/watch.html"):  # the deck, the page
        if not (REPO / built).exists():
            pytest.fail(f"no {built}: run scripts/setup (cd slides && npm run build)")
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


def stream_routes(page: Page) -> list[WebSocketRoute]:
    """Every WebSocket the page opens to /ws goes through to the server, its route kept in the
    list (in order), so a test can close the server side: `routes[-1].close(code=1012)`."""
    routes: list[WebSocketRoute] = []

    def through(route: WebSocketRoute) -> None:
        route.connect_to_server()
        routes.append(route)

    page.route_web_socket(STREAM, through)
    return routes


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


@pytest.fixture(scope="module")
def deck_server(small_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = LiveServer(small_data, tmp_path_factory.mktemp("deck")).start()
    yield live
    live.stop()


@pytest.fixture(scope="module")
def real_data_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, str]]:
    """A loopcast on real MNIST (else Fashion-MNIST) from the user's data folder, and that
    dataset's name: real loss curves for screenshots. Skipped where neither was fetched."""
    data = default_data_dir()
    found = [name for name in ("mnist", "fashion-mnist") if not missing_files(data, name)]
    if not found:
        pytest.skip(f"no real dataset in {data}: run `loopcast data fetch`")
    live = LiveServer(data, tmp_path_factory.mktemp("real")).start()
    yield live, found[0]
    live.stop()
