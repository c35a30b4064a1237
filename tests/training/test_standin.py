"""The stand-in worker: the real worker's pipe protocol at a set rate, without torch."""

import json
import multiprocessing
import subprocess
import sys
import time
from collections.abc import Iterator
from multiprocessing.connection import Connection
from pathlib import Path

import pytest

from server.training.protocol import Message, WorkerOptions, run_worker
from tests.live import REPO, LiveServer

SPAWN = multiprocessing.get_context("spawn")  # as the supervisor starts the worker


def start_standin(rate: float, max_run_seconds: float = 60) -> tuple[Connection, Message]:
    server, worker = SPAWN.Pipe()
    options = WorkerOptions("", "cpu", max_run_seconds, standin_rate=rate)
    SPAWN.Process(target=run_worker, args=(worker, options), daemon=True).start()
    worker.close()
    return server, server.recv()


@pytest.fixture(scope="module")
def standin() -> Iterator[Connection]:
    conn, ready = start_standin(rate=5000)
    assert ready["kind"] == "ready"
    yield conn
    conn.send({"kind": "quit"})


def run_messages(conn: Connection, run: int, **config: object) -> list[Message]:
    """Train one run; every message until (and with) its `ended`."""
    conn.send({"kind": "train", "run": run, "config": config})
    messages = [conn.recv()]
    while messages[-1]["kind"] != "ended":
        assert conn.poll(30), "the stand-in went quiet"
        messages.append(conn.recv())
    return messages


def steps_of(messages: list[Message]) -> list[int]:
    return [step for m in messages if m["kind"] == "points" for step in m["step"]]


def test_says_it_is_a_stand_in() -> None:
    conn, ready = start_standin(rate=20_000)
    conn.send({"kind": "quit"})
    assert ready == {
        "kind": "ready",
        "device": "standin",
        "device_name": "stand-in (20,000 batches/s)",
        "cuda_available": False,
        "torch_version": "",
    }


def test_a_run_streams_every_step_once_then_its_epoch(standin: Connection) -> None:
    messages = run_messages(standin, 1, epochs=3, batch_size=600)
    assert messages[0] == {"kind": "started", "run": 1, "steps_per_epoch": 100, "total_steps": 300}
    assert steps_of(messages) == list(range(1, 301))
    assert messages[-1] == {"kind": "ended", "run": 1, "status": "finished", "reason": None}
    seen = 0
    for message in messages:
        if message["kind"] == "points":
            assert len({len(message[k]) for k in ("step", "epoch", "loss", "acc", "t")}) == 1
            assert message["epoch"] == [(s - 1) // 100 + 1 for s in message["step"]]
            seen = message["step"][-1]
        elif message["kind"] == "epoch":
            assert seen == 100 * message["epoch"]  # after its last point, as the real loop
    points = [m for m in messages if m["kind"] == "points"]
    loss = [value for m in points for value in m["loss"]]
    acc = [value for m in points for value in m["acc"]]
    assert sum(loss[:50]) > 2 * sum(loss[-50:])  # falls
    assert sum(acc[-50:]) > 2 * sum(acc[:50]) and all(0 <= a <= 1 for a in acc)  # rises


def test_same_seed_same_curve_whatever_the_ticks(standin: Connection) -> None:
    def losses(run: int, seed: int) -> list[float]:
        messages = run_messages(standin, run, epochs=1, batch_size=100, seed=seed)
        return [value for m in messages if m["kind"] == "points" for value in m["loss"]]

    first, again, other = losses(2, seed=7), losses(3, seed=7), losses(4, seed=8)
    assert first == again and first != other and len(first) == 600


def test_rate_is_roughly_the_setting(standin: Connection) -> None:
    started = time.perf_counter()
    messages = run_messages(standin, 5, epochs=2, batch_size=64)  # 1,876 steps at 5,000/s
    seconds = time.perf_counter() - started
    assert len(steps_of(messages)) == 1876
    assert 0.3 < seconds < 3.0, seconds  # 0.38 s at the rate; generous for a busy machine
    assert sum(m["kind"] == "points" for m in messages) >= 5  # in ticks, not at once


def test_pace_stretches_the_run(standin: Connection) -> None:
    started = time.perf_counter()
    messages = run_messages(standin, 6, epochs=1, batch_size=6000, pace_s=1)  # 10 steps
    assert steps_of(messages) == list(range(1, 11))
    assert 0.8 < time.perf_counter() - started < 3.0


def test_stop_ends_the_run_within_a_tick_or_so(standin: Connection) -> None:
    standin.send({"kind": "train", "run": 7, "config": {"epochs": 50}})
    assert standin.recv()["kind"] == "started"
    assert standin.recv()["kind"] == "points"
    standin.send({"kind": "stop", "run": 7})
    asked = time.perf_counter()
    messages = [standin.recv()]
    while messages[-1]["kind"] != "ended":
        messages.append(standin.recv())
    assert time.perf_counter() - asked < 1.0
    assert messages[-1]["status"] == "stopped"
    assert messages[-1]["reason"] == "stopped by the presenter"


def test_demos_are_refused_and_the_time_cap_holds() -> None:
    conn, _ = start_standin(rate=1000, max_run_seconds=0.3)
    conn.send({"kind": "demo", "req": 9, "name": "batch", "args": {}})
    reply = conn.recv()
    assert reply == {
        "kind": "reply",
        "req": 9,
        "ok": False,
        "error": "the stand-in worker has no demos",
    }
    ended = run_messages(conn, 1, epochs=50)[-1]
    conn.send({"kind": "quit"})
    assert ended["status"] == "stopped" and ended["reason"] == "time limit of 0.3 s reached"


def test_its_path_imports_no_torch() -> None:
    """The protocol module and the stand-in, run in a fresh interpreter: no torch loaded."""
    script = (
        "import json, sys\n"
        "from multiprocessing import Pipe\n"
        "from server.training.protocol import WorkerOptions, run_worker\n"
        "server, worker = Pipe()\n"
        "server.send({'kind': 'train', 'run': 1, 'config': {'epochs': 1, 'batch_size': 8192}})\n"
        "server.send({'kind': 'quit'})\n"
        "run_worker(worker, WorkerOptions('', 'cpu', 60, standin_rate=1000.0))\n"
        "kinds = []\n"
        "try:\n"
        "    while True:\n"
        "        kinds.append(server.recv()['kind'])\n"
        "except EOFError:\n"  # the stand-in closed its end when it quit
        "    pass\n"
        "print(json.dumps({'torch': 'torch' in sys.modules, 'kinds': kinds}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["kinds"][:3] == ["ready", "started", "points"] and answer["kinds"][-1] == "ended"
    assert answer["torch"] is False


@pytest.mark.slow
def test_live_server_streams_the_stand_in(small_data: Path, tmp_path: Path) -> None:
    live = LiveServer(small_data, tmp_path, LOOPCAST_STANDIN_RATE="5000").start()
    try:
        maps = Path(f"/proc/{live.worker_pid()}/maps").read_text()
        assert "libtorch" not in maps  # the spawned worker process never loaded torch
        assert live.http.get("/api/status").json()["device"] == "standin"
        with live.viewer("?detail=full") as viewer:
            viewer.receive()
            run = live.start_run(epochs=3)  # 2,814 steps, about 0.6 s at 5,000 a second
            assert viewer.until_status("finished") == "finished"
        details = live.http.get(f"/api/runs/{run['id']}").json()
        assert details["device"] == "standin" and details["last_seq"] == 2814
        assert viewer.seq == list(range(1, 2815))
        assert [e["epoch"] for e in viewer.epochs] == [1, 2, 3]
    finally:
        live.stop()
