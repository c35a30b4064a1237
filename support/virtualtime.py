"""An asyncio event loop on a virtual clock, for tests of timing logic (the hub's wakes).

Time stands still while any callback is ready, and jumps to the next timer when none is.
So `await asyncio.sleep(1.2)` takes no wall time, and a test process that the machine
deschedules for a second cannot make two timers fire in the other order: what a timing
test asserts is then the code's logic, not how busy the machine was.

Only for code that waits on timers alone: a real socket or thread is still waited for in
real time, but the clock does not move meanwhile.
"""

import asyncio
import selectors
from collections.abc import Coroutine
from typing import Any, TypeVar

Result = TypeVar("Result")


class _Clock:
    now = 0.0


class _SkippingSelector(selectors.DefaultSelector):
    """Polls instead of blocking; a wait for the next timer moves the clock there instead."""

    def __init__(self, clock: _Clock) -> None:
        super().__init__()
        self._clock = clock

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        if timeout is None:  # no timer at all: only I/O can come, in its own time
            return super().select(None)
        ready = super().select(0)
        if not ready and timeout > 0:
            self._clock.now += timeout
        return ready


class VirtualTimeLoop(asyncio.SelectorEventLoop):
    def __init__(self) -> None:
        self._clock = _Clock()
        super().__init__(_SkippingSelector(self._clock))

    def time(self) -> float:
        return self._clock.now


def run(coroutine: Coroutine[Any, Any, Result]) -> Result:
    """`asyncio.run`, on a VirtualTimeLoop."""
    with asyncio.Runner(loop_factory=VirtualTimeLoop) as runner:
        return runner.run(coroutine)
