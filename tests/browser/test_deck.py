"""The deck and the audience page in Chromium against a real loopcast: what people see."""

import json
import re
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, Route, WebSocketRoute

from loopcast.data.synthetic import write_synthetic_dataset
from support.live import TOKEN, LiveServer
from tests.browser.conftest import STREAM, shot, stream_routes

STATE = """() => {
  const r = loopcast.buffer.active
  return r && {
    id: r.id, status: r.status, n: r.series.length, epochs: r.epochs.length,
    seq: Array.from(r.series.view('seq')), loss: Array.from(r.series.view('loss')),
  }
}"""


def live_run(page: Page) -> dict[str, Any] | None:
    state: dict[str, Any] | None = page.evaluate(STATE)
    return state


def wait_for(page: Page, predicate: str, timeout: float = 60) -> None:
    page.wait_for_function(predicate, timeout=timeout * 1000)


def open_presenter(page: Page, server: LiveServer, slide: int) -> None:
    page.goto(f"{server.url}/?token={TOKEN}#/{slide}")
    wait_for(page, "() => window.loopcast && loopcast.connection.state === 'open'")


def test_presenter_trains_and_the_audience_sees_the_same_points(
    deck_server: LiveServer, new_page: Any
) -> None:
    presenter = new_page()
    audience = new_page(412, 915)  # a phone
    open_presenter(presenter, deck_server, 5)
    assert "token" not in presenter.url  # moved to sessionStorage, out of the address bar
    audience.goto(f"{deck_server.url}/watch")
    wait_for(audience, "() => window.loopcast && loopcast.connection.state === 'open'")

    presenter.fill(".lc-controls input[name=epochs]", "3")
    # Paced to 8 s, not the slide's 20: unpaced, these few batches could all be drawn before
    # the first read below on a slow machine, and the chart would seem not to grow.
    presenter.fill(".lc-controls input[name=pace_s]", "8")
    presenter.click(".lc-train")
    wait_for(presenter, "() => loopcast.buffer.active && loopcast.buffer.active.series.length > 20")
    first = live_run(presenter)
    shot(presenter, "deck-mnist-training")
    wait_for(presenter, "() => loopcast.buffer.active.status === 'finished'")
    wait_for(
        audience, "() => loopcast.buffer.active && loopcast.buffer.active.status === 'finished'"
    )
    final, watched = live_run(presenter), live_run(audience)
    assert first is not None and final is not None and watched is not None
    assert final["n"] > first["n"] > 20  # the chart gained points while training
    details = deck_server.http.get(f"/api/runs/{final['id']}").json()
    assert final["seq"] == details["points"]["seq"]
    # The phone streams the envelope: buckets that cover the same points, each once.
    first_seq, last_seq = audience.evaluate(
        "() => ['first_seq', 'last_seq']"
        ".map((c) => Array.from(loopcast.buffer.active.buckets.view(c)))"
    )
    assert first_seq[0] == 1 and last_seq[-1] == details["last_seq"]
    assert first_seq[1:] == [last + 1 for last in last_seq[:-1]]
    assert final["epochs"] == 3
    # The phone gets the newest epoch of each of its wakes (4 a second): on this small
    # data epochs can end faster, so it may miss one in between, never the last.
    phone_epochs = audience.evaluate("() => loopcast.buffer.active.epochs.map((e) => e.epoch)")
    assert phone_epochs == sorted(set(phone_epochs)) and phone_epochs[-1] == 3
    assert watched["epochs"] == len(phone_epochs)
    assert presenter.locator(".lc-check").inner_text().startswith("After epoch 3")
    shot(presenter, "deck-mnist-finished")
    audience.wait_for_selector(".lc-panel-mnist")
    shot(audience, "audience-mnist-finished")


def test_the_audience_cannot_train(deck_server: LiveServer, new_page: Any) -> None:
    audience = new_page(412, 915)
    audience.goto(f"{deck_server.url}/watch")
    audience.wait_for_selector(".lc-panel-mnist")
    assert audience.locator(".lc-train").count() == 0
    assert audience.locator(".lc-stop").count() == 0
    status = audience.evaluate(
        "async () => (await fetch('/api/runs', {method: 'POST', headers: "
        "{'Content-Type': 'application/json'}, body: '{}'})).status"
    )
    assert status == 401
    deck = new_page()
    deck.goto(f"{deck_server.url}/#/5")  # the deck without the presenter token
    deck.wait_for_selector(".lc-panel-mnist")
    assert deck.locator(".lc-train").count() == 0


