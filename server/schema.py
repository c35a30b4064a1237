"""The SQLite tables, and how an older database is brought up to them."""

import sqlite3

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    reason TEXT,
    config TEXT NOT NULL,
    device TEXT NOT NULL,
    device_name TEXT NOT NULL,
    torch_version TEXT NOT NULL,
    steps_per_epoch INTEGER,
    total_steps INTEGER,
    created_at REAL NOT NULL,
    started_at REAL,
    finished_at REAL,
    unpaced_s REAL
);
CREATE TABLE IF NOT EXISTS points (
    run_id INTEGER NOT NULL REFERENCES runs(id),
    seq INTEGER NOT NULL,
    step INTEGER NOT NULL,
    epoch INTEGER NOT NULL,
    loss REAL,  -- null: a diverged step (inf or NaN)
    acc REAL NOT NULL,
    t REAL NOT NULL,
    PRIMARY KEY (run_id, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS epochs (
    run_id INTEGER NOT NULL REFERENCES runs(id),
    epoch INTEGER NOT NULL,
    train_loss REAL,  -- null: diverged
    val_loss REAL,
    val_acc REAL NOT NULL,
    samples_per_s REAL NOT NULL,
    t REAL NOT NULL,
    PRIMARY KEY (run_id, epoch)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS evals (
    run_id INTEGER NOT NULL REFERENCES runs(id),
    epoch INTEGER NOT NULL,
    last_seq INTEGER NOT NULL,
    body TEXT NOT NULL,  -- JSON: test_images, sampled, confusion, mistakes
    PRIMARY KEY (run_id, epoch)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS lr_changes (
    run_id INTEGER NOT NULL REFERENCES runs(id),
    seq INTEGER NOT NULL,  -- the first point trained with lr
    lr REAL NOT NULL,
    PRIMARY KEY (run_id, seq)
) WITHOUT ROWID;
"""

# Columns added since the first schema: (name, SQL type), added to an older database.
ADDED_RUN_COLUMNS = (("unpaced_s", "REAL"), ("replay_of", "INTEGER"), ("replay_speed", "REAL"))
# Columns that were NOT NULL in the first schema and may now be null (a diverged run).
NULLABLE_SINCE_FIRST = {"points": "loss", "epochs": "val_loss"}


def create_tables(db: sqlite3.Connection) -> list[str]:
    """The tables made if missing, and the run columns added since the first schema; the
    tables still to `rebuild` (NOT NULL columns that may now be null)."""
    db.executescript(SCHEMA)
    known = {row[1] for row in db.execute("PRAGMA table_info(runs)")}
    for name, kind in ADDED_RUN_COLUMNS:
        if name not in known:
            db.execute(f"ALTER TABLE runs ADD COLUMN {name} {kind}")
    return [table for table, column in NULLABLE_SINCE_FIRST.items() if _not_null(db, table, column)]


def _not_null(db: sqlite3.Connection, table: str, column: str) -> bool:
    return any(row[1] == column and row[3] for row in db.execute(f"PRAGMA table_info({table})"))


def rebuild(db: sqlite3.Connection, table: str) -> None:
    """An older database's `table` made again as SCHEMA has it now, rows kept (SQLite
    cannot drop a NOT NULL); the caller holds it in one transaction."""
    create = next(part for part in SCHEMA.split(";") if f" {table} (" in part)
    db.execute(f"ALTER TABLE {table} RENAME TO {table}_before")
    db.execute(create)
    db.execute(f"INSERT INTO {table} SELECT * FROM {table}_before")
    db.execute(f"DROP TABLE {table}_before")
