"""The QR moment in Chromium (issue 20): a phone's first view of the built audience page is a
handful of small requests, and a reload fetches the page's HTML and none of its files.
Screenshots at 412x915 carry the figures, drawn over the page as DevTools would list them."""

from typing import Any

from playwright.sync_api import Page

from support.live import REPO, LiveServer
from support.pageweight import Load, measure
from tests.browser.conftest import shot

FIRST_CHART = ".lc-panel-mnist canvas"
MAX_BYTES, MAX_REQUESTS = 60_000, 6  # the targets for the first view
FIGURES = """([title, lines]) => {
  document.getElementById('lc-figures')?.remove()
  const box = document.createElement('pre')
  box.id = 'lc-figures'
  box.style.cssText = 'position:fixed;left:0;right:0;bottom:0;margin:0;padding:8px;z-index:9;' +
    'background:rgba(20,20,20,.88);color:#fff;font:12px/1.4 monospace;white-space:pre-wrap'
  box.textContent = [title, ...lines].join('\\n')
  document.body.append(box)
}"""


def draw(page: Page, title: str, load: Load) -> None:
    page.evaluate(FIGURES, [f"{title}: {load.summary()}", [f.label for f in load.fetches]])


def test_first_view_is_small_and_a_reload_is_the_html_alone(
    deck_server: LiveServer, new_page: Any
) -> None:
    phone = new_page(412, 915)
    first = measure(phone, lambda: phone.goto(f"{deck_server.url}/watch"), FIRST_CHART)
    files = [fetch for fetch in first.network if not fetch.path.startswith("/api/")]
    assert files[0].path == "/watch"
    assert all(fetch.path.startswith("/static/dist/assets/") for fetch in files[1:]), files
    assert all(fetch.encoding for fetch in files if fetch.path.endswith((".js", ".css"))), files
    assert len(first.network) <= MAX_REQUESTS and first.bytes <= MAX_BYTES, first.summary()
    # The digit pad's model and the mistakes are chunks of their own, fetched when a phone
    # first shows them.
    for chunk in ("digit", "mistakes"):
        assert list((REPO / "static" / "dist" / "assets").glob(f"{chunk}-*.js")), chunk
        assert not [f for f in files if f"/{chunk}-" in f.path], files
    draw(phone, "first view", first)
    shot(phone, "qr-first-view")

    again = measure(phone, phone.reload, FIRST_CHART)
    fetched = [fetch.path for fetch in again.network if not fetch.path.startswith("/api/")]
    assert fetched == ["/watch"], again.fetches  # the page's files all came from the cache
    assert {fetch.path for fetch in again.fetches if fetch.cached} >= {f.path for f in files[1:]}
    draw(phone, "after reload", again)
    shot(phone, "qr-after-reload")
