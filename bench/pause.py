"""What a pause costs the next training step: why a paced run's samples/s is below the
unpaced run's on a shared CPU. The seed mlp trains in bursts of `--burst` steps with a
pause between them, slept or spun (the CPU kept busy), of 2, 20 and 250 ms (a paced run
waits pace.MIN_WAIT, 250 ms); each row is the mean step time in bursts over the mean step
time without pauses (1.0: no cost), and the first step after a pause over a steady step.

Two probes say what goes cold. "spin, touching the model" reads every parameter, gradient
and optimiser state during the pause, so the model's own memory stays warm. "kernels" runs
one kind of work alone with the same 250 ms pauses: a matmul (compute-bound), an
elementwise multiply of 800 KB (memory-bound) and plain Python. If the step stays slow with
its model kept warm, and each torch kernel pays about the same extra time after a pause
while plain Python pays none, then what goes cold is torch's own path to each kernel (its
code and working memory), held in caches other tenants of a shared virtual machine fill
meanwhile (likely; not provable from inside the machine). No pacing that pauses can avoid
that. On a GPU (`--device cuda`) each step is synchronised.
Run: .venv/bin/python -m bench.pause [--quick] [--device cpu|cuda] [--burst 12]
"""

import functools
import statistics
import time
from collections.abc import Callable
from typing import Any

import torch
from torch import nn

from bench.common import parser, report
from loopcast.training.config import TrainConfig
from loopcast.training.devices import cpu_threads, synchronize
from loopcast.training.loop import build_optimizer
from loopcast.training.models import seed_mlp
from loopcast.training.pace import MIN_WAIT

PAUSES = (0.002, 0.02, 0.25)


def spin(seconds: float, touch: Callable[[], None] = lambda: None) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        touch()


def timed(work: Callable[[], None], device: torch.device) -> Callable[[], float]:
    def run() -> float:
        started = time.perf_counter()
        work()
        synchronize(device)  # sync point: each piece of work timed whole
        return time.perf_counter() - started

    return run


def after_pauses(
    run: Callable[[], float], pause: Callable[[], None], bursts: int, burst: int, steady: float
) -> dict[str, float]:
    """`bursts` bursts of `burst` runs, `pause()` before each, against a `steady` run."""
    timings = []
    for _ in range(bursts):
        pause()
        timings.append([run() for _ in range(burst)])
    mean = statistics.mean(t for one in timings for t in one)
    first = statistics.median(one[0] for one in timings)
    return {
        "step_vs_steady": round(mean / steady, 3),
        "first_step_ms": round(first * 1000, 2),
        "first_vs_steady": round(first / steady, 2),
    }


def steady_time(run: Callable[[], float], warm: int, count: int) -> float:
    for _ in range(warm):
        run()
    return statistics.mean(run() for _ in range(count))


def main() -> None:
    args = parser(__doc__ or "")
    args.add_argument("--device", default="cpu")
    args.add_argument("--burst", type=int, default=12, help="steps between pauses")
    options = args.parse_args()
    device = torch.device(options.device)
    torch.set_num_threads(cpu_threads())  # as the worker does
    model = seed_mlp().to(device)
    optimizer = build_optimizer(TrainConfig(), model)
    images = torch.randn(64, 1, 28, 28, device=device)
    labels = torch.randint(0, 10, (64,), device=device)
    bursts, burst = (10 if options.quick else 40), options.burst

    def train_step() -> None:
        optimizer.zero_grad()
        nn.functional.cross_entropy(model(images), labels).backward()  # type: ignore[no-untyped-call]
        optimizer.step()

    @torch.no_grad()
    def touch_the_model() -> None:
        for tensor in model.parameters():
            tensor.sum()
            if tensor.grad is not None:
                tensor.grad.sum()
        for state in optimizer.state.values():
            for value in state.values():
                if isinstance(value, torch.Tensor):
                    value.sum()

    step = timed(train_step, device)
    steady = steady_time(step, 300, bursts * burst)
    rows: dict[str, Any] = {}
    for kind, wait in (("sleep", time.sleep), ("spin", spin)):
        for seconds in PAUSES:
            pause = functools.partial(wait, seconds)
            rows[f"{kind} {seconds * 1000:g} ms"] = after_pauses(step, pause, bursts, burst, steady)
    pause = functools.partial(spin, MIN_WAIT, touch_the_model)
    waited = f"{MIN_WAIT * 1000:g} ms"
    rows[f"spin {waited}, touching the model"] = after_pauses(step, pause, bursts, burst, steady)

    left = torch.randn(64, 784, device=device)
    right = torch.randn(784, 256, device=device)
    values = torch.randn(200_000, device=device)  # 800 KB, and as much again for each result

    def matmul() -> None:
        for _ in range(4):
            torch.mm(left, right)

    def elementwise() -> None:
        for _ in range(4):
            values.mul(1.0001)

    def python() -> None:
        sum(range(20_000))

    kernels = {"matmul": matmul, "elementwise": elementwise, "python": python}
    alone: dict[str, Any] = {}
    for name, work in kernels.items():
        run = timed(work, device)
        steady_run = steady_time(run, 300, bursts * burst)
        alone[name] = {"steady_ms": round(steady_run * 1000, 3)} | {
            kind: after_pauses(run, functools.partial(wait, MIN_WAIT), bursts, burst, steady_run)
            for kind, wait in ((f"sleep {waited}", time.sleep), (f"spin {waited}", spin))
        }
    report(
        options,
        "pause",
        {
            "device": str(device),
            "steady_step_ms": round(steady * 1000, 3),
            "after": rows,
            "kernels": alone,
        },
    )


if __name__ == "__main__":
    main()