def wait_for_all(page: Page, selector: str, count: int, suffix: str) -> None:
    """Until `count` elements match, each with a text ending in `suffix` (`every` is true of
    none: a panel not drawn yet)."""
    page.wait_for_function(
        "([selector, count, suffix]) => {"
        " const found = [...document.querySelectorAll(selector)];"
        " return found.length === count && found.every(e => e.textContent.endsWith(suffix)) }",
        arg=[selector, count, suffix],
    )


def test_every_live_slide_renders_with_data(deck_server: LiveServer, new_page: Any) -> None:
    run = deck_server.start_run(epochs=2)
    deck_server.wait_run(run["id"])
    page = new_page()
    # Each panel asks the worker for its data: on a busy machine that takes a while.
    page.set_default_timeout(120_000)
    open_presenter(page, deck_server, 2)
    wait_for_all(page, ".lc-panel-overview .lc-ms", 5, " ms")
    assert page.locator(".lc-panel-overview .lc-step").count() == 5
    shot(page, "deck-2-overview")

    page.goto(f"{deck_server.url}/#/3")
    page.wait_for_function(
        "() => document.querySelectorAll('.lc-panel-dataloader canvas').length === 64"
    )
    shapes = page.locator(".lc-shapes").inner_text()
    assert "(64, 1, 28, 28)" in shapes and "(64,)" in shapes
    labels_before = page.locator(".lc-batch figcaption").all_inner_texts()
    page.click(".lc-panel-dataloader .lc-button")
    page.wait_for_function(
        "() => document.querySelector('.lc-shapes').textContent.endsWith('batch 1')"
    )
    assert page.locator(".lc-batch figcaption").all_inner_texts() != labels_before
    shot(page, "deck-3-dataloader")

    page.goto(f"{deck_server.url}/#/4")
    wait_for_all(page, ".lc-mode strong", 2, "%")
    assert page.locator(".lc-mode").count() == 2
    shot(page, "deck-4-modes")

    page.goto(f"{deck_server.url}/#/6")
    page.wait_for_function(
        "() => document.querySelector('.lc-panel-progress .lc-note')"
        "?.textContent.startsWith('2 epoch')"
    )
    assert page.locator(".lc-panel-progress canvas").count() == 2
    shot(page, "deck-6-progress")

    page.goto(f"{deck_server.url}/#/7")
    page.wait_for_selector(".lc-device")
    device = page.locator(".lc-panel-gpu").inner_text()
    assert "CPU" in device and "No GPU on this server" in device
    assert re.search(r"samples/s", device)
    shot(page, "deck-7-gpu")


def test_the_audience_follows_the_presenters_slide(deck_server: LiveServer, new_page: Any) -> None:
    audience = new_page(412, 915)
    audience.goto(f"{deck_server.url}/watch")
    audience.wait_for_selector(".lc-panel")
    presenter = new_page()
    open_presenter(presenter, deck_server, 4)
    audience.wait_for_selector(".lc-panel-modes")
    presenter.keyboard.press("ArrowRight")  # the v-click on slide 4 comes first on slide 5
    audience.wait_for_selector(".lc-panel-mnist", timeout=30_000)
    presenter.goto(f"{deck_server.url}/#/3")
    audience.wait_for_selector(".lc-panel-dataloader", timeout=30_000)
    shot(audience, "audience-follows-dataloader")


def test_a_dropped_websocket_resumes_without_gap_or_duplicate(
    deck_server: LiveServer, new_page: Any
) -> None:
    page = new_page()
    routes = stream_routes(page)
    open_presenter(page, deck_server, 5)
    run = deck_server.start_run(epochs=6)
    wait_for(page, "() => loopcast.buffer.active && loopcast.buffer.active.series.length > 30")
    routes[-1].close(code=1012, reason="server restarting")  # the server side goes away
    wait_for(page, "() => loopcast.connection.state === 'reconnecting'", timeout=10)
    shot(page, "deck-reconnecting-banner")
    wait_for(page, "() => loopcast.connection.state === 'open'", timeout=20)
    assert len(routes) >= 2
    wait_for(page, "() => loopcast.buffer.active.status === 'finished'", timeout=120)
    state = live_run(page)
    assert state is not None and state["id"] == run["id"]
    details = deck_server.http.get(f"/api/runs/{run['id']}").json()
    assert state["seq"] == list(range(1, details["last_seq"] + 1))
    assert state["loss"] == details["points"]["loss"]
    shot(page, "deck-resumed")


