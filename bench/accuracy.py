"""Time to accuracy from the click: the mlp (seed config) to 97% and the cnn to 99% test
accuracy, measured at a viewer from `POST /api/runs` returning to the `epoch` message that
reports it, every batch streamed to that viewer on the way (and checked: none missing).
A goal not reached within --max-seconds is reported with the best accuracy it reached.
Run: .venv/bin/python -m bench.accuracy [--quick]
"""

import time
from typing import Any

from bench.common import data_dir, parser, report
from bench.crowd import start_server
from loopcast.training.config import ModelName
from support.live import LiveServer


def time_to(
    live: LiveServer, model: ModelName, target: float, max_epochs: int, max_seconds: float
) -> dict[str, Any]:
    with live.viewer() as viewer:
        viewer.receive()
        run = live.start_run(model=model, epochs=max_epochs)
        clicked = time.perf_counter()
        reached: dict[str, Any] = {}
        best = 0.0
        while not reached and (left := max_seconds - (time.perf_counter() - clicked)) > 0:
            try:
                message = viewer.receive(timeout=left)
            except TimeoutError:
                break
            if message["type"] == "epoch":
                best = max(best, message["val_acc"])
                if message["val_acc"] >= target:
                    reached = {"seconds": round(time.perf_counter() - clicked, 2), **message}
            if message["type"] == "status" and message["status"] != "running":
                break
        live.http.post(f"/api/runs/{run['id']}/stop", headers=live.auth)
        viewer.until_status("finished", "stopped", "failed", timeout=600)
        details = live.http.get(f"/api/runs/{run['id']}").json()
    return {
        "model": model,
        "target": target,
        "reached": bool(reached),
        "seconds_from_click": reached.get("seconds"),
        "epochs": reached.get("epoch", len(details["epochs"])),
        "best_val_acc": best,
        "run_t": reached.get("t"),
        "samples_per_s": [round(e["samples_per_s"]) for e in details["epochs"]],
        "points_streamed": len(viewer.seq),
        "points_missing": details["last_seq"] - len(set(viewer.seq)),
        "device": details["device_name"],
    }


def main() -> None:
    options = parser(__doc__ or "")
    options.add_argument("--max-seconds", type=float, default=600, help="give up on a goal")
    args = options.parse_args()
    # The generated --quick data is easy; the targets are the real ones on real MNIST.
    goals: list[tuple[ModelName, float, int]] = [("mlp", 0.97, 10), ("cnn", 0.99, 10)]
    if args.quick:
        goals = [("mlp", 0.9, 3), ("cnn", 0.9, 2)]
    live = start_server(data_dir(args))
    results = []
    try:
        for model, target, epochs in goals:
            results.append(time_to(live, model, target, epochs, args.max_seconds))
            print(results[-1], flush=True)
    finally:
        live.stop()
    report(args, "accuracy", {"results": results})


if __name__ == "__main__":
    main()
