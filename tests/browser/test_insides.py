"""Looking inside the model in Chromium, against a real loopcast on real MNIST: a 7 drawn
with mouse strokes on a phone is read by the trained model's forward pass on the phone; the
confusion heat map and the gallery of mistakes render; a learning rate change is marked."""

from collections.abc import Iterator
from typing import Any

import pytest
import torch
from playwright.sync_api import Page

from bench.browser_forward import message_and_torch
from support.live import LiveServer
from tests.browser.conftest import shot
from tests.browser.test_deck import open_presenter, wait_for
from tests.browser.test_envelope import sockets

DIGIT_SLIDE, PROGRESS_SLIDE = 8, 6
VERDICT = "() => document.querySelector('.lc-draw-verdict')?.textContent ?? ''"
STATUS = "() => document.querySelector('.lc-draw-status')?.textContent ?? ''"
# Painted pixels (not black) of every gallery image: the images came and were drawn.
PAINTED = """() => [...document.querySelectorAll('.lc-mistake-image')].map((canvas) => {
  const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height)
  let lit = 0
  for (let i = 0; i < data.length; i += 4) if (data[i] > 0) lit++
  return lit
})"""


@pytest.fixture(scope="module")
def trained(
    real_data_server: tuple[LiveServer, str],
) -> Iterator[tuple[LiveServer, dict[str, Any]]]:
    """Two epochs of the seed's mlp on the real data (about 10 s on a CPU), ended."""
    server, dataset = real_data_server
    if dataset != "mnist":
        pytest.skip("a drawn digit needs real MNIST: run `loopcast data fetch`")
    run = server.start_run(epochs=2, model="mlp", dataset="mnist")
    yield server, server.wait_run(run["id"])


def draw_seven(page: Page) -> None:
    """A 7 in two mouse strokes' worth of one stroke: across the top, then down to the left."""
    box = page.locator(".lc-pad").bounding_box()
    assert box

    def at(x: float, y: float) -> tuple[float, float]:
        return box["x"] + x * box["width"], box["y"] + y * box["height"]

    page.mouse.move(*at(0.28, 0.22))
    page.mouse.down()
    page.mouse.move(*at(0.72, 0.22), steps=12)
    page.mouse.move(*at(0.45, 0.86), steps=18)
    page.mouse.up()


def test_a_seven_drawn_on_a_phone_is_read_by_the_model_after_two_epochs(
    trained: tuple[LiveServer, dict[str, Any]], new_page: Any
) -> None:
    server, run = trained
    phone = new_page(412, 915)
    urls = sockets(phone)
    phone.goto(f"{server.url}/watch")
    wait_for(phone, "() => window.loopcast && loopcast.connection.state === 'open'")
    assert "weights=1" not in urls[-1]  # no weights for a phone that does not draw
    phone.click("button[data-panel=digit]")
    wait_for(phone, f"() => loopcast.buffer.active?.id === {run['id']}")
    wait_for(phone, "() => loopcast.buffer.active.weights?.final")
    assert "weights=1" in urls[-1] and f"run={run['id']}" in urls[-1]  # resumed, with weights
    # The panel decodes the weights (inflate: a promise) before it names them.
    wait_for(phone, f"() => !({STATUS})().startsWith('Waiting for the model')")
    status = phone.evaluate(STATUS)
    assert status == f"The model at batch {run['last_seq']} of run {run['id']} (mlp)."
    assert phone.evaluate(VERDICT) == "Draw a digit with your finger."
    draw_seven(phone)
    wait_for(phone, f"() => ({VERDICT})().startsWith('The model reads')")
    shot(phone, "insides-phone-draws-a-7")
    assert phone.evaluate(VERDICT) == "The model reads 7"
    bars = phone.locator(".lc-bar-label").all_inner_texts()
    assert bars[0] == "7" and len(set(bars)) == 3
    phone.click(".lc-pad-clear")
    assert phone.evaluate(VERDICT) == "Draw a digit with your finger."
    assert phone.locator(".lc-bar-label").all_inner_texts() == ["", "", ""]
    phone.click("button[data-panel=mnist]")  # the pad leaves the screen: so do the weights
    wait_for(phone, "() => loopcast.connection.state === 'open'")
    for _ in range(300):  # the page's socket events reach us apart from its state: poll
        if "weights=1" not in urls[-1]:
            break
        phone.wait_for_timeout(100)
    assert "weights=1" not in urls[-1]


