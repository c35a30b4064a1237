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
Each process's CPU (cores, during the run) is reported too: on 2 shared cores, whether the
server, the worker or the crowds had them.
Run: .venv/bin/python -m bench.stage [--quick] [--viewers N] [--crowd N] [--seconds S]
         [--rates 0,5000,20000] [--skip-long-runs]
"""

import time
from pathlib import Path
from typing import Any

from bench.common import cpu_seconds, data_dir, parser, report
from bench.crowd import Crowd, start_server, wait_run, wait_viewers
from loopcast.training.standin import steps_per_epoch
from support.live import LiveServer

DETAILS = ("envelope", "full")
LONG_RUNS_RATE = 20_000.0  # the stand-in's rate for the 12- and 50-epoch runs
JOIN_SECONDS = 2.0


def watched(live: LiveServer, viewers: int, config: dict[str, Any]) -> dict[str, Any]:
    """One run watched by `viewers` viewers at each detail; figures per detail."""
    assert live.process is not None
    crowds = {detail: Crowd(live, viewers, detail=detail) for detail in DETAILS}
    wait_viewers(live, viewers * len(crowds))
    for crowd in crowds.values():
        crowd.reset()
    pids = {"server": live.process.pid, "worker": live.worker_pid()}
    pids.update({f"{detail}_viewers": crowd.process.pid for detail, crowd in crowds.items()})
    cpu_before = {name: cpu_seconds(pid) for name, pid in pids.items()}
    started = time.perf_counter()
    run = live.start_run(**config)
    details = wait_run(live, run["id"])
    seconds = time.perf_counter() - started
    cpu = {name: (cpu_seconds(pid) - cpu_before[name]) / seconds for name, pid in pids.items()}
    result: dict[str, Any] = {
        "config": config,
        "device_name": details["device_name"],
        "points": details["last_seq"],
        "run_seconds": round(seconds, 2),
        "batches_per_s": round(details["last_seq"] / seconds),
        "cpu_cores": {name: round(value, 2) for name, value in cpu.items()},
    }
    for detail, crowd in crowds.items():
        delivery = crowd.report(run["id"], details["last_seq"])
        crowd.close()
        per_viewer = delivery["bytes_per_viewer"]
        kib_per_s = {kind: round(size / seconds / 1024, 2) for kind, size in per_viewer.items()}
        result[detail] = {
            "viewers": delivery["viewers"],
            "kib_per_s": kib_per_s.pop("mean"),
            "kib_per_s_max": kib_per_s.pop("max"),
            "payload_kib_per_s_by_type": kib_per_s,
            "messages_per_s": round(delivery["messages"] / max(1, viewers) / seconds, 1),
            **{k: delivery[k] for k in ("latency_ms", "caught_up_s", "lost", "duplicated")},
        }
    result["full_vs_envelope_bytes"] = round(
        result["full"]["kib_per_s"] / max(1e-9, result["envelope"]["kib_per_s"]), 1
    )
    wait_viewers(live, 0)
    return result


def standin_config(rate: float, seconds: float, batch_size: int) -> dict[str, Any]:
    """A run of about `seconds` at `rate`, or as near as 1 to 50 epochs come."""
    epochs = round(rate * seconds / steps_per_epoch(batch_size))
    return {"epochs": max(1, min(50, epochs)), "batch_size": batch_size}


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
    live = start_server(folder, standin_rate=LONG_RUNS_RATE)
    try:
        figures: dict[str, Any] = {}
        for epochs in (12, 50):
            run = live.start_run(epochs=epochs)
            points = wait_run(live, run["id"])["last_seq"]
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
    options.add_argument(
        "--rates", default="0,5000,20000", help="batches/s per server; 0: the real worker"
    )
    options.add_argument("--skip-long-runs", action="store_true", help="rates only")
    # The seed's 64: at 20,000 batches/s an epoch ends every 47 ms, as on a fast GPU.
    options.add_argument("--standin-batch", type=int, default=64, help="stand-in runs' batch")
    args = options.parse_args()
    viewers = args.viewers or (5 if args.quick else 100)
    crowd = args.crowd or (50 if args.quick else 1000)
    seconds = args.seconds or (2.0 if args.quick else 10.0)
    cpu_epochs = args.cpu_epochs or (1 if args.quick else 3)
    folder = data_dir(args)
    rates = []
    for rate in (float(text) for text in args.rates.split(",")):
        live = start_server(folder, standin_rate=rate)
        try:
            config: dict[str, Any]
            if rate:
                config = standin_config(rate, seconds, args.standin_batch)
            else:
                live.wait_run(live.start_run(epochs=1)["id"])  # warm the worker's run path
                config = {"epochs": cpu_epochs}
                if args.quick:  # the small data's epoch ends before the first envelope wake
                    config["pace_s"] = seconds
            rates.append({"standin_rate": rate, **watched(live, viewers, config)})
            print(rates[-1], flush=True)
        finally:
            live.stop()
    figures = {"viewers_per_detail": viewers, "rates": rates}
    if not args.skip_long_runs:
        figures.update(long_runs(folder, crowd))
    report(args, "stage", figures)


if __name__ == "__main__":
    main()
