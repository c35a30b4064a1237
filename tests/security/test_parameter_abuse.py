"""Check 16: the largest settings a presenter may ask for (cnn, batch 8192, 50 epochs)
stay within a bounded amount of memory, end at LOOPCAST_MAX_RUN_SECONDS, and can be
stopped at any time."""

import time
from pathlib import Path

import pytest

from loopcast.data.synthetic import write_synthetic_dataset
from loopcast.runs import STOP_GRACE_SECONDS
from support.live import LiveServer

pytestmark = pytest.mark.slow

LARGEST = {"model": "cnn", "batch_size": 8192, "epochs": 50}
CAP_SECONDS = 8
# The cnn's activations for 8192 images, its gradients and the data: measured peak
# 3.3 GiB on CPU (2 cores); the bound leaves room, and is well below a laptop's memory.
WORKER_PEAK_BOUND_KIB = 5 * 1024 * 1024


def peak_rss_kib(pid: int) -> int:
    """The process's peak resident memory so far; 0 once it has exited."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return 0
    lines = [line for line in status.splitlines() if line.startswith("VmHWM:")]
    return int(lines[0].split()[1]) if lines else 0


def wait_run_measuring(server: LiveServer, run_id: int, worker: int) -> tuple[str, str, int]:
    """Wait for the run to end; its status, reason and the worker's peak memory."""
    peak, deadline = 0, time.monotonic() + 120
    while time.monotonic() < deadline:
        peak = max(peak, peak_rss_kib(worker))
        run = server.http.get(f"/api/runs/{run_id}").json()
        if run["status"] not in ("queued", "running"):
            return run["status"], run["reason"], peak
        time.sleep(0.1)
    raise TimeoutError(f"run {run_id} still active after 120 s")


@pytest.fixture(scope="module")
def big_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Enough training images for a full 8192-image batch."""
    data_dir = tmp_path_factory.mktemp("big-data")
    write_synthetic_dataset(data_dir, "mnist", train=10_000, test=500, seed=1)
    return data_dir


def test_the_largest_run_is_capped_in_time_and_memory(
    make_server: type[LiveServer], big_data: Path
) -> None:
    server = make_server(data_dir=big_data, LOOPCAST_MAX_RUN_SECONDS=str(CAP_SECONDS))
    worker = server.worker_pid()
    started = time.monotonic()
    run = server.start_run(**LARGEST)
    status, reason, peak = wait_run_measuring(server, run["id"], worker)
    took = time.monotonic() - started
    print(f"largest run: ended after {took:.1f} s, worker peak RSS {peak / 1024:.0f} MiB")
    assert status == "stopped"
    assert reason.startswith(f"time limit of {CAP_SECONDS} s reached")
    # Checked between steps by the worker; a step that will not end gets the worker killed.
    assert took < CAP_SECONDS + STOP_GRACE_SECONDS + 5
    assert peak < WORKER_PEAK_BOUND_KIB, f"worker peak {peak} KiB"

    # The stop endpoint works mid-run, and the next run starts.
    server.wait_healthy(60)
    run = server.start_run(**LARGEST)
    time.sleep(1)
    asked = time.monotonic()
    response = server.http.post(f"/api/runs/{run['id']}/stop", headers=server.auth)
    assert response.status_code == 202
    assert time.monotonic() - asked < 1
    stopped = server.wait_run(run["id"], timeout=60)
    took = time.monotonic() - asked
    print(f"stop took effect after {took:.1f} s")
    assert stopped["status"] == "stopped"
    assert stopped["reason"].startswith("stopped by the presenter")
    assert took < STOP_GRACE_SECONDS + 2
    server.wait_healthy(60)
    again = server.start_run(epochs=1)
    assert server.wait_run(again["id"])["status"] == "finished"
