"""Streaming cost and delivery: training throughput and point delivery with 0, 100 and
1,000 WebSocket viewers on a real server over loopback, the viewers in their own process.

For each crowd, side by side and repeat by repeat: the seed config trains (mlp, Adam 0.001,
batch 64) while the crowd watches. Reported: training samples/s and its ratio to the
0-viewer run of the same repeat; delivery latency from the worker's `created` stamp to each
viewer's receipt (p50/p95/p99); points lost and duplicated over every viewer; CPU of the
server, the worker and the viewers' process; and, on a fresh server, memory per idle viewer.
Crowds marked `+1 stalled` include one viewer that never reads. `--detail envelope` makes
them envelope viewers; `--standin-rate R` serves the stand-in worker's R batches a second
instead of training (GPU rates on this machine; its samples/s are made up).
Run: .venv/bin/python -m bench.fanout [--quick] [--crowds 0,1000,1000+1] [--repeats N]
         [--detail full|envelope] [--standin-rate R]
"""

import argparse
import time
from typing import Any

from bench.common import cpu_seconds, data_dir, median, parser, report, rss_bytes
from bench.crowd import Crowd, start_server, wait_viewers
from support.live import LiveServer


def idle_memory(live: LiveServer, count: int) -> dict[str, Any]:
    """Server RSS added per connected, idle viewer (no run), on a server that has had none."""
    assert live.process is not None
    time.sleep(1)
    before = rss_bytes(live.process.pid)
    crowd = Crowd(live, count)
    wait_viewers(live, count)
    time.sleep(1)
    after = rss_bytes(live.process.pid)
    crowd.close()
    wait_viewers(live, 0)
    return {
        "viewers": count,
        "server_rss_mb_before": round(before / 2**20, 1),
        "server_rss_mb_with_viewers": round(after / 2**20, 1),
        "kb_per_viewer": round((after - before) / count / 1024, 1),
    }


def watched_run(
    live: LiveServer, count: int, stalled: int, epochs: int, detail: str = "full"
) -> dict[str, Any]:
    assert live.process is not None
    crowd = Crowd(live, count, stalled, detail) if count or stalled else None
    wait_viewers(live, count + stalled)
    pids = {"server": live.process.pid, "worker": live.worker_pid()}
    cpu_before = {name: cpu_seconds(pid) for name, pid in pids.items()}
    crowd_cpu = crowd.cpu_seconds() if crowd else 0.0
    started = time.perf_counter()
    run = live.start_run(epochs=epochs)
    details = live.wait_run(run["id"])
    seconds = time.perf_counter() - started
    cpu = {name: (cpu_seconds(pid) - cpu_before[name]) / seconds for name, pid in pids.items()}
    result: dict[str, Any] = {
        "viewers": count,
        "stalled": stalled,
        "samples_per_s": round(median([e["samples_per_s"] for e in details["epochs"]])),
        "run_seconds": round(seconds, 2),
        "cpu_cores": {name: round(value, 2) for name, value in cpu.items()},
    }
    if crowd is not None:
        result["cpu_cores"]["viewers_process"] = round(
            (crowd.cpu_seconds() - crowd_cpu) / seconds, 2
        )
        delivery = crowd.report(run["id"], details["last_seq"])
        keys = ("latency_ms", "caught_up_s", "lost", "duplicated", "messages", "bytes_per_viewer")
        result.update({k: delivery[k] for k in keys})
        # Parsed after the run, outside the CPU figures above: its cost, for the record.
        messages = max(1, delivery["messages"])
        result["viewers_parse_us_per_message"] = round(delivery["parse_cpu_s"] / messages * 1e6, 1)
        crowd.close()
    return result


def crowd_list(text: str) -> list[tuple[int, int]]:
    """`0,1000,1000+1` -> [(0, 0), (1000, 0), (1000, 1)]: viewers, plus stalled ones."""
    crowds = []
    for item in text.split(","):
        viewers, _, stalled = item.partition("+")
        crowds.append((int(viewers), int(stalled or 0)))
    if crowds[0] != (0, 0):
        raise argparse.ArgumentTypeError("the first crowd must be 0 (the baseline)")
    return crowds


def main() -> None:
    options = parser(__doc__ or "")
    options.add_argument("--crowds", type=crowd_list, help="default 0,100,1000,100+1,1000+1")
    options.add_argument("--repeats", type=int, help="default 3 (1 with --quick)")
    options.add_argument("--detail", choices=("full", "envelope"), default="full")
    options.add_argument("--standin-rate", type=float, default=0.0, help="batches/s, no training")
    args = options.parse_args()
    repeats = args.repeats or (1 if args.quick else 3)
    crowds = args.crowds or (
        [(0, 0), (50, 0), (50, 1)]
        if args.quick
        else [(0, 0), (100, 0), (1000, 0), (100, 1), (1000, 1)]
    )
    epochs = 1 if args.quick else 2
    live = start_server(data_dir(args), args.standin_rate)
    try:
        biggest = max(count for count, _ in crowds)
        memory = idle_memory(live, biggest) if biggest else None
        print(memory, flush=True)
        live.wait_run(live.start_run(epochs=1)["id"])  # warm the worker's run path
        runs: list[dict[str, Any]] = []
        for repeat in range(repeats):
            baseline = 0.0
            for count, stalled in crowds:
                result = watched_run(live, count, stalled, epochs, args.detail)
                baseline = baseline or result["samples_per_s"]
                result["repeat"] = repeat
                result["vs_0_viewers"] = round(result["samples_per_s"] / baseline, 3)
                print(result, flush=True)
                runs.append(result)
    finally:
        live.stop()
    summary = []
    for count, stalled in crowds:
        mine = [r for r in runs if (r["viewers"], r["stalled"]) == (count, stalled)]
        row: dict[str, Any] = {
            "viewers": count,
            "stalled": stalled,
            "samples_per_s": round(median([r["samples_per_s"] for r in mine])),
            "vs_0_viewers": round(median([r["vs_0_viewers"] for r in mine]), 3),
            "cpu_cores": {
                name: round(median([r["cpu_cores"][name] for r in mine]), 2)
                for name in mine[0]["cpu_cores"]
            },
        }
        if count:
            row["latency_ms"] = {
                q: round(median([r["latency_ms"][q] for r in mine]), 1)
                for q in ("p50", "p95", "p99", "max")
            }
            row["caught_up_s_max"] = max(r["caught_up_s"] for r in mine)
            row["lost"] = sum(r["lost"] for r in mine)
            row["duplicated"] = sum(r["duplicated"] for r in mine)
        summary.append(row)
    report(args, "fanout", {"idle_memory": memory, "summary": summary, "runs": runs})


if __name__ == "__main__":
    main()
