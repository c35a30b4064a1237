"""Click-to-first-point: from `POST /api/runs` returning to the run's first `points`
message at a connected viewer, over several runs on a real server with the worker warm.

Each run is stopped once its first point has arrived, and the next starts when it has ended.
Run: .venv/bin/python -m bench.click [--quick]
"""

import time
from typing import Any

from bench.common import data_dir, median, parser, percentile, report
from bench.crowd import start_server
from support.live import LiveServer, Viewer


def first_point(live: LiveServer, viewer: Viewer) -> dict[str, float]:
    posted = time.perf_counter()
    run = live.start_run(epochs=1)
    returned = time.perf_counter()
    while True:
        message = viewer.receive(timeout=30)
        if message["type"] == "points" and message["run"] == run["id"]:
            arrived = time.perf_counter()
            break
    live.http.post(f"/api/runs/{run['id']}/stop", headers=live.auth)
    viewer.until_status("finished", "stopped", timeout=60)
    return {"post_ms": 1000 * (returned - posted), "first_point_ms": 1000 * (arrived - returned)}


def main() -> None:
    args = parser(__doc__ or "").parse_args()
    runs = 3 if args.quick else 10
    live = start_server(data_dir(args))
    try:
        with live.viewer() as viewer:
            viewer.receive()
            first_point(live, viewer)  # warm the run path once, not counted
            results: list[dict[str, float]] = []
            for _ in range(runs):
                result = first_point(live, viewer)
                print({k: round(v, 1) for k, v in result.items()}, flush=True)
                results.append(result)
    finally:
        live.stop()
    first = [r["first_point_ms"] for r in results]
    figures: dict[str, Any] = {
        "runs": len(results),
        "first_point_ms": {
            "median": round(median(first), 1),
            "p90": round(percentile(first, 90), 1),
            "max": round(max(first), 1),
        },
        "post_ms_median": round(median([r["post_ms"] for r in results]), 1),
        "all": [{k: round(v, 1) for k, v in r.items()} for r in results],
    }
    report(args, "click", figures)


if __name__ == "__main__":
    main()
