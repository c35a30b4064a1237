"""SQLite storage of runs, their points and epoch results (WAL; one writer at a time).

Points are written before they are streamed, so whatever a viewer saw survives a crash.
"""

import json
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .schema import create_tables, rebuild
from .stream.columns import EPOCH_COLUMNS, POINT_COLUMNS, Columns, Row
from .training import protocol
from .training.protocol import ACTIVE

RUN_COLUMNS = (
    *("id", "name", "status", "reason", "config", "device", "device_name", "torch_version"),
    *("steps_per_epoch", "total_steps", "created_at", "started_at", "finished_at"),
    *("unpaced_s", "replay_of", "replay_speed"),
)


class Store:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        # One connection shared by the event loop and the worker-reader thread, under a lock.
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            older = create_tables(self._db)
        for table in older:
            with self._transaction() as db:
                rebuild(db, table)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def mark_interrupted(self) -> int:
        """Runs left active by a crash or restart: they read `interrupted`, points kept."""
        with self._lock:
            cursor = self._db.execute(
                "UPDATE runs SET status='interrupted', reason=?, finished_at=? "
                "WHERE status IN (?, ?)",
                ("the server stopped while this run was active", time.time(), *ACTIVE),
            )
            return cursor.rowcount

    def create_run(self, name: str, config: dict[str, Any], device: dict[str, str]) -> Row:
        with self._lock:
            cursor = self._db.execute(
                "INSERT INTO runs (name, status, config, device, device_name, torch_version, "
                "created_at) VALUES (?, 'queued', ?, ?, ?, ?, ?)",
                (
                    name,
                    json.dumps(config),
                    device["device"],
                    device["device_name"],
                    device["torch_version"],
                    time.time(),
                ),
            )
            run_id = cursor.lastrowid
        assert run_id is not None
        run = self.get_run(run_id)
        assert run is not None
        return run

    def update_run(self, run_id: int, **fields: Any) -> None:
        names = ", ".join(f"{name}=?" for name in fields)
        with self._lock:
            self._db.execute(f"UPDATE runs SET {names} WHERE id=?", (*fields.values(), run_id))

    def add_report(self, message: protocol.Report) -> None:
        """A worker's message, written before the stream has it (on the pipe's reader)."""
        match message:
            case protocol.Points(run=run):
                self.add_points(run, message.columns())
            case protocol.Epoch(run=run):
                self.add_epoch(run, message.row())
            case protocol.Eval(run=run):
                self.add_eval(run, message.row())
            case protocol.LrChanged(run=run):
                self.add_lr_change(run, message.row())
            case protocol.Started(run=run):
                self.update_run(run, **message.row())
            case protocol.Ended(run=run, status=status, reason=reason, unpaced_s=unpaced_s):
                finished_at = time.time()
                self.update_run(
                    run, status=status, reason=reason, finished_at=finished_at, unpaced_s=unpaced_s
                )

    def add_points(self, run_id: int, columns: Columns) -> None:
        rows = zip(*(columns[name] for name in POINT_COLUMNS), strict=True)
        # One transaction per tick: in autocommit each row was its own (measured: 34 ms
        # for a 1,000-point tick against 2.4 ms, the limit of ingest at GPU rates).
        with self._transaction() as db:
            db.executemany(
                "INSERT INTO points (run_id, seq, step, epoch, loss, acc, t) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                ((run_id, *row) for row in rows),
            )

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """All the writes inside, or, on any error, none of them."""
        with self._lock:
            self._db.execute("BEGIN")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def add_run(
        self, run: Row, points: Columns, epochs: list[Row], lr_changes: Sequence[Row] = ()
    ) -> int:
        """A whole run (an imported recording) under a new id, in one transaction: all of
        it or, on any error, nothing."""
        names = [name for name in RUN_COLUMNS if name != "id" and name in run]
        values = [json.dumps(run[name]) if name == "config" else run[name] for name in names]
        rows = zip(*(points[name] for name in POINT_COLUMNS), strict=True)
        with self._transaction() as db:
            cursor = db.execute(
                f"INSERT INTO runs ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})",
                values,
            )
            run_id = cursor.lastrowid
            db.executemany(
                f"INSERT INTO points (run_id, {', '.join(POINT_COLUMNS)}) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                ((run_id, *row) for row in rows),
            )
            db.executemany(
                f"INSERT INTO epochs (run_id, {', '.join(EPOCH_COLUMNS)}) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                ((run_id, *(epoch[name] for name in EPOCH_COLUMNS)) for epoch in epochs),
            )
            db.executemany(
                "INSERT INTO lr_changes (run_id, seq, lr) VALUES (?, ?, ?)",
                ((run_id, change["seq"], change["lr"]) for change in lr_changes),
            )
        assert run_id is not None
        return run_id

    def add_epoch(self, run_id: int, epoch: Row) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO epochs (run_id, epoch, train_loss, val_loss, val_acc, "
                "samples_per_s, t) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (run_id, *(epoch[name] for name in EPOCH_COLUMNS)),
            )

    def add_eval(self, run_id: int, evaluation: Row) -> None:
        """An epoch's eval, after its epoch's points: its last_seq is the run's last point."""
        body = {key: value for key, value in evaluation.items() if key != "epoch"}
        with self._lock:
            self._db.execute(
                "INSERT INTO evals (run_id, epoch, last_seq, body) VALUES (?, ?, "
                "(SELECT COALESCE(MAX(seq), 0) FROM points WHERE run_id=?), ?)",
                (run_id, evaluation["epoch"], run_id, json.dumps(body)),
            )

    def evals(self, run_id: int) -> list[Row]:
        """Every epoch's eval, oldest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT epoch, last_seq, body FROM evals WHERE run_id=? ORDER BY epoch", (run_id,)
            ).fetchall()
        return [
            {"epoch": epoch, "last_seq": last, **json.loads(body)} for epoch, last, body in rows
        ]

    def add_lr_change(self, run_id: int, change: Row) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO lr_changes (run_id, seq, lr) VALUES (?, ?, ?)",
                (run_id, change["seq"], change["lr"]),
            )

    def lr_changes(self, run_id: int) -> list[Row]:
        with self._lock:
            rows = self._db.execute(
                "SELECT seq, lr FROM lr_changes WHERE run_id=? ORDER BY seq", (run_id,)
            ).fetchall()
        return [{"seq": seq, "lr": lr} for seq, lr in rows]

    def _run_rows(self, where: str, args: Sequence[Any]) -> list[Row]:
        with self._lock:
            rows = self._db.execute(
                f"SELECT {', '.join(RUN_COLUMNS)}, "
                "(SELECT MAX(seq) FROM points WHERE run_id = runs.id) "
                f"FROM runs {where}",
                args,
            ).fetchall()
        runs = []
        for row in rows:
            run = dict(zip(RUN_COLUMNS, row, strict=False))
            run["config"] = json.loads(run["config"])
            run["last_seq"] = row[-1] or 0
            run["wall_s"] = _wall_seconds(run)
            runs.append(run)
        return runs

    def get_run(self, run_id: int) -> Row | None:
        runs = self._run_rows("WHERE id=?", (run_id,))
        return runs[0] if runs else None

    def list_runs(self, limit: int = 200) -> list[Row]:
        return self._run_rows("ORDER BY id DESC LIMIT ?", (limit,))

    def epochs(self, run_id: int) -> list[Row]:
        with self._lock:
            rows = self._db.execute(
                f"SELECT {', '.join(EPOCH_COLUMNS)} FROM epochs WHERE run_id=? ORDER BY epoch",
                (run_id,),
            ).fetchall()
        return [dict(zip(EPOCH_COLUMNS, row, strict=True)) for row in rows]

    def points(self, run_id: int) -> Columns:
        with self._lock:
            rows = self._db.execute(
                f"SELECT {', '.join(POINT_COLUMNS)} FROM points WHERE run_id=? ORDER BY seq",
                (run_id,),
            ).fetchall()
        # Rows to columns in C (zip), not a Python append per value.
        columns = zip(*rows, strict=True) if rows else ([] for _ in POINT_COLUMNS)
        return {name: list(values) for name, values in zip(POINT_COLUMNS, columns, strict=True)}


def _wall_seconds(run: Row) -> float | None:
    """How long the run took from its first step to its end, paced waits included."""
    if run["started_at"] is None or run["finished_at"] is None:
        return None
    return round(float(run["finished_at"]) - float(run["started_at"]), 3)
