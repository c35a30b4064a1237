"""Recordings and replay: a recording of a 50-epoch run of the seed config (46,900 points
over 60 s, as on a CPU; 5 epochs over 6 s with --quick), imported with `loopcast runs import`
onto a running server, exported back with `loopcast runs export`, then replayed at speeds
10 and 100 with a full-detail viewer watching. Figures: the file's size, the import and
export seconds, each replay's click-to-201 (its synchronous part on the event loop) and
click-to-first-point (the recording is read off the loop first), and its wall time (from its
first point) times its speed over the recording's (1.0 is on time; never below), with every
point delivered to the viewer.
Run: .venv/bin/python -m bench.replay [--quick]
"""

import json
import subprocess
import sys
import time
from typing import Any

from bench.common import data_dir, parser, report, scratch_dir
from bench.crowd import start_server
from support.live import LiveServer
from support.recordings import made_up_recording

STEPS_PER_EPOCH = 938  # MNIST's 60,000 images in batches of 64


def loopcast(*args: str) -> tuple[float, str]:
    """Seconds the `loopcast runs` command took, and what it printed."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "loopcast", "runs", *args],
        capture_output=True,
        text=True,
        check=True,
    )
    return round(time.perf_counter() - started, 3), done.stdout.strip()


def replay(live: LiveServer, run_id: int, speed: float, recorded_s: float) -> dict[str, Any]:
    with live.viewer(max_size=None) as viewer:  # a late snapshot of 46,900 points: 2 MB
        viewer.receive()
        started = time.perf_counter()
        response = live.http.post(
            f"/api/runs/{run_id}/replay", json={"speed": speed}, headers=live.auth
        )
        click_ms = (time.perf_counter() - started) * 1000
        new_id = response.json()["id"]
        while viewer.snapshot is None or viewer.snapshot["run"] != new_id or not viewer.seq:
            viewer.receive()
        first_point_ms = (time.perf_counter() - started) * 1000
        viewer.until_status("finished")
    run = next(r for r in live.http.get("/api/runs").json()["runs"] if r["id"] == new_id)
    return {
        "speed": speed,
        "click_to_201_ms": round(click_ms, 1),
        "click_to_first_point_ms": round(first_point_ms, 1),
        "wall_s": run["wall_s"],
        "wall_x_speed_over_recorded": round(run["wall_s"] * speed / recorded_s, 3),
        "points_delivered": len(viewer.seq),
    }


def main() -> None:
    options = parser(__doc__ or "").parse_args()
    epochs, seconds = (5, 6.0) if options.quick else (50, 60.0)
    folder = scratch_dir("loopcast-bench-replay-")
    file = folder / "recording.json"
    made_up = made_up_recording(epochs, STEPS_PER_EPOCH, seconds)
    file.write_text(json.dumps(made_up, separators=(",", ":")))
    live = start_server(data_dir(options))
    try:
        import_s, printed = loopcast("import", str(file), "--db", str(live.db))
        run_id = int(printed)
        export_s, _ = loopcast("export", printed, str(folder / "again.json"), "--db", str(live.db))
        replays = [replay(live, run_id, speed, seconds) for speed in (10, 100)]
    finally:
        live.stop()
    figures = {
        "points": epochs * STEPS_PER_EPOCH,
        "recorded_s": seconds,
        "file_mb": round(file.stat().st_size / 2**20, 2),
        "import_s": import_s,
        "export_s": export_s,
        "replays": replays,
    }
    report(options, "replay", figures)


if __name__ == "__main__":
    main()
