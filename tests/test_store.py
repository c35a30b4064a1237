"""The SQLite store: every worker report written, a diverged run's null losses, and databases
of earlier versions."""

import sqlite3
from pathlib import Path

from loopcast.schema import SCHEMA
from loopcast.store import Store
from loopcast.training import protocol

DEVICE = {"device": "cpu", "device_name": "CPU", "torch_version": "2.14.1"}
POINT = {"seq": [1], "step": [1], "epoch": [1], "acc": [0.5], "t": [0.1]}
EPOCH = {"epoch": 1, "val_acc": 0.1, "samples_per_s": 100.0, "t": 1.0}


def test_a_diverged_run_is_stored_with_null_losses(tmp_path: Path) -> None:
    store = Store(tmp_path / "runs.db")
    run = store.create_run("lr 10", {"epochs": 1}, DEVICE)
    store.add_points(run["id"], {**POINT, "loss": [None]})
    store.add_epoch(run["id"], {**EPOCH, "train_loss": None, "val_loss": None})
    assert store.points(run["id"])["loss"] == [None]
    assert store.epochs(run["id"])[0]["val_loss"] is None


def test_a_first_version_database_keeps_its_runs_and_takes_null_losses(tmp_path: Path) -> None:
    # The first schema, as earlier loopcast versions made it: losses NOT NULL.
    first = SCHEMA.replace("loss REAL,", "loss REAL NOT NULL,").replace(
        "train_loss REAL,", "train_loss REAL NOT NULL,"
    )
    first = first.replace("val_loss REAL,", "val_loss REAL NOT NULL,")
    assert first.count("NOT NULL") == SCHEMA.count("NOT NULL") + 3
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as db:
        db.executescript(first)
        db.execute(
            "INSERT INTO runs (id, name, status, config, device, device_name, torch_version, "
            "created_at) VALUES (1, 'before', 'finished', '{}', 'cpu', 'CPU', '2.14.1', 0)"
        )
        db.execute("INSERT INTO points VALUES (1, 1, 1, 1, 2.3, 0.1, 0.0)")
    run = {"id": 1}
    store = Store(path)
    assert store.points(run["id"])["loss"] == [2.3]
    store.add_points(run["id"], {**POINT, "seq": [2], "step": [2], "loss": [None]})
    store.add_epoch(run["id"], {**EPOCH, "train_loss": None, "val_loss": None})
    assert store.points(run["id"])["loss"] == [2.3, None]


def test_every_worker_report_is_written_where_its_run_is_read_back(tmp_path: Path) -> None:
    """The pipe's reader hands each worker message to add_report before the stream sees
    it: a run's points, epochs, evals, lr changes, start and end all land."""
    store = Store(tmp_path / "runs.db")
    run = store.create_run("whole", {"epochs": 1}, DEVICE)["id"]
    confusion = [[1, 0], [0, 1]]
    reports: list[protocol.Report] = [
        protocol.Started(run, steps_per_epoch=2, total_steps=2),
        protocol.LrChanged(run, seq=2, lr=0.01),
        protocol.Points(run, [1, 2], [1, 1], [2.3, float("nan")], [0.1, 0.2], [0.5, 0.6], 1.0),
        protocol.Epoch(run, 1, 0.4, 0.3, 0.9, 1000.0, 1.5),
        protocol.Eval(run, 1, test_images=2, sampled=2, confusion=confusion, mistakes=[]),
        protocol.Ended(run, "finished", None, unpaced_s=1.25),
    ]
    for report in reports:
        store.add_report(report)
    points = store.points(run)
    assert points["seq"] == [1, 2] and points["loss"] == [2.3, None]
    assert [(e["epoch"], e["val_acc"]) for e in store.epochs(run)] == [(1, 0.9)]
    assert store.evals(run)[0]["confusion"] == confusion
    assert store.lr_changes(run) == [{"seq": 2, "lr": 0.01}]
    stored = store.get_run(run)
    assert stored is not None
    assert (stored["status"], stored["total_steps"], stored["unpaced_s"]) == ("finished", 2, 1.25)
    assert stored["started_at"] <= stored["finished_at"]
