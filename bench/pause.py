"""What a pause costs the next training step: why a paced run's samples/s is below the
unpaced run's on a shared CPU. The seed mlp trains in bursts of `--burst` steps with a
pause between them, slept or spun (the CPU kept busy), of 2, 20 and 250 ms (a paced run
waits 250 ms); each row is the mean step time in bursts over the mean step time without
pauses (1.0: no cost), and the first step after a pause over a steady step.

If spinning costs as much as sleeping, the cost is not the CPU's sleep states but the time
away from the working set (on a shared virtual machine, most likely other tenants filling
the caches meanwhile), and no pacing that pauses can avoid it. On a GPU (`--device cuda`)
each step is synchronised.
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
from server.training.config import TrainConfig
from server.training.devices import cpu_threads, synchronize
from server.training.loop import build_optimizer
from server.training.models import seed_mlp

PAUSES = (0.002, 0.02, 0.25)


def spin(seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


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
    bursts = 10 if options.quick else 40

    def step() -> float:
        started = time.perf_counter()
        optimizer.zero_grad()
        nn.functional.cross_entropy(model(images), labels).backward()  # type: ignore[no-untyped-call]
        optimizer.step()
        synchronize(device)  # sync point: each step timed whole
        return time.perf_counter() - started

    def in_bursts(pause: Callable[[], None]) -> list[list[float]]:
        timings = []
        for _ in range(bursts):
            pause()
            timings.append([step() for _ in range(options.burst)])
        return timings

    for _ in range(300):  # warm
        step()
    steady = statistics.mean(step() for _ in range(bursts * options.burst))
    rows: dict[str, Any] = {}
    for kind, wait in (("sleep", time.sleep), ("spin", spin)):
        for seconds in PAUSES:
            timings = in_bursts(functools.partial(wait, seconds))
            mean = statistics.mean(t for burst in timings for t in burst)
            first = statistics.median(burst[0] for burst in timings)
            rows[f"{kind} {seconds * 1000:g} ms"] = {
                "step_vs_steady": round(mean / steady, 3),
                "first_step_ms": round(first * 1000, 2),
                "first_vs_steady": round(first / steady, 2),
            }
    report(
        options,
        "pause",
        {"device": str(device), "steady_step_ms": round(steady * 1000, 3), "after": rows},
    )


if __name__ == "__main__":
    main()