def test_the_deck_shows_the_digit_slide_and_the_model_mistakes(
    trained: tuple[LiveServer, dict[str, Any]], new_page: Any
) -> None:
    server, run = trained
    deck = new_page()
    open_presenter(deck, server, DIGIT_SLIDE)
    wait_for(deck, "() => loopcast.buffer.active?.weights?.final")
    draw_seven(deck)
    wait_for(deck, f"() => ({VERDICT})() === 'The model reads 7'")
    shot(deck, "insides-deck-digit")

    deck.goto(f"{server.url}/#/{PROGRESS_SLIDE}")
    deck.wait_for_selector(".lc-confusion")
    evaluation = run["eval"]
    assert evaluation["epoch"] == 2
    cells = deck.locator(".lc-confusion td").all_inner_texts()
    assert len(cells) == 100 and sum(int(cell) for cell in cells) == 10_000
    diagonal = [int(cells[11 * i]) for i in range(10)]
    assert diagonal == [evaluation["confusion"][i][i] for i in range(10)]
    count = len(evaluation["mistakes"])
    assert count > 0 and deck.locator(".lc-mistake").count() == count
    wait_for(deck, f"() => ({PAINTED})().filter((lit) => lit > 20).length === {count}")
    first = evaluation["mistakes"][0]
    caption = deck.locator(".lc-mistake figcaption").first.inner_text()
    assert caption.startswith(f"{first['label']} → {first['top3'][0][0]} ")
    shot(deck, "insides-deck-mistakes")

    phone = new_page(412, 915)
    phone.goto(f"{server.url}/watch")
    phone.click("button[data-panel=progress]")
    phone.wait_for_selector(".lc-mistake-image")
    wait_for(phone, f"() => ({PAINTED})().filter((lit) => lit > 20).length === {count}")
    phone.locator(".lc-mistakes").scroll_into_view_if_needed()
    shot(phone, "insides-phone-mistakes")


LOGITS = """async ([message, images]) => {
  const { loadModel } = await import('/static/js/model/forward.js')
  const model = await loadModel(message)
  return images.map((image) => [...model.logits(Float32Array.from(image))])
}"""


@pytest.mark.parametrize("model", ["mlp", "cnn"])
def test_the_forward_pass_in_chromium_gives_torch_logits(
    deck_server: LiveServer, new_page: Any, model: str
) -> None:
    """Both models' forward pass as the phone runs it, from a weights message as the worker
    encodes it, against torch with the same dequantised weights (the cnn's message is too
    big for a committed fixture: made here)."""
    images = torch.randn(8, 1, 28, 28, generator=torch.Generator().manual_seed(2))
    message, expected = message_and_torch(model, images)  # type: ignore[arg-type]
    page = new_page()
    page.goto(f"{deck_server.url}/watch")
    logits = torch.tensor(page.evaluate(LOGITS, [message, images.flatten(1).tolist()]))
    assert logits.shape == (8, 10)
    assert logits.argmax(1).tolist() == expected.argmax(1).tolist()
    assert (logits - expected).abs().max() < 1e-4


# Pixels of the lr marker's colour (#7048e8) on the MNIST panel's chart.
MARKER_PIXELS = """() => {
  const canvas = document.querySelector('.lc-panel-mnist canvas')
  const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height)
  let count = 0
  for (let i = 0; i < data.length; i += 4) {
    const near = (value, target) => Math.abs(value - target) < 8
    if (near(data[i], 112) && near(data[i + 1], 72) && near(data[i + 2], 232)) count++
  }
  return count
}"""
LR_CHANGES = "() => loopcast.buffer.active?.lrChanges.map((change) => change.lr) ?? []"


def test_the_presenter_changes_the_lr_mid_run_and_the_charts_mark_it(
    deck_server: LiveServer, new_page: Any
) -> None:
    presenter, phone = new_page(), new_page(412, 915)
    open_presenter(presenter, deck_server, 5)
    phone.goto(f"{deck_server.url}/watch")
    presenter.fill(".lc-controls input[name=epochs]", "2")
    presenter.fill(".lc-controls input[name=pace_s]", "20")
    down, up = presenter.locator(".lc-lr").all()
    assert down.is_disabled() and up.is_disabled()  # no run to change
    presenter.click(".lc-train")
    wait_for(presenter, "() => loopcast.buffer.active?.status === 'running'")
    run = deck_server.http.get("/api/runs").json()["runs"][0]
    wait_for(presenter, "() => !document.querySelectorAll('.lc-lr')[1].disabled")
    assert up.get_attribute("title") == "lr 0.001 → 0.01 from the next batch"
    up.click()
    wait_for(presenter, f"() => ({LR_CHANGES})().join() === '0.01'")
    answer = deck_server.http.post(
        f"/api/runs/{run['id']}/lr", json={"lr": 1.0}, headers=deck_server.auth
    )
    assert answer.status_code == 202
    wait_for(presenter, f"() => ({LR_CHANGES})().join() === '0.01,1'")
    down.click()
    wait_for(presenter, f"() => ({LR_CHANGES})().join() === '0.01,1,0.1'")
    for page in (presenter, phone):
        wait_for(page, f"() => ({LR_CHANGES})().length === 3")
        wait_for(page, f"() => ({MARKER_PIXELS})() > 100")  # dashed lines and their labels
    shot(presenter, "insides-deck-lr-markers")
    shot(phone, "insides-phone-lr-markers")
    deck_server.http.post(f"/api/runs/{run['id']}/stop", headers=deck_server.auth)
    wait_for(presenter, "() => loopcast.buffer.active?.status === 'stopped'")
    assert down.is_disabled() and up.is_disabled()
