"""The QR moment: a hall of phones opens /watch at once behind venue Wi-Fi, before and after
the production build (issue 20).

bench.venue's link (a veth pair into a namespace of our own, tbf at 40 Mbit/s both ways):
the server binds the host end, the phones (`bench.phones`) run inside the namespace. For
each case, a real Chromium on this side (unshaped) first loads /watch to the first chart,
and the URLs it fetched are what every phone fetches, in that order, over one HTTP/1.1
keep-alive connection with `Accept-Encoding: gzip, br`; then each opens the envelope stream
and waits for its first message. The cases:
  before: the source page, unbuilt and uncompressed, uvicorn's 5 s keep-alive (as on main);
  built, 5 s keep-alive: the built page, to show what the keep-alive alone does;
  after: the built page and loopcast's keep-alive (LOOPCAST_KEEP_ALIVE_S, 75 s).
Reported side by side: bytes and requests per phone, seconds from scan to the first stream
message (p50, p99, max), failures, requests sent again on a new connection because the
server had closed the kept one, and the link's floor (bytes per phone x phones / rate).
Also the deck's first load in Chromium, before and after. Needs root (`ip netns add`);
without it, says so and exits 0.
Run (as root): .venv/bin/python -m bench.qr [--quick] [--phones 100,1000] [--over 2]
"""

import json
import resource
import subprocess
import sys
from functools import partial
from typing import Any

from playwright.sync_api import sync_playwright

from bench.common import cpu_seconds, data_dir, median, parser, percentiles, report
from bench.crowd import start_server
from bench.venue import IN_VENUE, SHAPER, namespaces_refused, shaper_counts, venue_link
from bench.viewers import VENUE_SERVER
from support.live import LiveServer
from support.pageweight import Load, measure

RATE_BYTES = 40e6 / 8  # the shaper's rate
BROWSER = "/usr/bin/chromium"
BROWSER_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--no-first-run"]
CASES: dict[str, dict[str, str]] = {
    "before": {"LOOPCAST_BUILT_PAGES": "false", "LOOPCAST_KEEP_ALIVE_S": "5"},
    "built, 5 s keep-alive": {"LOOPCAST_KEEP_ALIVE_S": "5"},
    "after": {},
}


def browse(live: LiveServer) -> dict[str, Load]:
    """Chromium's first view of /watch (to the first chart) and of the deck, at phone size."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=BROWSER, args=BROWSER_ARGS)
        try:
            loads = {}
            for name, path, ready in (
                ("watch", "/watch", ".lc-panel-mnist canvas"),
                ("deck", "/", ".slidev-page"),
            ):
                page = browser.new_page(viewport={"width": 412, "height": 915})
                loads[name] = measure(page, partial(page.goto, f"{live.url}{path}"), ready)
                page.close()
            return loads
        finally:
            browser.close()


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def hall(
    live: LiveServer, paths: list[str], phones: int, over: float, give_up: float
) -> dict[str, Any]:
    """`phones` phones in the venue fetch `paths`, then the stream; their figures."""
    command = [*IN_VENUE, sys.executable, "-m", "bench.phones", "--url", live.url]
    command += ["--count", str(phones), "--over", str(over), "--timeout", str(give_up)]
    command += ["--paths", *paths]
    assert live.process is not None
    before, cpu = shaper_counts(), cpu_seconds(live.process.pid)
    children = children_cpu()
    out = subprocess.run(command, check=True, capture_output=True, text=True, timeout=give_up + 60)
    after, cpu = shaper_counts(), cpu_seconds(live.process.pid) - cpu
    phones_cpu = children_cpu() - children
    results: list[dict[str, Any]] = json.loads(out.stdout)
    failed = [result for result in results if result["error"]]
    per_phone = round(median([result["bytes"] for result in results]))
    floor = per_phone * phones / RATE_BYTES
    seconds = percentiles([result["seconds"] for result in results], 2)
    return {
        "phones": phones,
        "bytes_per_phone": per_phone,
        "requests_per_phone": len(paths),
        "scan_to_stream_s": seconds,
        **{
            f"scan_to_{name}_s": percentiles(
                [result[f"{name}_s"] for result in results if result[f"{name}_s"] is not None], 2
            )
            for name in ("page", "upgraded")
        },
        "server_cpu_s": round(cpu, 1),
        "phones_cpu_s": round(phones_cpu, 1),  # the harness: it should not be the bottleneck
        "failed": len(failed),
        "errors": sorted({result["error"] for result in failed})[:5],
        "sent_again": sum(result["retries"] for result in results),
        "link_floor_s": round(floor, 2),
        "p99_over_floor": round(seconds["p99"] / floor, 2) if floor else None,
        "shaper_sent_mb": round((after["sent_bytes"] - before["sent_bytes"]) / 1e6, 1),
        "shaper_dropped_packets": after["dropped"] - before["dropped"],
    }


def table(cases: dict[str, dict[str, Any]]) -> str:
    """The halls side by side, one line per case and crowd."""
    lines = [
        "case | phones | KB/phone | requests | p50 s | p99 s | max s | failed | sent again "
        "| floor s | p99/floor"
    ]
    for name, case in cases.items():
        for run in case["halls"]:
            s = run["scan_to_stream_s"]
            lines.append(
                f"{name} | {run['phones']} | {run['bytes_per_phone'] / 1000:.1f} | "
                f"{run['requests_per_phone']} | {s['p50']} | {s['p99']} | {s['max']} | "
                f"{run['failed']} | {run['sent_again']} | {run['link_floor_s']} | "
                f"{run['p99_over_floor']}"
            )
    return "\n".join(lines)


def main() -> None:
    options = parser(__doc__ or "")
    options.add_argument("--phones", help="crowds, comma-separated (default 100,1000)")
    options.add_argument("--over", type=float, default=2.0, help="seconds the scans spread over")
    options.add_argument("--give-up", type=float, default=300.0, help="seconds, per phone")
    options.add_argument("--cases", help=f"comma-separated, of: {', '.join(CASES)}")
    args = options.parse_args()
    crowds = [int(n) for n in (args.phones or ("20" if args.quick else "100,1000")).split(",")]
    names = args.cases.split(",") if args.cases else list(CASES)
    unknown = [name for name in names if name not in CASES]
    if unknown:
        raise SystemExit(f"bench.qr: no case {unknown[0]!r}: one of {', '.join(CASES)}")
    refused = namespaces_refused()
    if refused:
        print(f"bench.qr: skipped, {refused}")
        return
    folder = data_dir(args)
    cases: dict[str, dict[str, Any]] = {}
    with venue_link():
        for name in names:
            live = start_server(folder, 0, VENUE_SERVER, **CASES[name])
            try:
                loads = browse(live)
                paths = [fetch.path for fetch in loads["watch"].network]
                halls = [hall(live, paths, n, args.over, args.give_up) for n in crowds]
            finally:
                live.stop()
            cases[name] = {
                "settings": CASES[name],
                "chromium_watch": {"paths": paths, "summary": loads["watch"].summary()},
                "chromium_deck": loads["deck"].summary(),
                "halls": halls,
            }
            print(name, json.dumps(cases[name]), flush=True)
    print(table(cases))
    link = {"shaper": " ".join(SHAPER), "both_ways": True, "scans_over_s": args.over}
    report(args, "qr", {"link": link, "cases": cases, "table": table(cases)})


if __name__ == "__main__":
    main()
