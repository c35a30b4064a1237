"""What the server and the worker process say to each other over their pipe (no torch here,
so the server process never imports it)."""

from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

# Server to worker: {"kind": "train", "run", "config"}, {"kind": "stop", "run"},
#   {"kind": "demo", "req", "name", "args"}, {"kind": "quit"}.
# Worker to server: "ready", "started", "points", "epoch", "ended", "reply", "fatal".
Message = dict[str, Any]


@dataclass(frozen=True)
class WorkerOptions:
    data_dir: str
    device: str  # "auto", "cpu" or "cuda"
    max_run_seconds: float
    # Test hook, e.g. "exception@5" or "oom@5": raise at that step (LOOPCAST_INJECT_FAULT).
    inject_fault: str = ""
    # Batches a second made up by the stand-in worker (no torch); 0: the real worker trains.
    standin_rate: float = 0.0


def run_worker(conn: Connection, options: WorkerOptions) -> None:
    """The worker process's entry point; torch is imported in the child only (never for
    the stand-in)."""
    if options.standin_rate > 0:
        from server.training.standin import standin_main

        standin_main(conn, options)
        return
    from server.training.worker import worker_main

    worker_main(conn, options)
