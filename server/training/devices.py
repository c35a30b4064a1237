"""The devices the worker trains on: which one, its name for people, and waiting for it."""

import os

import torch


def resolve_device(name: str) -> torch.device:
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise RuntimeError("--device cuda was asked for, but torch sees no CUDA GPU")
    return torch.device(name)


def cpu_threads() -> int:
    """Intra-op threads: every core but one, which the server needs to stream. Measured on
    2 busy cores, 2 threads ran the mlp up to 10x slower than 1 (they wait on each other)."""
    return max(1, len(os.sched_getaffinity(0)) - 1)


def device_name(device: torch.device) -> str:
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    threads = torch.get_num_threads()
    return f"CPU ({threads} thread{'' if threads == 1 else 's'})"


def synchronize(device: torch.device) -> None:
    """Wait until `device` has done all the work queued on it (the CPU always has)."""
    if device.type == "cuda":
        torch.cuda.synchronize(device)
