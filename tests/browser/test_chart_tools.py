"""The live charts' tools in Chromium against a real loopcast: smoothing, the log loss axis,
Save PNG, the REPLAY badge and button, the readout against an overlaid run."""

import base64
import struct
import time
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page

from support.live import LiveServer
from tests.browser.conftest import shot
from tests.browser.test_deck import open_presenter, wait_for

ENDED = "() => loopcast.buffer.active && loopcast.buffer.active.status === 'finished'"
CANVAS = ".lc-panel-mnist .lc-chart canvas"


def finished_run(server: LiveServer, **config: Any) -> dict[str, Any]:
    run = server.start_run(epochs=1, batch_size=16, **config)
    return server.wait_run(run["id"])


# The canvas two animation frames from now: the chart draws in a frame it asks for when
# something changes, and a frame asked for later runs after it.
AFTER_DRAW = f"""() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(
    () => done(document.querySelector('{CANVAS}').toDataURL()))))"""


def canvas_pixels(page: Page, timeout: float = 30) -> bytes:
    """The loss chart's canvas as drawn (its PNG data URL), once two reads a couple of frames
    apart agree: a slow machine may not have drawn by the first."""
    deadline = time.monotonic() + timeout
    last: str = page.evaluate(AFTER_DRAW)
    while (now := page.evaluate(AFTER_DRAW)) != last:
        assert time.monotonic() < deadline, "the chart kept changing"
        last = now
    return now.encode()


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", data[:8]
    width, height = struct.unpack(">II", data[16:24])  # IHDR: the first chunk
    return width, height


def test_the_smoothing_slider_changes_the_drawn_curve_and_is_kept_for_the_tab(
    deck_server: LiveServer, new_page: Any
) -> None:
    finished_run(deck_server)
    page = new_page()
    open_presenter(page, deck_server, 5)
    wait_for(page, ENDED)
    slider = page.locator(".lc-panel-mnist .lc-smoothing")
    assert slider.input_value() == "0.6"  # TensorBoard's default
    default = canvas_pixels(page)
    slider.fill("0")
    assert page.locator(".lc-smoothing-value").inner_text() == "0.00"
    raw = canvas_pixels(page)
    slider.fill("0.95")
    smooth = canvas_pixels(page)
    assert len({default, raw, smooth}) == 3  # each weight draws another curve
    shot(page, "tools-smoothing-0.95")
    page.reload()
    wait_for(page, ENDED)
    assert page.locator(".lc-panel-mnist .lc-smoothing").input_value() == "0.95"
    assert canvas_pixels(page) == smooth  # the same curve after a reload: kept for the tab
    other = new_page()  # another tab starts from the default
    open_presenter(other, deck_server, 5)
    assert other.locator(".lc-panel-mnist .lc-smoothing").input_value() == "0.6"


def test_the_log_toggle_redraws_the_loss_axis_and_is_kept_on_the_phone(
    deck_server: LiveServer, new_page: Any
) -> None:
    finished_run(deck_server)
    phone = new_page(412, 915)
    phone.goto(f"{deck_server.url}/watch")
    wait_for(phone, ENDED)
    before = canvas_pixels(phone)
    phone.check(".lc-panel-mnist .lc-log")
    phone.wait_for_selector(".lc-panel-mnist .lc-chart.lc-log-axis")
    assert canvas_pixels(phone) != before
    shot(phone, "tools-log-phone")
    phone.reload()
    wait_for(phone, ENDED)
    assert phone.locator(".lc-panel-mnist .lc-log").is_checked()
    phone.uncheck(".lc-panel-mnist .lc-log")
    assert canvas_pixels(phone) == before


def saved_png(page: Page, path: Path) -> bytes:
    """Clicks the MNIST chart's Save PNG; the downloaded file's bytes."""
    with page.expect_download() as download:
        page.click(".lc-panel-mnist .lc-save-png")
    assert download.value.suggested_filename == "loopcast-mnist-loss.png"
    download.value.save_as(path)
    return path.read_bytes()


