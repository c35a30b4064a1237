"""Rehearsal probe: checks a running loopcast the way a presenter and a viewer use it.

Stdlib and `websockets` only, so it runs inside the image (`docker exec -i lc python -
<docker/probe.py`) as well as on the host. Exits non-zero on the first thing that is wrong.

    LOOPCAST_TOKEN=... python docker/probe.py [BASE_URL]   (default http://127.0.0.1:8000)
"""

import asyncio
import json
import os
import sys
import time
import urllib.error
import urllib.request
from typing import Any

from websockets.asyncio.client import connect

BASE = (sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000").rstrip("/")
TOKEN = os.environ["LOOPCAST_TOKEN"]


def http(path: str, body: dict[str, Any] | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(BASE + path, method="POST" if body is not None else "GET")
    if body is not None:
        request.add_header("Authorization", f"Bearer {TOKEN}")
        request.add_header("Content-Type", "application/json")
        request.data = json.dumps(body).encode()
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def wait_healthy(seconds: float = 120) -> float:
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        try:
            if http("/healthz")[0] == 200:
                return time.monotonic() - started
        except OSError:
            pass
        time.sleep(0.5)
    sys.exit(f"FAIL /healthz not 200 after {seconds:.0f} s")


async def watch_a_run() -> None:
    ws_url = BASE.replace("http", "ws", 1) + "/ws"
    async with connect(ws_url, origin=BASE) as ws:  # type: ignore[arg-type]
        snapshot = json.loads(await ws.recv())
        print(f"ws snapshot: device={snapshot['server']['device']}")
        status, body = http("/api/runs", {"epochs": 1, "name": "rehearsal probe"})
        if status != 201:
            sys.exit(f"FAIL POST /api/runs: {status} {body[:200]!r}")
        run = json.loads(body)["id"]
        print(f"POST /api/runs: 201, run {run}")
        seqs: list[int] = []
        epochs: list[dict[str, Any]] = []
        while True:
            message = json.loads(await asyncio.wait_for(ws.recv(), 600))
            if message.get("run") != run:
                continue
            if message["type"] == "points":
                seqs += message["seq"]
            elif message["type"] == "epoch":
                epochs.append(message)
            elif message["type"] == "status" and message["status"] != "running":
                break
    if message["status"] != "finished":
        sys.exit(f"FAIL run {run} ended {message['status']}: {message.get('reason')}")
    if seqs != list(range(1, len(seqs) + 1)):
        sys.exit(f"FAIL run {run}: points not contiguous ({len(seqs)} received)")
    val_acc = epochs[-1]["val_acc"]
    rate = epochs[-1]["samples_per_s"]
    print(f"ws run {run}: {len(seqs)} points, seq 1..{seqs[-1]} contiguous, finished")
    print(f"  epoch 1: val_acc {val_acc:.4f}, {rate:,.0f} samples/s")


def main() -> None:
    print(f"/healthz 200 after {wait_healthy():.1f} s")
    for path, needle in (("/", b'<div id="app"'), ("/watch", b"lc-watch")):
        status, body = http(path)
        if status != 200 or needle not in body:
            sys.exit(f"FAIL GET {path}: {status}, {len(body)} bytes")
        print(f"GET {path}: 200, {len(body)} bytes")
    asyncio.run(watch_a_run())
    runs = json.loads(http("/api/runs")[1])["runs"]
    listed = ", ".join(f"{run['id']} {run['status']}" for run in runs)
    print(f"GET /api/runs: {len(runs)} run(s): {listed}")


if __name__ == "__main__":
    main()
