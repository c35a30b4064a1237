"""A made-up recording (docs/recordings.md) of a finished run, for tests and benchmarks: a
plausible loss curve with noise, `seconds` long, each epoch's result at its last point."""

import math
import random
from typing import Any


def made_up_recording(epochs: int, steps_per_epoch: int, seconds: float) -> dict[str, Any]:
    count = epochs * steps_per_epoch
    rng = random.Random(0)
    t = [round(seconds * (i + 1) / count, 4) for i in range(count)]
    results = [
        {"epoch": e, "train_loss": 0.3 / e, "val_loss": 0.25 / e, "val_acc": 0.97}
        | {"samples_per_s": 64 * count / seconds, "t": t[e * steps_per_epoch - 1]}
        for e in range(1, epochs + 1)
    ]
    return {
        "format": "loopcast-recording",
        "version": 1,
        "run": {
            "name": "made-up rehearsal",
            "status": "finished",
            "reason": None,
            "config": {"epochs": epochs},
            "device": "cuda",
            "device_name": "NVIDIA H200",
            "torch_version": "2.9.0",
            "steps_per_epoch": steps_per_epoch,
            "total_steps": count,
            "created_at": 1764000000.0,
            "started_at": 1764000000.5,
            "finished_at": 1764000000.5 + seconds,
            "unpaced_s": seconds,
        },
        "epochs": results,
        "points": {
            "seq": list(range(1, count + 1)),
            "step": list(range(1, count + 1)),
            "epoch": [1 + i // steps_per_epoch for i in range(count)],
            "loss": [2.3 * math.exp(-5 * i / count) + 0.05 * rng.random() for i in range(count)],
            "acc": [min(1.0, 0.1 + 0.85 * i / count + 0.05 * rng.random()) for i in range(count)],
            "t": t,
        },
    }
