"""The wheel's smoke check against a running `loopcast serve` installed from it (run by
scripts/wheel-smoke with the wheel's venv, from outside the checkout: it imports nothing of
loopcast's, only httpx and websockets, which the wheel depends on).

`python wheel_smoke.py URL TOKEN`: the deck, the audience page and an embed are served with
their code, and a short run trains, its points streaming over the WebSocket."""

import json
import re
import sys
import time
from typing import Any

import httpx
from websockets.sync.client import connect
from websockets.typing import Origin


def check_pages(http: httpx.Client) -> None:
    deck = http.get("/")
    assert deck.status_code == 200 and "has not been built" not in deck.text, deck.text[:300]
    for page, name in (("/watch", "watch"), ("/embed/chart", "embed")):
        response = http.get(page)
        assert response.status_code == 200, (page, response.text)
        # The wheel carries the production build: the hashed bundle, precompressed.
        found = re.search(rf'src="(/static/dist/assets/{name}-[\w-]+\.js)"', response.text)
        assert found, (page, response.text)
        script = http.get(found[1], headers={"Accept-Encoding": "br, gzip"})
        assert script.status_code == 200, found[1]
        assert script.headers.get("content-encoding") in ("br", "gzip"), script.headers
        assert "immutable" in script.headers["cache-control"], script.headers
    assert "frame-ancestors 'self'" in http.get("/embed/chart").headers["content-security-policy"]
    unknown = http.get("/embed/nope")
    assert unknown.status_code == 404 and "chart" in unknown.json()["panels"], unknown.text
    print("wheel smoke: /, /watch, /embed/chart and their built code are served", flush=True)


def check_training(http: httpx.Client, url: str, token: str) -> None:
    ws_url = url.replace("http://", "ws://") + "/ws"
    with connect(ws_url, origin=Origin(url), open_timeout=10) as ws:
        assert json.loads(ws.recv(timeout=10))["type"] == "snapshot"
        started = http.post(
            "/api/runs",
            json={"epochs": 1, "batch_size": 256},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert started.status_code == 201, started.text
        run = started.json()["id"]
        points, status = 0, ""
        deadline = time.monotonic() + 300
        while status not in ("finished", "failed", "stopped") and time.monotonic() < deadline:
            message: dict[str, Any] = json.loads(ws.recv(timeout=120))
            if message.get("run") != run:
                continue
            if message["type"] == "points":
                points += len(message["seq"])
            elif message["type"] == "status":
                status = message["status"]
    assert status == "finished" and points > 0, (status, points)
    details = http.get(f"/api/runs/{run}").json()
    assert details["last_seq"] == points, (details["last_seq"], points)
    print(f"wheel smoke: run {run} trained {points} batches on {details['device']}", flush=True)


def main(url: str, token: str) -> int:
    with httpx.Client(base_url=url, timeout=30) as http:
        check_pages(http)
        check_training(http, url, token)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(*sys.argv[1:]))
