"""Training throughput (samples/s), side by side in one process:

  (a) classic: the seed slide's loop, torchvision dataset + ToTensor/Normalize + DataLoader,
      `loss.item()` every step;
  (b) fast: loopcast's loop and worker sink as the server runs them (resident batches,
      metrics read back once per tick and sent over a pipe to a reader, as to the server);
  (c) bound: the same model and optimizer stepping on one fixed resident batch, no data
      movement, no metrics.

Variants are interleaved, repeat by repeat, so a noisy neighbour hits them alike; ratios
are taken within a repeat, then the median over repeats. The seed config trains one epoch
of MNIST; the cnn rows train on the first CNN_IMAGES images to keep the run short.
Run: .venv/bin/python -m bench.throughput [--quick]
"""

import math
import multiprocessing
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path

import torch
from torch import nn
from torch.utils.data import DataLoader, Subset

from bench.common import data_dir, median, parser, report
from loopcast.training.batches import ResidentBatches, torchvision_dataset
from loopcast.training.config import ModelName, TrainConfig
from loopcast.training.devices import synchronize
from loopcast.training.loop import EpochResult, build_optimizer, train, warm_up
from loopcast.training.models import build_model
from loopcast.training.protocol import WorkerOptions
from loopcast.training.resident import ResidentData
from loopcast.training.worker import PipeSink, Worker

CNN_IMAGES = 10_000


def classic(folder: Path, config: TrainConfig, images: int, device: torch.device) -> float:
    """The seed deck's loop, exactly as on its slide: one epoch, samples/s."""
    torch.manual_seed(0)
    train_data = torchvision_dataset(str(folder), "mnist", train=True)
    loader = DataLoader(
        Subset(train_data, range(images)), batch_size=config.batch_size, shuffle=True
    )
    model = build_model(config.model).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.001)
    criterion = nn.CrossEntropyLoss()
    running_loss = 0.0
    started = time.perf_counter()
    for batch_x, batch_y in loader:
        batch_x, batch_y = batch_x.to(device), batch_y.to(device)
        optimizer.zero_grad()
        loss = criterion(model(batch_x), batch_y)
        loss.backward()
        optimizer.step()
        running_loss += loss.item()  # the slide's sync point, every step
    return images / (time.perf_counter() - started)


class MeasuredSink(PipeSink):
    """The worker's own sink, keeping the epoch result it sends."""

    result: EpochResult | None = None

    def epoch(self, result: EpochResult) -> None:
        self.result = result
        super().epoch(result)


def fast(worker: Worker, config: TrainConfig, data: ResidentData) -> float:
    """One epoch of the worker's loop and sink, as a `POST /api/runs` runs it; samples/s."""
    torch.manual_seed(config.seed)
    generator = torch.Generator(device=worker.device).manual_seed(config.seed)
    source = ResidentBatches(data, config.batch_size, generator)
    model = build_model(config.model).to(worker.device)
    sink = MeasuredSink(worker, run=1, config=config)
    train(config, model, source, sink, worker.device)
    assert sink.result is not None
    return sink.result.samples_per_s


def bound(worker: Worker, config: TrainConfig, data: ResidentData) -> float:
    """The same five steps and optimizer on one fixed resident batch: no data movement,
    no metrics; as many steps as an epoch."""
    device, steps = worker.device, math.ceil(data.train_x.shape[0] / config.batch_size)
    torch.manual_seed(0)
    model = build_model(config.model).to(device)
    optimizer = build_optimizer(config, model)
    criterion = nn.CrossEntropyLoss()
    batch_x, batch_y = data.train_x[: config.batch_size], data.train_y[: config.batch_size]
    synchronize(device)
    started = time.perf_counter()
    for _ in range(steps):
        optimizer.zero_grad()
        loss = criterion(model(batch_x), batch_y)
        loss.backward()
        optimizer.step()
    synchronize(device)
    return steps * config.batch_size / (time.perf_counter() - started)


def drain(conn: Connection) -> None:
    """The server's side of the worker's pipe: receive (and unpickle) every message."""
    while True:
        try:
            conn.recv()
        except (EOFError, OSError):
            return


def main() -> None:
    args = parser(__doc__ or "").parse_args()
    folder = data_dir(args)
    server_end, worker_end = multiprocessing.Pipe()
    # The worker as the server starts it: same threads, same device, same warm-up.
    worker = Worker(worker_end, WorkerOptions(str(folder), "auto", max_run_seconds=3600))
    threading.Thread(target=drain, args=(server_end,), daemon=True).start()
    warm_up(worker.resident("mnist"), worker.device)
    full = worker.resident("mnist")
    cases: list[tuple[ModelName, int, int]] = [("mlp", 64, 1 if args.quick else 5)]
    if not args.quick:
        cases += [("mlp", 256, 2), ("mlp", 1024, 2), ("cnn", 64, 1), ("cnn", 256, 1)]
        cases += [("cnn", 1024, 1)]
    rows = []
    for model_name, batch_size, repeats in cases:
        images = full.train_x.shape[0] if model_name == "mlp" else CNN_IMAGES
        data = ResidentData(full.train_x[:images], full.train_y[:images], full.test_x, full.test_y)
        config = TrainConfig(model=model_name, batch_size=batch_size, epochs=1)
        runs: dict[str, list[float]] = {"classic": [], "fast": [], "bound": []}
        for _ in range(repeats):
            runs["classic"].append(classic(folder, config, images, worker.device))
            runs["fast"].append(fast(worker, config, data))
            runs["bound"].append(bound(worker, config, data))
        b_over_a = [b / a for a, b in zip(runs["classic"], runs["fast"], strict=True)]
        b_over_c = [b / c for b, c in zip(runs["fast"], runs["bound"], strict=True)]
        row = {
            "model": model_name,
            "batch_size": batch_size,
            "images": images,
            **{name: round(median(values)) for name, values in runs.items()},
            "fast_over_classic": round(median(b_over_a), 2),
            "fast_over_bound": round(median(b_over_c), 3),
            "repeats": {name: [round(v) for v in values] for name, values in runs.items()},
        }
        print(row, flush=True)
        rows.append(row)
    device = {"device": worker.device.type, "torch_threads": torch.get_num_threads()}
    report(args, "throughput", {**device, "rows": rows})


if __name__ == "__main__":
    main()
