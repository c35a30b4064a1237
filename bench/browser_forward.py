"""The phone's forward pass (static/js/model/forward.js) in Debian's Chromium: milliseconds
per forward pass of the mlp and the cnn (the mean of 100, after 20 that warm up the JIT), on
this CPU and with Chromium's CPU throttled 4x (its stand-in for a mid-range phone), the time
to decode a `weights` message, and its top-1 against torch's on the same dequantised weights.

Run: .venv/bin/python -m bench.browser_forward [--quick] [--json PATH]
"""

import argparse
import functools
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import torch

from bench.common import parser, report
from loopcast.data.datasets import NORMALIZATION
from loopcast.training.config import ModelName
from loopcast.training.models import build_model
from loopcast.training.weights import decode_layer, encode_layers, host_copy
from support.live import REPO

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--no-first-run"]
THROTTLE = 4
# Runs in the page: decode the message, check it against torch, then time the forward pass.
MEASURE = """async ([message, inputs, runs]) => {
  const { loadModel, softmax, topClasses } = await import('/static/js/model/forward.js')
  let started = performance.now()
  const model = await loadModel(message)
  const decodeMs = performance.now() - started
  const images = inputs.map((image) => Float32Array.from(image))
  const top1 = images.map((image) => topClasses(softmax(model.logits(image)), 1)[0][0])
  for (let i = 0; i < 20; i++) model.logits(images[i % images.length])
  started = performance.now()
  for (let i = 0; i < runs; i++) model.logits(images[i % images.length])
  return { decodeMs, forwardMs: (performance.now() - started) / runs, top1 }
}"""


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def static_server() -> Iterator[str]:
    """The repository over HTTP on a free port: the page imports /static/js/ from it."""
    handler = functools.partial(Quiet, directory=str(REPO))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()


def message_and_torch(name: ModelName, images: torch.Tensor) -> tuple[dict[str, Any], torch.Tensor]:
    """A `weights` message of a fresh model, and torch's logits with its dequantised weights."""
    torch.manual_seed(0)
    model = build_model(name)
    layers = encode_layers(host_copy(model))
    model.load_state_dict({la["name"]: torch.from_numpy(decode_layer(la)) for la in layers})
    with torch.no_grad():
        logits = model.eval()(images)
    mean, std = NORMALIZATION["mnist"]
    message = {"type": "weights", "run": 1, "seq": 1, "model": name, "mean": mean, "std": std}
    return {**message, "layers": layers}, logits


def measure(args: argparse.Namespace) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    runs = 10 if args.quick else 100
    generator = torch.Generator().manual_seed(1)
    images = torch.randn(20, 1, 28, 28, generator=generator)
    inputs = images.flatten(1).tolist()
    figures: dict[str, Any] = {"runs": runs, "throttle": THROTTLE}
    with static_server() as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        page.goto(f"{url}/static/")
        cdp = page.context.new_cdp_session(page)
        models: tuple[ModelName, ...] = ("mlp", "cnn")
        for name in models:
            message, logits = message_and_torch(name, images)
            torch_top1 = logits.argmax(1).tolist()
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
            here = page.evaluate(MEASURE, [message, inputs, runs])
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": THROTTLE})
            phone = page.evaluate(MEASURE, [message, inputs, runs])
            figures[name] = {
                "forward_ms": round(here["forwardMs"], 3),
                "forward_ms_throttled": round(phone["forwardMs"], 3),
                "decode_ms": round(here["decodeMs"], 1),
                "decode_ms_throttled": round(phone["decodeMs"], 1),
                "top1_as_torch": sum(a == b for a, b in zip(here["top1"], torch_top1, strict=True)),
                "images": len(torch_top1),
            }
        browser.close()
    figures["cnn_over_mlp"] = round(figures["cnn"]["forward_ms"] / figures["mlp"]["forward_ms"], 1)
    return figures


def main() -> None:
    args = parser("the phone's forward pass timed in Chromium").parse_args()
    report(args, "browser_forward", measure(args))


if __name__ == "__main__":
    main()
