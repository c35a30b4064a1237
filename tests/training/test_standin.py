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

from loopcast.training.entry import run_worker
from loopcast.training.protocol import (
    Demo,
    Ended,
    Epoch,
    Points,
    Quit,
    Ready,
    Reply,
    Report,
    Started,
    Stop,
    Train,
    WorkerOptions,
)
from support.live import REPO, LiveServer

SPAWN = multiprocessing.get_context("spawn")  # as the supervisor starts the worker


def start_standin(rate: float, max_run_seconds: float = 60) -> tuple[Connection, Report]:
    server, worker = SPAWN.Pipe()
    options = WorkerOptions("", "cpu", max_run_seconds, standin_rate=rate)
    SPAWN.Process(target=run_worker, args=(worker, options), daemon=True).start()
    worker.close()
    return server, server.recv()


@pytest.fixture(scope="module")
def standin() -> Iterator[Connection]:
    conn, ready = start_standin(rate=5000)
    assert isinstance(ready, Ready)
    yield conn
    conn.send(Quit())


def run_messages(conn: Connection, run: int, **config: object) -> list[Report]:
    """Train one run; every message until (and with) its `Ended`."""
    conn.send(Train(run, config))
    messages = [conn.recv()]
    while not isinstance(messages[-1], Ended):
        assert conn.poll(30), "the stand-in went quiet"
        messages.append(conn.recv())
    return messages


def points_of(messages: list[Report]) -> list[Points]:
    return [message for message in messages if isinstance(message, Points)]


def steps_of(messages: list[Report]) -> list[int]:
    return [step for message in points_of(messages) for step in message.step]


def test_says_it_is_a_stand_in() -> None:
    conn, ready = start_standin(rate=20_000)
    conn.send(Quit())
    assert ready == Ready("standin", "stand-in (20,000 batches/s)", False, "")


def test_a_run_streams_every_step_once_then_its_epoch(standin: Connection) -> None:
    messages = run_messages(standin, 1, epochs=3, batch_size=600)
    assert messages[0] == Started(1, steps_per_epoch=100, total_steps=300)
    assert steps_of(messages) == list(range(1, 301))
    ended = messages[-1]
    assert isinstance(ended, Ended) and (ended.status, ended.reason) == ("finished", None)
    seen = 0
    for message in messages:
        if isinstance(message, Points):
            columns = (message.step, message.epoch, message.loss, message.acc, message.t)
            assert len({len(column) for column in columns}) == 1
            assert message.epoch == [(s - 1) // 100 + 1 for s in message.step]
            seen = message.step[-1]
        elif isinstance(message, Epoch):
            assert seen == 100 * message.epoch  # after its last point, as the real loop
    points = points_of(messages)
    loss = [value for m in points for value in m.loss]
    acc = [value for m in points for value in m.acc]
    assert sum(loss[:50]) > 2 * sum(loss[-50:])  # falls
    assert sum(acc[-50:]) > 2 * sum(acc[:50]) and all(0 <= a <= 1 for a in acc)  # rises


def test_same_seed_same_curve_whatever_the_ticks(standin: Connection) -> None:
    def losses(run: int, seed: int) -> list[float]:
        messages = run_messages(standin, run, epochs=1, batch_size=100, seed=seed)
        return [value for m in points_of(messages) for value in m.loss]

    first, again, other = losses(2, seed=7), losses(3, seed=7), losses(4, seed=8)
    assert first == again and first != other and len(first) == 600


def test_rate_is_roughly_the_setting(standin: Connection) -> None:
    started = time.perf_counter()
    messages = run_messages(standin, 5, epochs=2, batch_size=64)  # 1,876 steps at 5,000/s
    seconds = time.perf_counter() - started
    assert len(steps_of(messages)) == 1876
    assert 0.3 < seconds < 3.0, seconds  # 0.38 s at the rate; generous for a busy machine
    assert len(points_of(messages)) >= 5  # in ticks, not at once


def test_pace_stretches_the_run(standin: Connection) -> None:
    started = time.perf_counter()
    messages = run_messages(standin, 6, epochs=1, batch_size=6000, pace_s=1)  # 10 steps
    assert steps_of(messages) == list(range(1, 11))
    assert 0.8 < time.perf_counter() - started < 3.0


def test_stop_ends_the_run_within_a_tick_or_so(standin: Connection) -> None:
    standin.send(Train(7, {"epochs": 50}))
    assert isinstance(standin.recv(), Started)
    assert isinstance(standin.recv(), Points)
    standin.send(Stop(7))
    asked = time.perf_counter()
    messages = [standin.recv()]
    while not isinstance(messages[-1], Ended):
        messages.append(standin.recv())
    assert time.perf_counter() - asked < 1.0
    assert (messages[-1].status, messages[-1].reason) == ("stopped", "stopped by the presenter")


def test_demos_are_refused_and_the_time_cap_holds() -> None:
    conn, _ = start_standin(rate=1000, max_run_seconds=0.3)
    conn.send(Demo(9, "batch"))
    assert conn.recv() == Reply(9, error="the stand-in worker has no demos")
    ended = run_messages(conn, 1, epochs=50)[-1]
    conn.send(Quit())
    assert isinstance(ended, Ended)
    assert (ended.status, ended.reason) == ("stopped", "time limit of 0.3 s reached")


def test_its_path_imports_no_torch() -> None:
    """The protocol module and the stand-in, run in a fresh interpreter: no torch loaded."""
    script = (
        "import json, sys\n"
        "from multiprocessing import Pipe\n"
        "from loopcast.training.entry import run_worker\n"
        "from loopcast.training.protocol import Quit, Train, WorkerOptions\n"
        "server, worker = Pipe()\n"
        "server.send(Train(1, {'epochs': 1, 'batch_size': 8192}))\n"
        "server.send(Quit())\n"
        "run_worker(worker, WorkerOptions('', 'cpu', 60, standin_rate=1000.0))\n"
        "kinds = []\n"
        "try:\n"
        "    while True:\n"
        "        kinds.append(type(server.recv()).__name__)\n"
        "except EOFError:\n"  # the stand-in closed its end when it quit
        "    pass\n"
        "print(json.dumps({'torch': 'torch' in sys.modules, 'kinds': kinds}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["kinds"][:3] == ["Ready", "Started", "Points"] and answer["kinds"][-1] == "Ended"
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
