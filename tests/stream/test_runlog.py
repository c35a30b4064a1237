"""A run's log takes the worker's reports straight from the pipe's reader (see
Supervisor.train): its own run's while it is active, and it wakes the hub each time."""

from dataclasses import replace

from loopcast.stream.run import RunInfo
from loopcast.stream.runlog import RunLog
from loopcast.training.protocol import Epoch, LrChanged, Points


def report(run: int, first: int) -> Points:
    steps = [first, first + 1]
    return Points(run, steps, [1, 1], [float("nan"), 0.5], [0.1, 0.2], [0.01, 0.02], 1.0)


def test_a_worker_s_reports_go_to_the_live_run_only_while_it_runs() -> None:
    """Another run's, or any after the run ended (a worker killed at the time cap may have
    sent some), are left out, and wake nobody."""
    wakes: list[int] = []
    log = RunLog(RunInfo(id=2, status="running"), grew=lambda: wakes.append(log.last_seq))
    log.take(report(2, 1))
    log.take(report(1, 3))  # an older run's
    assert log.columns["seq"] == [1, 2] and log.columns["loss"] == [None, 0.5]
    assert wakes == [2]
    log.take(LrChanged(2, 3, 0.01))
    log.take(Epoch(2, 1, 0.4, 0.3, 0.9, 1000.0, 1.5))
    assert log.lr_changes == [{"seq": 3, "lr": 0.01}]
    assert log.epochs[0]["last_seq"] == 2 and wakes == [2, 2, 2]
    log.set_info(replace(log.info, status="stopped"))
    log.take(report(2, 3))
    assert log.last_seq == 2 and wakes == [2, 2, 2]


def test_a_queued_run_takes_its_first_points() -> None:
    """The worker may answer before the server hears `Started`: the run is still queued."""
    log = RunLog(RunInfo(id=1, status="queued"))
    log.take(report(1, 1))
    assert log.last_seq == 2
