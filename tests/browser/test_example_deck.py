"""The example deck (examples/minimal), built on the packed addon as an outsider would, served
by loopcast: Train on its slide draws points on its chart, and the audience page follows it."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from support.live import REPO, TOKEN, LiveServer
from tests.browser.conftest import shot
from tests.browser.test_chart_tools import canvas_pixels
from tests.browser.test_deck import wait_for

EXAMPLE = REPO / "examples" / "minimal" / "dist"
OPEN = "() => window.loopcast && loopcast.connection.state === 'open'"


@pytest.fixture(scope="module")
def example_server(
    small_data: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    if not (EXAMPLE / "index.html").exists():
        pytest.fail(f"the example deck is not built in {EXAMPLE}: run scripts/setup")
    live = LiveServer(
        small_data, tmp_path_factory.mktemp("example"), LOOPCAST_DECK_DIR=str(EXAMPLE)
    ).start()
    yield live
    live.stop()


def test_train_on_the_example_deck_draws_points(example_server: LiveServer, new_page: Any) -> None:
    page = new_page(1280, 720)
    page.goto(f"{example_server.url}/?token={TOKEN}#/2")
    wait_for(page, OPEN)
    page.wait_for_selector(".lc-panel-mnist .lc-chart canvas")
    # <TrainForm> and <LiveChart> apart: the form in a panel of its own, the chart without one.
    page.wait_for_selector(".lc-panel-mnist-form .lc-controls input[name=epochs]")
    assert page.locator(".lc-panel-mnist .lc-controls").count() == 0
    empty = canvas_pixels(page)
    page.fill(".lc-controls input[name=epochs]", "2")
    page.fill(".lc-controls input[name=pace_s]", "8")  # still running at the reads below
    page.click(".lc-train")
    wait_for(page, "() => loopcast.buffer.active && loopcast.buffer.active.series.length > 20")
    assert canvas_pixels(page) != empty  # the points are on the chart, not only in the buffer
    shot(page, "example-deck-mid-run")
    wait_for(page, "() => loopcast.buffer.active.status === 'finished'")
    # The form alone still offers Replay of the run just finished.
    page.wait_for_selector(".lc-panel-mnist-form .lc-replay-button", state="visible")


def test_the_audience_follows_the_example_deck(example_server: LiveServer, new_page: Any) -> None:
    audience = new_page(412, 915)
    audience.goto(f"{example_server.url}/watch")
    wait_for(audience, OPEN)
    presenter = new_page()
    presenter.goto(f"{example_server.url}/?token={TOKEN}#/3")
    audience.wait_for_selector(".lc-panel-progress", timeout=30_000)
    presenter.keyboard.press("ArrowLeft")
    audience.wait_for_selector(".lc-panel-mnist", timeout=30_000)
    shot(audience, "example-audience-follows")
    # The title slide's QR code leads to this audience page.
    presenter.goto(f"{example_server.url}/#/1")
    qr = presenter.locator(".audience-qr").first
    assert qr.inner_text() == f"{example_server.url}/watch"
