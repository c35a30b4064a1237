"""On stage: what an envelope viewer (`/ws?detail=envelope`, phones) costs beside a
full-detail one (the deck), at this CPU's training speed and at GPU rates made up by the
stand-in worker (`LOOPCAST_STANDIN_RATE`), all on real servers over loopback.

1. rates: for the real worker and the stand-in at 5,000 and 20,000 batches/s, one run
   watched by --viewers envelope and --viewers full-detail viewers side by side: bytes
   per second each viewer received (the run's bytes over its seconds), delivery latency,
   points lost and duplicated. At 20,000 batches/s the full-detail viewers are the
   "100 full-detail viewers" figures.
2. snapshots: the snapshot's bytes at each detail after a 12-epoch and a 50-epoch run.
3. join: --crowd viewers joining evenly over 2 s after the 12-epoch run, envelope then
   full: how long each waited for its snapshot, and until all had theirs.
Run: .venv/bin/python -m bench.stage [--quick] [--viewers N] [--crowd N] [--seconds S]
"""

import time
from pathlib import Path
from typing import Any

from bench.common import data_dir, parser, report
from bench.crowd import Crowd, start_server, wait_viewers
from server.training.standin import steps_per_epoch
from tests.live import LiveServer

DETAILS = ("envelope", "full")
STANDIN_RATES = (5000.0, 20_000.0)
STANDIN_BATCH = 16  # 3,750 steps an epoch: 50 epochs last 9.4 s at 20,000 a second
JOIN_SECONDS = 2.0


def watched(live: LiveServer, viewers: int, config: dict[str, Any]) -> dict[str, Any]:
    """One run watched by `viewers` viewers at each detail; figures per detail."""
    crowds = {detail: Crowd(live, viewers, detail=detail) for detail in DETAILS}
    wait_viewers(live, viewers * len(crowds))
    for crowd in crowds.values():
        crowd.reset()
    started = time.perf_counter()
    run = live.start_run(**config)
    details = live.wait_run(run["id"], timeout=600)
    seconds = time.perf_counter() - started
    result: dict[str, Any] = {
        "config": config,
        "device_name": details["device_name"],
        "points": details["last_seq"],
        "run_seconds": round(seconds, 2),
        "batches_per_s": round(details["last_seq"] / seconds),
    }
    for detail, crowd in crowds.items():
        delivery = crowd.report(run["id"], details["last_seq"])
        crowd.close()
        per_viewer = delivery["bytes_per_viewer"]
        result[detail] = {
            "viewers": delivery["viewers"],
            "kib_per_s": round(per_viewer["mean"] / seconds / 1024, 2),
            "kib_per_s_max": round(per_viewer["max"] / seconds / 1024, 2),
            "messages_per_s": round(delivery["messages"] / max(1, viewers) / seconds, 1),
            **{k: delivery[k] for k in ("latency_ms", "caught_up_s", "lost", "duplicated")},
        }
    result["full_vs_envelope_bytes"] = round(
        result["full"]["kib_per_s"] / max(1e-9, result["envelope"]["kib_per_s"]), 1
    )
    wait_viewers(live, 0)
    return result


def standin_config(rate: float, seconds: float) -> dict[str, Any]:
    """A run of about `seconds` at `rate` (1 to 50 epochs of STANDIN_BATCH)."""
    epochs = round(rate * seconds / steps_per_epoch(STANDIN_BATCH))
    return {"epochs": max(1, min(50, epochs)), "batch_size": STANDIN_BATCH}


def snapshot_bytes(live: LiveServer) -> dict[str, int]:
    """The whole snapshot message a viewer joining now receives, at each detail."""
    sizes = {}
    for detail in DETAILS:
        with live.viewer(f"?detail={detail}", max_size=None) as viewer:
            text = viewer.conn.recv(timeout=60)
            assert isinstance(text, str) and text.startswith('{"type":"snapshot"')
            sizes[detail] = len(text.encode())
    return sizes


def join(live: LiveServer, count: int) -> dict[str, Any]:
    """`count` viewers joining over JOIN_SECONDS, at each detail in turn."""
    result = {}
    for detail in DETAILS:
        crowd = Crowd(live, count, detail=detail, join_over=JOIN_SECONDS)
        result[detail] = {k: v for k, v in crowd.connected.items() if k != "stalled"}
        crowd.close()
        wait_viewers(live, 0)
    return result


def long_runs(folder: Path, crowd: int) -> dict[str, Any]:
    """Snapshot bytes after 12 and 50 epochs (seed batch size), and the join after 12."""
    live = start_server(folder, standin_rate=STANDIN_RATES[-1])
    try:
        figures: dict[str, Any] = {}
        for epochs in (12, 50):
            run = live.start_run(epochs=epochs)
            points = live.wait_run(run["id"], timeout=600)["last_seq"]
            figures[f"after_{epochs}_epochs"] = {"points": points, **snapshot_bytes(live)}
            if epochs == 12:
                figures["join_after_12_epochs"] = join(live, crowd)
            print(figures, flush=True)
    finally:
        live.stop()
    return figures


def main() -> None:
    options = parser(__doc__ or "")
    options.add_argument("--viewers", type=int, help="per detail, watching (default 100)")
    options.add_argument("--crowd", type=int, help="joining after a run (default 1000)")
    options.add_argument("--seconds", type=float, help="stand-in run length (default 10)")
    options.add_argument("--cpu-epochs", type=int, help="real worker's run (default 3)")
    args = options.parse_args()
    viewers = args.viewers or (5 if args.quick else 100)
    crowd = args.crowd or (50 if args.quick else 1000)
    seconds = args.seconds or (2.0 if args.quick else 10.0)
    cpu_epochs = args.cpu_epochs or (1 if args.quick else 3)
    folder = data_dir(args)
    rates = []
    for rate in (0.0, *STANDIN_RATES):
        live = start_server(folder, standin_rate=rate)
        try:
            if rate:
                config = standin_config(rate, seconds)
            else:
                live.wait_run(live.start_run(epochs=1)["id"])  # warm the worker's run path
                config = {"epochs": cpu_epochs}
            rates.append({"standin_rate": rate, **watched(live, viewers, config)})
            print(rates[-1], flush=True)
        finally:
            live.stop()
    figures = {"viewers_per_detail": viewers, "rates": rates, **long_runs(folder, crowd)}
    report(args, "stage", figures)


if __name__ == "__main__":
    main()
