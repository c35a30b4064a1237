"""Venue Wi-Fi: 1,000 envelope viewers, then 1,000 full-detail viewers, behind one shared
40 Mbit/s link, watching the same kind of run on one server; first, for comparison, the
envelope crowd beside the server with no link in between.

The link is a veth pair into a network namespace of our own, shaped both ways with
`tc ... tbf rate 40mbit burst 32kbit latency 400ms`; the server binds the host end
(10.77.0.1), the crowd (`bench.viewers`) runs inside the namespace (10.77.0.2). Reported
per crowd: delivery latency, points lost and duplicated, how long after the run's end the
slowest viewer caught up, bytes per viewer, and what the shaper sent and dropped.
Needs root (`ip netns add`); without it, says so and exits 0. The namespace and both
ends of the pair are removed at the end, whatever happens.
Run (as root): .venv/bin/python -m bench.venue [--quick] [--viewers 1000] [--epochs 2]
         [--pace-s S] [--standin-rate R]
"""

import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from bench.common import data_dir, parser, report
from bench.crowd import Crowd, start_server, wait_run, wait_viewers
from bench.viewers import VENUE_SERVER
from support.live import LiveServer

NAMESPACE = "loopcast-venue"
HOST_END, VENUE_END = "lcvenue0", "lcvenue1"
VENUE_VIEWERS = "10.77.0.2"
SHAPER = ("tbf", "rate", "40mbit", "burst", "32kbit", "latency", "400ms")
IN_VENUE = ("ip", "netns", "exec", NAMESPACE)


def sh(*command: str) -> None:
    subprocess.run(command, check=True, capture_output=True, text=True)


def namespaces_refused() -> str | None:
    """Why this machine will not make us a network namespace (not root, no `ip`), or None."""
    try:
        sh("ip", "netns", "add", f"{NAMESPACE}-probe")
        sh("ip", "netns", "del", f"{NAMESPACE}-probe")
    except (subprocess.CalledProcessError, FileNotFoundError) as error:
        detail = getattr(error, "stderr", None) or error
        return f"cannot make a network namespace here ({str(detail).strip()})"
    return None


@contextmanager
def venue_link() -> Iterator[None]:
    """The namespace, the veth pair between it and us, and the 40 Mbit/s shaper."""
    sh("ip", "netns", "add", NAMESPACE)
    try:
        sh("ip", "link", "add", HOST_END, "type", "veth", "peer", "name", VENUE_END)
        sh("ip", "link", "set", VENUE_END, "netns", NAMESPACE)
        sh("ip", "addr", "add", f"{VENUE_SERVER}/30", "dev", HOST_END)
        sh("ip", "link", "set", HOST_END, "up")
        sh(*IN_VENUE, "ip", "addr", "add", f"{VENUE_VIEWERS}/30", "dev", VENUE_END)
        sh(*IN_VENUE, "ip", "link", "set", VENUE_END, "up")
        sh(*IN_VENUE, "ip", "link", "set", "lo", "up")
        sh("tc", "qdisc", "add", "dev", HOST_END, "root", *SHAPER)
        sh(*IN_VENUE, "tc", "qdisc", "add", "dev", VENUE_END, "root", *SHAPER)
        yield
    finally:
        subprocess.run(["ip", "netns", "del", NAMESPACE], check=False, capture_output=True)
        subprocess.run(["ip", "link", "del", HOST_END], check=False, capture_output=True)


def shaper_counts() -> dict[str, int]:
    """Bytes the host end's shaper sent towards the viewers, and packets it dropped."""
    out = subprocess.run(
        ["tc", "-s", "qdisc", "show", "dev", HOST_END], check=True, capture_output=True, text=True
    ).stdout.split()
    return {
        "sent_bytes": int(out[out.index("Sent") + 1]),
        "dropped": int(out[out.index("(dropped") + 1].rstrip(",")),
    }


def watched_run(
    live: LiveServer, viewers: int, detail: str, shaped: bool, config: dict[str, Any]
) -> dict[str, Any]:
    """A crowd in the venue (`shaped`), or beside the server, unshaped, for comparison."""
    crowd = Crowd(live, viewers, detail=detail, prefix=IN_VENUE if shaped else ())
    wait_viewers(live, viewers, timeout=120)
    crowd.reset()
    before = shaper_counts()
    started = time.perf_counter()
    run = live.start_run(**config)
    details = wait_run(live, run["id"])
    seconds = time.perf_counter() - started
    delivery = crowd.report(run["id"], details["last_seq"])
    after, until_caught_up = shaper_counts(), time.perf_counter() - started
    crowd.close()
    wait_viewers(live, 0, timeout=120)
    keys = "latency_ms caught_up_s lost viewers_missing_points duplicated messages bytes_per_viewer"
    return {
        "detail": detail,
        "link": "40 Mbit/s" if shaped else "none (loopback)",
        "viewers": viewers,
        "points": details["last_seq"],
        "run_seconds": round(seconds, 2),
        **{k: delivery[k] for k in keys.split()},
        # From the click until every viewer had every point (or the report gave up).
        "until_caught_up_s": round(until_caught_up, 2),
        "shaper_mbit_per_s": round(
            (after["sent_bytes"] - before["sent_bytes"]) * 8 / until_caught_up / 1e6, 1
        ),
        "shaper_dropped_packets": after["dropped"] - before["dropped"],
        "connected": {k: v for k, v in crowd.connected.items() if k != "stalled"},
    }


def main() -> None:
    options = parser(__doc__ or "")
    options.add_argument("--viewers", type=int, help="per crowd (default 1000)")
    options.add_argument("--epochs", type=int, help="per run (default 2)")
    options.add_argument("--pace-s", type=float, default=0.0, help="stretch each run (seconds)")
    options.add_argument("--standin-rate", type=float, default=0.0, help="batches/s, no training")
    args = options.parse_args()
    viewers = args.viewers or (20 if args.quick else 1000)
    config: dict[str, Any] = {"epochs": args.epochs or (1 if args.quick else 2)}
    if args.pace_s:
        config["pace_s"] = args.pace_s
    folder = data_dir(args)
    refused = namespaces_refused()
    if refused:
        print(f"bench.venue: skipped, {refused}")
        return
    runs = []
    with venue_link():
        live = start_server(folder, args.standin_rate, host=VENUE_SERVER)
        try:
            live.wait_run(live.start_run(epochs=1)["id"])  # warm the worker's run path
            for detail, shaped in (("envelope", False), ("envelope", True), ("full", True)):
                runs.append(watched_run(live, viewers, detail, shaped, config))
                print(runs[-1], flush=True)
        finally:
            live.stop()
    link = {"shaper": " ".join(SHAPER), "both_ways": True}
    report(args, "venue", {"link": link, "config": config, "runs": runs})


if __name__ == "__main__":
    main()