def plot_size(page: Page) -> tuple[int, int]:
    """CSS pixels of the plot as laid out (the deck scales its slides: not the screen's)."""
    width, height = page.evaluate(
        f"() => ['clientWidth', 'clientHeight'].map((k) => document.querySelector('{CANVAS}')[k])"
    )
    return width, height


def test_save_png_downloads_the_chart_at_twice_its_size_on_any_screen(
    deck_server: LiveServer, new_page: Any, browser: Browser, tmp_path: Path
) -> None:
    finished_run(deck_server)
    page = new_page()
    open_presenter(page, deck_server, 5)
    wait_for(page, ENDED)
    saved = saved_png(page, tmp_path / "deck.png")
    width, height = png_size(saved)
    plot_width, plot_height = plot_size(page)
    assert width == 2 * plot_width
    assert height > 2 * plot_height  # the plot, then its legend and caption
    page.set_content(f"<img src='data:image/png;base64,{base64.b64encode(saved).decode()}'>")
    shot(page, "tools-saved-png")
    # A phone whose screen already has 3 device pixels per CSS pixel: still 2x, not 6x.
    phone = browser.new_page(viewport={"width": 412, "height": 915}, device_scale_factor=3)
    try:
        phone.goto(f"{deck_server.url}/watch")
        wait_for(phone, ENDED)
        assert png_size(saved_png(phone, tmp_path / "phone.png"))[0] == 2 * plot_size(phone)[0]
    finally:
        phone.close()


def test_replay_is_offered_badged_on_deck_and_phone_and_stops(
    deck_server: LiveServer, new_page: Any
) -> None:
    original = finished_run(deck_server, pace_s=6)  # long enough to stop its replay
    presenter, phone = new_page(), new_page(412, 915)
    open_presenter(presenter, deck_server, 5)
    phone.goto(f"{deck_server.url}/watch")
    wait_for(presenter, ENDED)
    replay = presenter.locator(".lc-replay-button")
    wait_for(presenter, "() => !document.querySelector('.lc-replay-button').disabled")
    assert replay.get_attribute("title") == f"Replay run {original['id']}"  # the newest finished
    speed = presenter.locator(".lc-controls input[name=speed]")
    assert (speed.get_attribute("min"), speed.get_attribute("max")) == ("1", "100")  # the server's
    speed.fill("2")
    replay.click()
    badge = f"REPLAY of run {original['id']}, \N{MULTIPLICATION SIGN}2"
    for page in (presenter, phone):
        page.wait_for_function(
            "(text) => document.querySelector('.lc-panel-mnist .lc-replay')?.textContent === text",
            arg=badge,
        )
    assert presenter.locator(".lc-panel-mnist .lc-replay").is_visible()
    shot(presenter, "tools-replay-badge-deck")
    shot(phone, "tools-replay-badge-phone")
    presenter.click(".lc-stop")
    wait_for(presenter, "() => loopcast.buffer.active.status === 'stopped'")
    replayed = presenter.evaluate("() => loopcast.buffer.current")
    finished_run(deck_server)  # the picker lists runs other than the current one
    option = phone.locator(f".lc-overlay option[value='{replayed}']")
    option.wait_for(state="attached")
    assert badge in option.inner_text()  # the run picker marks it too


def test_an_overlaid_run_gives_a_live_difference_readout(
    deck_server: LiveServer, new_page: Any
) -> None:
    earlier = finished_run(deck_server, lr=0.0003)
    finished_run(deck_server)
    page = new_page()
    open_presenter(page, deck_server, 5)
    wait_for(page, ENDED)
    page.wait_for_selector(f".lc-overlay option[value='{earlier['id']}']", state="attached")
    page.select_option(".lc-overlay", str(earlier["id"]))
    page.wait_for_function(
        "() => /^vs run \\d+ at batch \\d+: [+\N{MINUS SIGN}±]\\d\\.\\d{3} loss/"
        ".test(document.querySelector('.lc-baseline').textContent)"
    )
    assert page.locator(".lc-baseline").inner_text().startswith(f"vs run {earlier['id']} at batch")
    shot(page, "tools-baseline-readout")
