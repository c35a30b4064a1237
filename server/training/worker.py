"""The training worker: a separate process that owns the device.

It loads the dataset into device memory once, warms up, says `Ready`, then serves the
server's commands over its pipe (`server/training/pipe.py`). While a run trains it reads
the pipe once per tick, so a stop or a demo request is answered within a tick. An
exception ends the run as `failed` and the worker carries on.
"""

import os
import time
import traceback
from multiprocessing.connection import Connection
from typing import Any

import torch

from ..data.datasets import NORMALIZATION
from . import protocol
from .batches import BatchSource, ClassicBatches, ResidentBatches
from .config import DatasetName, TrainConfig
from .demos import (
    DemoRefused,
    dataloader_batch,
    race,
    step_profile,
    test_images,
    train_vs_eval,
)
from .devices import cpu_threads, device_name, resolve_device, synchronize
from .loop import EpochResult, WeightsCopy, train, warm_up
from .metrics import PointBatch
from .models import build_model
from .pace import Pace
from .pipe import PipeWorker
from .protocol import WorkerOptions
from .resident import ResidentData, load_resident
from .weights import encode_layers


class Worker(PipeWorker):
    def __init__(self, conn: Connection, options: WorkerOptions) -> None:
        super().__init__(conn, options)
        torch.set_num_threads(cpu_threads())
        self.device = resolve_device(options.device)
        self._resident: dict[DatasetName, ResidentData] = {}
        self._modes_result: dict[str, Any] | None = None

    def resident(self, dataset: DatasetName) -> ResidentData:
        if dataset not in self._resident:
            self._resident[dataset] = load_resident(self.options.data_dir, dataset, self.device)
        return self._resident[dataset]

    def ready(self) -> protocol.Ready:
        warm_up(self.resident("mnist"), self.device)  # so the first click trains at once
        return protocol.Ready(
            device=self.device.type,
            device_name=device_name(self.device),
            cuda_available=torch.cuda.is_available(),
            torch_version=torch.__version__.split("+")[0],
        )

    def demo(self, command: protocol.Demo) -> protocol.Reply:
        name, args = command.name, command.args
        try:
            if name == "batch":
                result = dataloader_batch(self.options.data_dir, args["dataset"], args["index"])
            elif name == "test_images":
                result = test_images(self.options.data_dir, args["dataset"], args["indices"])
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
            return protocol.Reply(command.req, result=result)
        except DemoRefused as error:
            return protocol.Reply(command.req, error=str(error))
        except Exception as error:
            return protocol.Reply(command.req, error=f"{type(error).__name__}: {error}")

    def batch_source(self, config: TrainConfig, generator: torch.Generator) -> BatchSource:
        if config.loader == "classic":
            # The DataLoader shuffles on the CPU, so it takes a CPU generator.
            cpu_generator = torch.Generator().manual_seed(config.seed)
            return ClassicBatches(
                self.options.data_dir, config.dataset, config.batch_size, self.device, cpu_generator
            )
        return ResidentBatches(self.resident(config.dataset), config.batch_size, generator)

    def train(self, command: protocol.Train) -> None:
        run = command.run
        try:
            config = TrainConfig.model_validate(command.config)
            torch.manual_seed(config.seed)
            generator = torch.Generator(device=self.device).manual_seed(config.seed)
            source = self.batch_source(config, generator)
            model = build_model(config.model).to(self.device)
            total_steps = source.steps_per_epoch * config.epochs
            self.send(protocol.Started(run, source.steps_per_epoch, total_steps))
            sink = PipeSink(self, run, config)
            started = time.perf_counter()
            pace = Pace(config.pace_s, total_steps, settle=lambda: synchronize(self.device))
            end = train(config, model, source, sink, self.device, pace)
            # What the run took on this device, a paced run's waits left out.
            unpaced_s = round(pace.busy_since(started, 0.0), 4)
            self.send(protocol.Ended(run, end, sink.stop_reason, unpaced_s))
        except Exception as error:
            traceback.print_exc()
            if isinstance(error, torch.cuda.OutOfMemoryError) and self.device.type == "cuda":
                torch.cuda.empty_cache()
            self.send(protocol.Ended(run, "failed", f"{type(error).__name__}: {error}"))

    @classmethod
    def main(cls, conn: Connection, options: WorkerOptions) -> None:
        try:
            super().main(conn, options)
        finally:
            os._exit(0)  # skip interpreter teardown of CUDA state: the parent is waiting


class PipeSink:
    """Sends a run's points, epochs, evaluations, weights and learning rate changes to the
    server; reads the pipe once per tick."""

    def __init__(self, worker: Worker, run: int, config: TrainConfig) -> None:
        self.worker, self.run, self.config = worker, run, config
        self.deadline = time.monotonic() + worker.options.max_run_seconds
        self.stop_reason: str | None = None

    def points(self, batch: PointBatch) -> None:
        if len(batch):
            columns = (batch.step, batch.epoch, batch.loss, batch.acc, batch.t)
            self.worker.send(protocol.Points(self.run, *columns, created=time.time()))

    def epoch(self, result: EpochResult) -> None:
        scored = result.evaluation
        self.worker.send(
            protocol.Epoch(
                self.run,
                result.epoch,
                result.train_loss,
                result.val_loss,
                result.val_acc,
                result.samples_per_s,
                result.t,
            )
        )
        mistakes = [mistake.__dict__ for mistake in scored.mistakes]
        counts = (scored.test_images, scored.sampled)
        self.worker.send(protocol.Eval(self.run, result.epoch, *counts, scored.confusion, mistakes))

    def weights(self, copy: WeightsCopy) -> None:
        mean, std = NORMALIZATION[self.config.dataset]
        self.worker.send(
            protocol.Weights(
                self.run,
                copy.seq,
                copy.epoch,
                copy.final,
                self.config.model,
                self.config.dataset,
                mean,
                std,
                encode_layers(copy.state),
            )
        )

    def should_stop(self) -> bool:
        self.stop_reason = self.worker.stop_reason(self.run, self.deadline)
        return self.stop_reason is not None

    def new_lr(self, next_step: int) -> float | None:
        lr = self.worker.take_lr()
        if lr is not None:
            self.worker.send(protocol.LrChanged(self.run, next_step, lr))
        return lr
