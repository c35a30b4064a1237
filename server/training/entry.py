"""The worker process's entry point, torch-free: the server's process imports it to start
the child, and only the child imports torch (never for the stand-in)."""

from multiprocessing.connection import Connection

from .protocol import WorkerOptions


def run_worker(conn: Connection, options: WorkerOptions) -> None:
    if options.standin_rate > 0:
        from .standin import StandIn

        StandIn.main(conn, options)
        return
    if options.inject_fault:  # the tests' faulty worker
        from .faults import FaultyWorker

        FaultyWorker.main(conn, options)
        return
    from .worker import Worker

    Worker.main(conn, options)
