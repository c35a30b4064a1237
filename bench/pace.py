"""Paced runs: a run with `pace_s` lasts about that long, and still reports the device's
own speed. One unpaced run, then one paced run of the same config, on a real server with
the real worker (seed config, 1 epoch): wall time, the device's seconds (`unpaced_s`) and
the epoch's samples/s of each, and the paced run's samples/s over the unpaced run's.

On a CPU a step right after a wait runs cold (caches, thread pool): a paced run's samples/s
is the device's speed as paced, which this ratio shows against the unpaced one.
Run: .venv/bin/python -m bench.pace [--quick] [--pace-s 20] [--epochs 1]
"""

from typing import Any

from bench.common import data_dir, parser, report
from bench.crowd import start_server, wait_run
from support.live import LiveServer


def one_run(live: LiveServer, epochs: int, pace_s: float) -> dict[str, Any]:
    run = wait_run(live, live.start_run(epochs=epochs, pace_s=pace_s)["id"])
    epochs_done = live.http.get(f"/api/runs/{run['id']}").json()["epochs"]
    return {
        "pace_s": pace_s,
        "wall_s": run["wall_s"],
        "unpaced_s": run["unpaced_s"],
        "samples_per_s": [round(epoch["samples_per_s"]) for epoch in epochs_done],
        "points": run["last_seq"],
    }


def main() -> None:
    args = parser(__doc__ or "")
    args.add_argument("--pace-s", type=float, default=20.0)
    args.add_argument("--epochs", type=int, default=1)
    options = args.parse_args()
    pace_s = 2.0 if options.quick else options.pace_s
    live = start_server(data_dir(options))
    try:
        unpaced = one_run(live, options.epochs, 0)
        paced = one_run(live, options.epochs, pace_s)
    finally:
        live.stop()
    speed = round(paced["samples_per_s"][-1] / unpaced["samples_per_s"][-1], 3)
    report(options, "pace", {"unpaced": unpaced, "paced": paced, "paced_vs_unpaced": speed})


if __name__ == "__main__":
    main()
