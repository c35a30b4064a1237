"""The training worker: a separate process that owns the device.

It loads the dataset into device memory once, warms up, says `ready`, then serves
commands from the server over a pipe: `train`, `stop`, `demo` and `quit`. While a
run trains it reads its pipe once per tick, so `stop` and demo requests are answered
within a tick. An exception ends the run as `failed` and the worker carries on.
"""

import contextlib
import os
import signal
import time
import traceback
from multiprocessing.connection import Connection
from typing import Any

import torch

from server.training.batches import BatchSource, ClassicBatches, ResidentBatches
from server.training.config import DatasetName, TrainConfig
from server.training.demos import DemoRefused, dataloader_batch, race, step_profile, train_vs_eval
from server.training.devices import cpu_threads, device_name, resolve_device, synchronize
from server.training.loop import EpochResult, RunEnd, train, warm_up
from server.training.metrics import PointBatch
from server.training.models import build_model
from server.training.pace import Pace
from server.training.protocol import Message, WorkerOptions
from server.training.resident import ResidentData, load_resident


class Worker:
    def __init__(self, conn: Connection, options: WorkerOptions) -> None:
        self.conn, self.options = conn, options
        torch.set_num_threads(cpu_threads())
        self.device = resolve_device(options.device)
        self._resident: dict[DatasetName, ResidentData] = {}
        self._modes_result: dict[str, Any] | None = None
        self._stop_run: int | None = None
        self._quit = False
        self._fault = options.inject_fault

    def take_fault(self) -> str:
        """The injected fault, handed to the first run only: the next run must succeed."""
        fault, self._fault = self._fault, ""
        return fault

    def resident(self, dataset: DatasetName) -> ResidentData:
        if dataset not in self._resident:
            self._resident[dataset] = load_resident(self.options.data_dir, dataset, self.device)
        return self._resident[dataset]

    def send(self, message: Message) -> None:
        self.conn.send(message)

    def serve(self) -> None:
        warm_up(self.resident("mnist"), self.device)  # so the first click trains at once
        self.send(
            {
                "kind": "ready",
                "device": self.device.type,
                "device_name": device_name(self.device),
                "cuda_available": torch.cuda.is_available(),
                "torch_version": torch.__version__.split("+")[0],
            }
        )
        while not self._quit:
            try:
                command = self.conn.recv()
            except EOFError:  # the server went away
                return
            self.handle(command, training=None)

    def handle(self, command: Message, training: int | None) -> None:
        kind = command.get("kind")
        if kind == "train" and training is None:
            self.run(command["run"], TrainConfig.model_validate(command["config"]))
        elif kind == "stop":
            self._stop_run = command["run"]
        elif kind == "demo":
            self.answer_demo(command)
        elif kind == "quit":
            self._quit = True
            self._stop_run = training

    def answer_demo(self, command: Message) -> None:
        name, args = command["name"], command.get("args", {})
        try:
            if name == "batch":
                result = dataloader_batch(self.options.data_dir, args["dataset"], args["index"])
            elif name == "modes":
                if self._modes_result is None:
                    self._modes_result = train_vs_eval(self.resident("mnist"), self.device)
                result = self._modes_result
            elif name == "profile":
                result = step_profile(self.resident("mnist"), self.device)
            elif name == "race":
                result = race(self.resident("mnist"))
            else:
                raise ValueError(f"unknown demo {name!r}")
            self.send({"kind": "reply", "req": command["req"], "ok": True, "result": result})
        except DemoRefused as error:
            self.send({"kind": "reply", "req": command["req"], "ok": False, "error": str(error)})
        except Exception as error:
            reason = f"{type(error).__name__}: {error}"
            self.send({"kind": "reply", "req": command["req"], "ok": False, "error": reason})

    def batch_source(self, config: TrainConfig, generator: torch.Generator) -> BatchSource:
        if config.loader == "classic":
            # The DataLoader shuffles on the CPU, so it takes a CPU generator.
            cpu_generator = torch.Generator().manual_seed(config.seed)
            return ClassicBatches(
                self.options.data_dir, config.dataset, config.batch_size, self.device, cpu_generator
            )
        return ResidentBatches(self.resident(config.dataset), config.batch_size, generator)

    def run(self, run_id: int, config: TrainConfig) -> None:
        self._stop_run = None
        try:
            torch.manual_seed(config.seed)
            generator = torch.Generator(device=self.device).manual_seed(config.seed)
            source = self.batch_source(config, generator)
            model = build_model(config.model).to(self.device)
            self.send(
                {
                    "kind": "started",
                    "run": run_id,
                    "steps_per_epoch": source.steps_per_epoch,
                    "total_steps": source.steps_per_epoch * config.epochs,
                }
            )
            sink = PipeSink(self, run_id)
            started = time.perf_counter()
            total_steps = source.steps_per_epoch * config.epochs
            pace = Pace(config.pace_s, total_steps, settle=lambda: synchronize(self.device))
            end: RunEnd = train(config, model, source, sink, self.device, pace)
            self.send(
                {
                    "kind": "ended",
                    "run": run_id,
                    "status": end,
                    "reason": sink.stop_reason,
                    # What the run took on this device, a paced run's waits left out.
                    "unpaced_s": round(pace.busy_since(started, 0.0), 4),
                }
            )
        except Exception as error:
            traceback.print_exc()
            reason = f"{type(error).__name__}: {error}"
            if isinstance(error, torch.cuda.OutOfMemoryError) and self.device.type == "cuda":
                torch.cuda.empty_cache()
            self.send({"kind": "ended", "run": run_id, "status": "failed", "reason": reason})


