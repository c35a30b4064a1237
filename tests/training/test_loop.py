"""The training loop in-process on small generated data: the five steps, metrics, eval."""

import torch
from torch import nn

from loopcast.training.batches import ClassicBatches, ResidentBatches
from loopcast.training.config import TrainConfig
from loopcast.training.loop import EpochResult, WeightsCopy, evaluate, train
from loopcast.training.metrics import DeviceMeter, PointBatch
from loopcast.training.models import build_model
from loopcast.training.pace import Pace
from loopcast.training.resident import ResidentData, load_resident

CPU = torch.device("cpu")


class ListSink:
    def __init__(self, stop_after_points: int | None = None) -> None:
        self.batches: list[PointBatch] = []
        self.epochs: list[EpochResult] = []
        self.copies: list[WeightsCopy] = []
        self.stop_after_points = stop_after_points

    def points(self, batch: PointBatch) -> None:
        self.batches.append(batch)

    def epoch(self, result: EpochResult) -> None:
        self.epochs.append(result)

    def weights(self, copy: WeightsCopy) -> None:
        self.copies.append(copy)

    def should_stop(self) -> bool:
        seen = sum(len(b) for b in self.batches)
        return self.stop_after_points is not None and seen >= self.stop_after_points

    def new_lr(self, next_step: int) -> float | None:
        return None

    def column(self, name: str) -> list[float]:
        return [value for batch in self.batches for value in getattr(batch, name)]


def run(data: ResidentData, sink: ListSink, **config: object) -> str:
    cfg = TrainConfig.model_validate(config)
    torch.manual_seed(cfg.seed)
    generator = torch.Generator().manual_seed(cfg.seed)
    source = ResidentBatches(data, cfg.batch_size, generator)
    return train(cfg, build_model(cfg.model).to(CPU), source, sink, CPU)


def test_every_batch_is_a_point_and_the_mlp_learns(small_resident: ResidentData) -> None:
    sink = ListSink()
    assert run(small_resident, sink, epochs=2, batch_size=64) == "finished"
    steps_per_epoch = -(-small_resident.train_x.shape[0] // 64)
    assert sink.column("step") == list(range(1, 2 * steps_per_epoch + 1))
    assert sink.column("epoch") == [1] * steps_per_epoch + [2] * steps_per_epoch
    times = sink.column("t")
    assert times == sorted(times)
    assert all(0 <= acc <= 1 for acc in sink.column("acc"))
    assert [e.epoch for e in sink.epochs] == [1, 2]
    assert sink.epochs[-1].val_acc > 0.9
    assert sink.epochs[-1].train_loss < sink.epochs[0].train_loss
    assert sink.epochs[0].samples_per_s > 0


def test_same_seed_same_curve_other_seed_other_curve(small_resident: ResidentData) -> None:
    curves = []
    for seed in (3, 3, 4):
        sink = ListSink()
        run(small_resident, sink, epochs=1, seed=seed)
        curves.append(sink.column("loss"))
    assert curves[0] == curves[1]
    assert curves[0] != curves[2]


def test_stop_is_honoured_at_the_next_tick(small_resident: ResidentData) -> None:
    sink = ListSink(stop_after_points=1)
    assert run(small_resident, sink, epochs=5, batch_size=1) == "stopped"
    assert not sink.epochs


class StopWhileWaiting(ListSink):
    """Says stop only while a paced run waits between batches."""

    waiting = False

    def should_stop(self) -> bool:
        return self.waiting


class SayWhenWaiting(Pace):
    def __init__(self, sink: StopWhileWaiting, seconds: float, total_steps: int) -> None:
        super().__init__(seconds, total_steps)
        self.sink = sink

    def wait(self, step: int, most: float) -> bool:
        self.sink.waiting = super().wait(step, most)
        return self.sink.waiting


def test_a_paced_run_stopped_while_waiting_sends_every_step_it_trained(
    small_resident: ResidentData,
) -> None:
    sink = StopWhileWaiting()
    cfg = TrainConfig(epochs=1, batch_size=8)
    source = ResidentBatches(small_resident, cfg.batch_size, torch.Generator().manual_seed(0))
    # 50 ms a step: it runs 0.1 s ahead (steps not read back yet) before its first wait.
    pace = SayWhenWaiting(sink, 0.05 * source.steps_per_epoch, source.steps_per_epoch)
    assert train(cfg, build_model(cfg.model), source, sink, CPU, pace) == "stopped"
    steps = sink.column("step")
    assert len(steps) > 1 and steps == list(range(1, len(steps) + 1))
    assert sink.copies[-1].seq == steps[-1]  # the last weights are the last point's


def test_meter_reads_back_what_the_steps_recorded() -> None:
    meter = DeviceMeter(CPU, capacity=4)
    logits = torch.tensor([[2.0, 0.0], [0.0, 2.0], [2.0, 0.0]])
    targets = torch.tensor([0, 1, 1])
    meter.record(1, 1, 0.0, torch.tensor(0.5), logits, targets)
    meter.record(2, 1, 0.0, torch.tensor(0.25), logits[:2], targets[:2])
    batch = meter.drain()
    assert batch.step == [1, 2]
    assert batch.loss == [0.5, 0.25]
    assert batch.acc == [2 / 3, 1.0]
    assert not meter.full
    assert len(meter.drain()) == 0


def test_evaluate_switches_to_eval_mode_and_tracks_no_gradients(
    small_resident: ResidentData,
) -> None:
    seen: list[tuple[bool, bool]] = []

    class Spy(nn.Module):
        def forward(self, x: torch.Tensor) -> torch.Tensor:
            seen.append((self.training, torch.is_grad_enabled()))
            return torch.zeros(x.shape[0], 10)

    source = ResidentBatches(small_resident, 64, torch.Generator())
    model = Spy()
    model.train()
    scored = evaluate(model, source)
    assert seen and all(mode == (False, False) for mode in seen)
    assert 0 <= scored.accuracy <= 1 and scored.loss > 0


def test_classic_loader_yields_the_seed_shapes(small_data_dir: str) -> None:
    source = ClassicBatches(small_data_dir, "mnist", 64, CPU, torch.Generator().manual_seed(0))
    images, labels = next(source.train_batches())
    assert tuple(images.shape) == (64, 1, 28, 28)
    assert tuple(labels.shape) == (64,)
    resident = load_resident(small_data_dir, "mnist", CPU)
    # The fast path normalises exactly as ToTensor() + Normalize() do.
    test_images, _ = next(source.test_batches())
    assert torch.allclose(test_images, resident.test_x[: test_images.shape[0]], atol=1e-5)
