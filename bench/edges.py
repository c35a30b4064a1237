"""More than one machine, on loopback: the same run delivered to the same crowd by the
single-process server and through Redis by two edges, side by side in one run.
(`--detail envelope`: phones' viewers, `full`: the deck's.)

One trainer (`loopcast serve --redis`, the stand-in worker making up `--standin-rate`
batches a second) and one redis-server; first `--viewers` full-detail viewers watch the
trainer itself, then the same number split over `--edges` edges (`loopcast edge`, 2) watch the same
run config again. Reported for each: delivery latency from the worker's `created` stamp
to each viewer's receipt (p50/p95/p99/max), points lost and duplicated over every viewer,
CPU of each process; through Redis also Redis's CPU (INFO cpu) and bytes a second in and
out (INFO stats); and a fresh edge's RSS without viewers and per idle viewer.
Run: .venv/bin/python -m bench.edges [--quick] [--viewers 1000] [--standin-rate 1000]
         [--seconds 8] [--detail full|envelope] [--batch-size 512] [--edges 2]
"""

import time
from typing import Any

from bench.common import cpu_seconds, data_dir, parser, raise_fd_limit, report, scratch_dir
from bench.crowd import Crowd, wait_run, wait_viewers
from bench.fanout import idle_memory
from bench.stage import standin_config
from support.edges import LiveEdge, RedisServer
from support.live import LiveServer


def redis_counters(redis_server: RedisServer) -> dict[str, float]:
    client = redis_server.client()
    cpu, stats = client.info("cpu"), client.info("stats")
    client.close()
    return {
        "cpu_s": float(cpu["used_cpu_user"]) + float(cpu["used_cpu_sys"]),
        "in_bytes": float(stats["total_net_input_bytes"]),
        "out_bytes": float(stats["total_net_output_bytes"]),
    }


def delivered(
    trainer: LiveServer,
    servers: list[LiveServer],
    viewers: int,
    config: dict[str, Any],
    redis_server: RedisServer,
    detail: str,
) -> dict[str, Any]:
    """One run watched by `viewers` split evenly over `servers`."""
    share = viewers // len(servers)
    crowds = [Crowd(server, share, detail=detail) for server in servers]
    for server in servers:
        wait_viewers(server, share)
    assert trainer.process is not None
    pids = {"trainer": trainer.process.pid}
    for index, server in enumerate(servers):
        if server is not trainer and server.process is not None:
            pids[f"edge_{index}"] = server.process.pid
    if redis_server.process is not None and servers[0] is not trainer:
        pids["redis"] = redis_server.process.pid
    cpu_before = {name: cpu_seconds(pid) for name, pid in pids.items()}
    crowds_cpu = sum(crowd.cpu_seconds() for crowd in crowds)
    redis_before = redis_counters(redis_server)
    started = time.perf_counter()
    run = trainer.start_run(**config)
    details = wait_run(trainer, run["id"])
    seconds = time.perf_counter() - started
    redis_after = redis_counters(redis_server)
    cpu = {name: (cpu_seconds(pid) - cpu_before[name]) / seconds for name, pid in pids.items()}
    cpu["viewers_processes"] = (sum(c.cpu_seconds() for c in crowds) - crowds_cpu) / seconds
    reports = [crowd.report(run["id"], details["last_seq"]) for crowd in crowds]
    for crowd in crowds:
        crowd.close()
    for server in servers:
        wait_viewers(server, 0)
    result: dict[str, Any] = {
        "servers": len(servers),
        "viewers": share * len(servers),
        "points": details["last_seq"],
        "run_seconds": round(seconds, 2),
        "latency_ms": [r["latency_ms"] for r in reports],
        "caught_up_s_max": max(r["caught_up_s"] for r in reports),
        "lost": sum(r["lost"] for r in reports),
        "duplicated": sum(r["duplicated"] for r in reports),
        "cpu_cores": {name: round(value, 2) for name, value in cpu.items()},
    }
    if servers[0] is not trainer:
        result["redis"] = {
            "cpu_cores": round((redis_after["cpu_s"] - redis_before["cpu_s"]) / seconds, 3),
            **{
                f"{way}_kb_per_s": round(
                    (redis_after[f"{way}_bytes"] - redis_before[f"{way}_bytes"]) / seconds / 1024, 1
                )
                for way in ("in", "out")
            },
        }
    return result


def main() -> None:
    options = parser(__doc__ or "")
    options.add_argument("--viewers", type=int, help="in all, split over the edges (default 1000)")
    options.add_argument("--standin-rate", type=float, default=1000.0, help="batches/s")
    options.add_argument("--seconds", type=float, help="about how long each run lasts (8)")
    options.add_argument("--detail", choices=("full", "envelope"), default="full")
    options.add_argument("--batch-size", type=int, default=512, help="smaller: longer runs")
    options.add_argument("--edges", type=int, default=2, help="the crowd split over this many")
    args = options.parse_args()
    viewers = args.viewers or (100 if args.quick else 1000)
    seconds = args.seconds or (2 if args.quick else 8)
    config = standin_config(args.standin_rate, seconds, args.batch_size)
    raise_fd_limit()
    workdir = scratch_dir("loopcast-bench-edges-")
    redis_server = RedisServer(workdir).start()
    folder = data_dir(args)
    env = {"LOOPCAST_STANDIN_RATE": str(args.standin_rate), "LOOPCAST_REDIS": redis_server.url}
    trainer = LiveServer(folder, workdir, **env).start()
    edges: list[LiveEdge] = []
    try:
        for _ in range(args.edges):
            edge = LiveEdge(folder, workdir, redis_server.url)
            edge.start()
            edges.append(edge)
        memory = idle_memory(edges[0], viewers // args.edges)
        print(memory, flush=True)
        trainer.wait_run(trainer.start_run(**config)["id"])  # warm everything's run path
        single = delivered(trainer, [trainer], viewers, config, redis_server, args.detail)
        print(single, flush=True)
        through = delivered(trainer, list(edges), viewers, config, redis_server, args.detail)
        print(through, flush=True)
    finally:
        for edge in edges:
            edge.stop()
        trainer.stop()
        redis_server.stop()
    p99 = {
        "single_process": max(r["p99"] for r in single["latency_ms"]),
        "through_redis": max(r["p99"] for r in through["latency_ms"]),
    }
    p99["through_redis_minus_single_ms"] = round(p99["through_redis"] - p99["single_process"], 1)
    figures = {"config": config, "detail": args.detail, "p99_ms": p99, "edge_idle_memory": memory}
    report(args, "edges", {**figures, "single_process": single, "through_redis": through})


if __name__ == "__main__":
    main()
