"""`/embed/{panel}` in Chromium, as other slideware shows it: a plain page on another origin
iframes the live chart and sees a run's points arrive; a page whose origin is not in
`--frame-ancestors` is refused by the browser itself."""

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Frame, Page

from loopcast.api.embed import PANELS
from loopcast.data.datasets import missing_files
from loopcast.data.paths import default_data_dir
from support.live import LiveServer
from tests.browser.conftest import shot

# Pixels of the loss's colour, #d9480f at any opacity (its line, its band), in the frame.
LOSS_PIXELS = """() => {
  const canvas = document.querySelector('.lc-panel-mnist canvas')
  const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height)
  let count = 0
  for (let i = 0; i < data.length; i += 4) {
    if (Math.abs(data[i] - 217) < 8 && Math.abs(data[i + 1] - 72) < 8
        && Math.abs(data[i + 2] - 15) < 8 && data[i + 3] > 0) count++
  }
  return count
}"""
OPEN = "() => window.loopcast && loopcast.connection.state === 'open'"


class HostPage:
    """Someone else's slide: a plain HTML page on its own port, framing one loopcast URL."""

    def __init__(self) -> None:
        self.embed_url = ""
        page = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = (
                    "<!doctype html><title>my talk</title><body style='font-family: sans-serif; "
                    "background: #e7f5ff; margin: 24px'><h1>My talk, slide 3: it learns</h1>"
                    f"<iframe src='{page.embed_url}' width='720' height='405' "
                    "style='border: 1px solid #868e96'></iframe>"
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def hosts() -> Iterator[tuple[HostPage, HostPage]]:
    allowed, other = HostPage(), HostPage()
    yield allowed, other
    allowed.close()
    other.close()


@pytest.fixture(scope="module")
def embed_server(
    hosts: tuple[HostPage, HostPage], small_data: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """Real MNIST where fetched (a real curve for the screenshot), else the small data."""
    data = default_data_dir()
    data = small_data if missing_files(data, "mnist") else data
    flags = ["--frame-ancestors", hosts[0].origin]
    live = LiveServer(data, tmp_path_factory.mktemp("embed"), flags).start()
    for host in hosts:
        host.embed_url = f"{live.url}/embed/chart"
    yield live
    live.stop()


def embed_frame(page: Page) -> Frame:
    page.wait_for_selector("iframe")
    frame = page.frames[1]
    frame.wait_for_load_state()
    return frame


def test_a_page_on_an_allowed_origin_shows_the_live_chart(
    hosts: tuple[HostPage, HostPage], embed_server: LiveServer, new_page: Any
) -> None:
    page = new_page(800, 520)
    page.goto(hosts[0].origin)
    frame = embed_frame(page)
    frame.wait_for_function(OPEN, timeout=30_000)
    assert frame.locator(".lc-controls, .lc-train").count() == 0  # read-only: no Train form
    run = embed_server.start_run(epochs=1, batch_size=32, pace_s=12)
    this_run = f"loopcast.buffer.current === {run['id']}"
    frame.wait_for_function(f"() => {this_run} && loopcast.buffer.active.buckets.length > 5")
    frame.wait_for_function(f"() => ({LOSS_PIXELS})() > 200")
    # The chart fills the frame: its canvas ends within the frame's 405 px, and near its end.
    bottom = frame.evaluate(
        "() => document.querySelector('.lc-panel-mnist').getBoundingClientRect().bottom"
    )
    assert 330 < bottom < 406, bottom  # 405 and a fraction of a pixel at most
    shot(page, "embed-chart-in-a-plain-page")
    frame.wait_for_function("() => loopcast.buffer.active?.status === 'finished'", timeout=120_000)
    held = frame.evaluate("() => Array.from(loopcast.buffer.active.buckets.view('last_seq'))")
    assert held[-1] == embed_server.wait_run(run["id"])["last_seq"]


def test_a_page_on_another_origin_is_refused_by_the_browser(
    hosts: tuple[HostPage, HostPage], embed_server: LiveServer, new_page: Any
) -> None:
    page = new_page(800, 520)
    said: list[str] = []
    page.on("console", lambda message: said.append(message.text))
    answered: list[int] = []
    page.on("response", lambda response: answered.append(response.status))
    sockets: list[str] = []
    page.on("websocket", lambda socket: sockets.append(socket.url))
    page.goto(hosts[1].origin)
    frame = embed_frame(page)
    page.wait_for_function("() => true")  # let the frame's refusal be logged
    page.wait_for_timeout(1000)
    assert answered == [200, 200]  # loopcast answered the frame; the browser refused to show it
    assert not frame.url.startswith(embed_server.url), frame.url  # an error page instead
    assert any("frame-ancestors" in text and hosts[0].origin in text for text in said), said
    assert not sockets  # no loopcast code ran in the frame: no stream opened


def test_every_listed_panel_mounts(embed_server: LiveServer, new_page: Any) -> None:
    page = new_page(640, 360)
    for name in PANELS:
        page.goto(f"{embed_server.url}/embed/{name}")
        page.wait_for_selector("#lc-panel.lc-panel")
        assert page.locator("#lc-panel").inner_html(), name
    registry = page.evaluate(
        "() => import('/static/js/panels/index.js').then((m) => m.PANELS.map((p) => p.name))"
    )
    assert len(registry) == len(PANELS)  # every panel of the audience page can be embedded