class PipeSink:
    """Sends a run's points and epochs to the server; reads the pipe once per tick."""

    def __init__(self, worker: Worker, run_id: int) -> None:
        self.worker, self.run_id = worker, run_id
        self.deadline = time.monotonic() + worker.options.max_run_seconds
        self.stop_reason: str | None = None
        self._fault = worker.take_fault()
        self._fault_step = _fault_step(self._fault)

    def points(self, batch: PointBatch) -> None:
        if not len(batch):
            return
        if self._fault_step is not None and batch.step[-1] >= self._fault_step:
            # The points before the faulty step were made; only then does it fail.
            self._send_points(batch, keep=self._fault_step - batch.step[0])
            _raise_fault(self._fault)
        self._send_points(batch, keep=len(batch))

    def _send_points(self, batch: PointBatch, keep: int) -> None:
        if keep <= 0:
            return
        self.worker.send(
            {
                "kind": "points",
                "run": self.run_id,
                "step": batch.step[:keep],
                "epoch": batch.epoch[:keep],
                "loss": batch.loss[:keep],
                "acc": batch.acc[:keep],
                "t": batch.t[:keep],
                "created": time.time(),  # wall clock: viewers measure delivery delay from it
            }
        )

    def epoch(self, result: EpochResult) -> None:
        self.worker.send({"kind": "epoch", "run": self.run_id, **result.__dict__})

    def should_stop(self) -> bool:
        while self.worker.conn.poll():
            try:
                command = self.worker.conn.recv()
            except EOFError:
                self.worker._quit = True
                break
            self.worker.handle(command, training=self.run_id)
        if self.worker._quit:
            self.stop_reason = "the server is shutting down"
            return True
        if self.worker._stop_run == self.run_id:
            self.stop_reason = "stopped by the presenter"
            return True
        if time.monotonic() > self.deadline:
            self.stop_reason = f"time limit of {self.worker.options.max_run_seconds:g} s reached"
            return True
        return False


def _fault_step(spec: str) -> int | None:
    return int(spec.split("@", 1)[1]) if "@" in spec else None


def _raise_fault(spec: str) -> None:
    if spec.startswith("oom@"):
        raise torch.cuda.OutOfMemoryError("CUDA out of memory (injected by LOOPCAST_INJECT_FAULT)")
    raise RuntimeError(f"fault injected by LOOPCAST_INJECT_FAULT={spec}")


def worker_main(conn: Connection, options: WorkerOptions) -> None:
    """Process entry point. Ctrl-C goes to the server, which stops us in order."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        Worker(conn, options).serve()
    except Exception as error:
        traceback.print_exc()
        with contextlib.suppress(OSError):
            conn.send({"kind": "fatal", "reason": f"{type(error).__name__}: {error}"})
    finally:
        conn.close()
        os._exit(0)  # skip interpreter teardown of CUDA state: the parent is waiting
