"""Run lifecycle: one active run at a time, fed by the worker, stored, and published."""

import asyncio
import time
from dataclasses import replace
from typing import Any

from . import replay
from .store import Store
from .stream.columns import Columns, Row
from .stream.hub import Hub
from .stream.rations import DEFAULT_WEIGHTS_BUDGET
from .stream.run import RunInfo
from .stream.runlog import RunLog
from .supervisor import Supervisor, WorkerState, WorkerUnavailable
from .training.config import TrainConfig
from .training.protocol import (
    ACTIVE,
    Ended,
    Epoch,
    Eval,
    LrChanged,
    Points,
    Report,
    RunStatus,
    SetLr,
    Started,
    Stop,
    Train,
    Weights,
    WorkerOptions,
)

# The worker stops between steps; one step that takes longer than this (cnn, batch 8192,
# on a CPU) gets the worker killed, so a stop or the time cap always takes effect.
STOP_GRACE_SECONDS = 5.0


class RunActive(Exception):
    def __init__(self, run_id: int) -> None:
        super().__init__(f"run {run_id} is still active: stop it first")


class RunNotActive(Exception):
    pass


class RunNotFound(Exception):
    pass


class NothingToReplay(Exception):
    pass


class RunManager:
    def __init__(
        self, store: Store, options: WorkerOptions, weights_budget: float = DEFAULT_WEIGHTS_BUDGET
    ) -> None:
        self.store = store
        # Snapshots carry the server's status; phones share the weights budget (bytes/s).
        self.hub = Hub(self.server_status, weights_budget)
        # Every worker message is stored first; a run's points and epochs then go straight
        # to its log (`Supervisor.train`), its lifecycle comes here.
        self.supervisor = Supervisor(options, store.add_report, self.apply, self.worker_died)
        self.active: RunLog | None = None
        # The task playing the active run when it is a replay (no worker involved).
        self._replay: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start the worker (in the lifespan, on the event loop); it warms up meanwhile."""
        self.supervisor.start()

    # Commands from the API (event loop).

    def start_run(self, config: TrainConfig) -> RunInfo:
        """Create a run and hand it to the worker; no await, so two clicks cannot both win."""
        if self.active is not None:
            raise RunActive(self.active.id)
        ready = self.supervisor.ready
        device = {
            "device": ready.device if ready else self.supervisor.options.device,
            "device_name": ready.device_name if ready else "",
            "torch_version": ready.torch_version if ready else "",
        }
        info = RunInfo.from_row(self.store.create_run(config.name, config.model_dump(), device))
        log = RunLog(info, grew=self.hub.publish)
        try:
            self.supervisor.train(Train(info.id, config.model_dump()), log.take)
        except WorkerUnavailable as error:
            self.store.update_run(info.id, status="failed", reason=str(error))
            raise
        self.active = log
        self.hub.set_run(log)
        return info

    def start_replay(self, run_id: int, speed: float, name: str | None) -> RunInfo:
        """Stream a stored run again as a new run, played here (no worker): see
        server/replay.py. No await, as in start_run, so two clicks cannot both win."""
        if self.active is not None:
            raise RunActive(self.active.id)
        original = self.store.get_run(run_id)
        if original is None:
            raise RunNotFound(f"no run {run_id}")
        if not original["last_seq"]:
            raise NothingToReplay(f"run {run_id} has no points to replay: pick one that trained")
        # The recording's device, not this server's: a GPU rehearsal still says its GPU.
        device = {key: original[key] for key in ("device", "device_name", "torch_version")}
        name = name or f"replay of {original['name'] or f'run {run_id}'}"
        created = RunInfo.from_row(self.store.create_run(name, original["config"], device))
        self.store.update_run(created.id, replay_of=run_id, replay_speed=speed)
        info = replace(created, replay_of=run_id, replay_speed=speed)
        self.active = RunLog(info, grew=self.hub.publish)
        self.hub.set_run(self.active)
        playing = self._play(original, info.id, speed)
        self._replay = asyncio.get_running_loop().create_task(playing)
        return info

    async def _play(self, original: Row, run_id: int, speed: float) -> None:
        try:
            # Read off the event loop: a 50-epoch run's 46,900 points take 0.2-0.3 s.
            recorded = await asyncio.to_thread(self._recorded, original["id"])
            points, epochs, lr_changes, evals = recorded
            messages = replay.plan(run_id, original, points, epochs, speed, lr_changes, evals)
            await replay.play(messages, self._deliver)
        except Exception as error:  # a bug or a full disk: the replay ends, not stuck active
            ended = Ended(run_id, "failed", f"the replay failed: {error}")
            try:
                self.store.add_report(ended)
            finally:  # the disk may still refuse: the slot is freed all the same
                self.apply(ended)

    def _recorded(self, run_id: int) -> tuple[Columns, list[Row], list[Row], list[Row]]:
        store = self.store
        points, epochs = store.points(run_id), store.epochs(run_id)
        return points, epochs, store.lr_changes(run_id), store.evals(run_id)

    def _deliver(self, message: Report) -> None:
        """A message made in this process, down the path a worker's takes."""
        self.store.add_report(message)
        self.apply(message)

    def _stop_replay(self, run_id: int, reason: str) -> None:
        assert self._replay is not None
        self._replay.cancel()  # it is between two messages: it sends no other
        self._deliver(Ended(run_id, "stopped", reason))

    def stop_run(self, run_id: int) -> RunInfo:
        log = self.active
        if log is None or log.id != run_id:
            raise RunNotActive(f"run {run_id} is not active")
        if self._replay is not None:
            self._stop_replay(run_id, "stopped by the presenter")
            return log.info
        self.supervisor.send(Stop(run_id))
        self._enforce_stop(run_id, "stopped by the presenter", STOP_GRACE_SECONDS)
        return log.info

    def set_lr(self, run_id: int, lr: float) -> RunInfo:
        """Train the active run with `lr` from its next batch on (the worker says when)."""
        if self.active is None or self.active.id != run_id:
            raise RunNotActive(f"run {run_id} is not active")
        if self._replay is not None:
            raise RunNotActive(f"run {run_id} is a replay: it plays its recording as it was")
        self.supervisor.send(SetLr(run_id, lr))
        return self.active.info

    async def ask_worker(self, name: str, args: dict[str, Any], wait: float) -> dict[str, Any]:
        """A demo result from the worker (raises WorkerUnavailable, DemoFailed, TimeoutError)."""
        return await self.supervisor.request(name, args, wait)

    def set_slide(self, page: int, panel: str | None) -> None:
        """The presenter's current slide, sent to every viewer."""
        self.hub.set_slide(page, panel)

    def _enforce_stop(self, run_id: int, reason: str, after: float) -> None:
        asyncio.get_running_loop().call_later(after, self._stop_overdue, run_id, reason)

    def _stop_overdue(self, run_id: int, reason: str) -> None:
        """The run is still going past its stop or its time cap: end it, kill the worker."""
        log = self.active
        if log is None or log.id != run_id:
            return
        if self._replay is not None:
            self._stop_replay(run_id, reason)
            return
        reason = f"{reason}; the worker was killed mid-step"
        self.store.update_run(run_id, status="stopped", reason=reason, finished_at=time.time())
        self._end(log, "stopped", reason)
        self.supervisor.kill()

    # Worker messages, stored on the reader thread first (`Store.add_report`).

    def apply(self, message: Report) -> None:
        log = self.active
        if log is None or getattr(message, "run", None) != log.id:
            return
        match message:
            case Points() | Epoch() | Eval() | LrChanged() | Weights():  # a replay's
                log.take(message)
                return
            case Started():
                log.set_info(replace(log.info, **message.row()))
                cap = self.supervisor.options.max_run_seconds
                reason = f"time limit of {cap:g} s reached"
                self._enforce_stop(log.id, reason, cap + STOP_GRACE_SECONDS)
            case Ended(status=status, reason=reason, unpaced_s=unpaced_s):
                self._end(log, status, reason, unpaced_s)
                return
        self.hub.publish()

    def worker_died(self, reason: str) -> None:
        log = self.active
        if log is not None and self._replay is None:  # a replay needs no worker: it plays on
            self.store.update_run(log.id, status="failed", reason=reason, finished_at=time.time())
            self._end(log, "failed", reason)
        self.hub.publish()

    def _end(
        self, log: RunLog, status: RunStatus, reason: str | None, unpaced_s: float | None = None
    ) -> None:
        finished_at = time.time()
        wall_s = round(finished_at - (log.info.started_at or finished_at), 3)
        ended = replace(log.info, status=status, reason=reason, finished_at=finished_at)
        log.set_info(replace(ended, wall_s=wall_s, unpaced_s=unpaced_s))
        self.active = None
        self._replay = None
        self.hub.publish()

    def shutdown(self) -> None:
        """Stop the worker (it ends an active run as `stopped`, within 5 s or it is killed)."""
        self.supervisor.stop(timeout=5.0)
        if self._replay is not None:
            self._replay.cancel()
        log = self.active
        if log is not None:
            stored = self.store.get_run(log.id)
            if stored is not None and stored["status"] in ACTIVE:
                reason = "the server shut down"
                self.store.update_run(
                    log.id, status="stopped", reason=reason, finished_at=time.time()
                )

    # Read side.

    def worker_state(self) -> WorkerState:
        return self.supervisor.state

    def worker_error(self) -> str | None:
        """Why the last worker ended, if it failed."""
        return self.supervisor.last_error

    def list_runs(self) -> list[Row]:
        """The newest runs first, without their points or epochs."""
        return self.store.list_runs()

    def run_details(self, run_id: int) -> Row | None:
        run = self.store.get_run(run_id)
        if run is None:
            return None
        run["epochs"] = self.store.epochs(run_id)
        run["lr_changes"] = self.store.lr_changes(run_id)
        evals = self.store.evals(run_id)
        run["eval"] = evals[-1] if evals else None
        run["points"] = self.store.points(run_id)
        return run

    def server_status(self) -> dict[str, Any]:
        ready = self.supervisor.ready
        worker: str = self.supervisor.state
        if worker == "ready" and self.active is not None:
            worker = "training"
        return {
            "worker": worker,
            "worker_error": self.supervisor.last_error,
            "device": ready.device if ready else self.supervisor.options.device,
            "device_name": ready.device_name if ready else None,
            "cuda_available": ready.cuda_available if ready else False,
            "torch_version": ready.torch_version if ready else None,
            "active_run": self.active.id if self.active else None,
            "viewers": self.hub.viewers,
        }