def race_result() -> dict[str, Any]:
    """What `POST /api/demo/race` answers on a GPU server (protocol.md), with made-up rates."""

    def leg(device: str, name: str, rate: float) -> dict[str, Any]:
        times = [0.05 * (i + 1) for i in range(60)]
        return {
            "device": device,
            "name": name,
            "curve": {"t": times, "samples": [round(rate * t) for t in times], "loss": [0.3] * 60},
            "samples_per_s": rate,
        }

    return {
        "model": "mlp",
        "batch_size": 64,
        "seconds": 3.0,
        "devices": [leg("cpu", "CPU (15 threads)", 50_000.0), leg("cuda", "A GPU", 400_000.0)],
        "speedup": 8.0,
    }


def test_the_gpu_slide_races_when_the_server_has_a_gpu(
    deck_server: LiveServer, new_page: Any
) -> None:
    """No GPU here: the browser is told the server has one (its status on the stream) and the
    race answer is the documented JSON, so what is checked is the slide, not the GPU."""
    race = race_result()
    posts: list[str | None] = []

    def gpu_server(route: WebSocketRoute) -> None:
        server = route.connect_to_server()

        def forward(message: str | bytes) -> None:
            data = json.loads(message)
            if isinstance(data.get("server"), dict):
                data["server"].update(cuda_available=True, device="cuda", device_name="A GPU")
            route.send(json.dumps(data))

        server.on_message(forward)

    def race_api(route: Route) -> None:
        if route.request.method == "POST":
            posts.append(route.request.headers.get("authorization"))
            route.fulfill(json=race)
        elif posts:
            route.fulfill(json=race)
        else:
            route.fulfill(status=404, json={"detail": "no race yet"})

    audience = new_page(412, 915)
    presenter = new_page()
    for page in (audience, presenter):
        page.route_web_socket(STREAM, gpu_server)
        page.route(re.compile(r".*/api/demo/race$"), race_api)
    audience.goto(f"{deck_server.url}/watch")
    open_presenter(presenter, deck_server, 7)
    presenter.wait_for_selector(".lc-panel-gpu .lc-race:not([disabled])")
    assert "No GPU" not in presenter.locator(".lc-panel-gpu").inner_text()
    presenter.click(".lc-panel-gpu .lc-race")
    caption = "A GPU trained 8.0\u00d7 as many samples per second as CPU (15 threads)"
    presenter.wait_for_function(
        "(text) => document.querySelector('.lc-race-box .lc-note')?.textContent.startsWith(text)",
        arg=caption,
    )
    assert posts == [f"Bearer {TOKEN}"]
    assert presenter.locator(".lc-race-box canvas").count() >= 1
    shot(presenter, "deck-7-gpu-race")
    # The audience follows to the GPU slide and sees the same race, with no button.
    audience.wait_for_function(
        "(text) => document.querySelector('.lc-race-box .lc-note')?.textContent.startsWith(text)",
        arg=caption,
        timeout=30_000,
    )
    assert audience.locator(".lc-race").count() == 0
    shot(audience, "audience-gpu-race")


def test_a_dataset_the_server_lacks_is_greyed_out_with_the_reason(
    make_server: Any, tmp_path: Path, new_page: Any
) -> None:
    mnist_only = tmp_path / "mnist-only"
    write_synthetic_dataset(mnist_only, "mnist", train=500, test=100, seed=1)
    server = make_server(data_dir=mnist_only)
    presenter = new_page()
    open_presenter(presenter, server, 5)
    fashion = presenter.locator(".lc-controls select[name=dataset] option[value='fashion-mnist']")
    fashion.and_(presenter.locator("[disabled]")).wait_for(state="attached", timeout=30_000)
    assert fashion.inner_text() == "fashion-mnist (not installed)"
    assert "apt-get install dataset-fashion-mnist" in (fashion.get_attribute("title") or "")
    mnist = presenter.locator(".lc-controls select[name=dataset] option[value='mnist']")
    assert not mnist.is_disabled()
