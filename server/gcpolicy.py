"""Garbage collection for a streaming server: no full collection while a run streams.

A full (generation 2) collection walks every live container object, and a crowd of 1,000
viewers' connections is a few hundred thousand of them: measured on 2 busy cores, single
full collections stopped the event loop for 380-580 ms, which was the p99 delivery of a
venue's phones (docs/benchmarks.md, "On stage"). Almost every object here is freed by
reference counting; cycles mostly die young and the young generations, which stay as
they are, collect them. So: what start-up made is frozen out of every collection, full
collections come 100 times less often on their own, and one runs whenever no run is
active, when a pause costs nobody a point.
"""

import asyncio
import gc
from collections.abc import Callable

# Generation 1 collections between full ones: CPython's default is 10.
FULL_COLLECTION_EVERY = 1_000
IDLE_COLLECTION_PERIOD = 30.0


def tune_for_streaming() -> None:
    """Call once, when the app is made and before it serves: what exists now stays."""
    gc.collect()
    gc.freeze()  # start-up's objects: never garbage, never walked again
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, FULL_COLLECTION_EVERY)


async def collect_when_idle(idle: Callable[[], bool]) -> None:
    """Every IDLE_COLLECTION_PERIOD, a full collection if `idle()` says no run streams."""
    while True:
        await asyncio.sleep(IDLE_COLLECTION_PERIOD)
        if idle():
            gc.collect()
