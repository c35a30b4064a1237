"""Paced runs: a run stretched over a chosen wall time so an audience can follow it.

The loop waits between batches until the schedule catches up (step k of n is due at
k/n of the pace); it never fakes a point and never skips one. What was waited is
counted, so speeds and durations can still be reported as the device's own.
"""

import time
from collections.abc import Callable

# Run ahead this far before waiting: the steps after each wait run cold (bench.pause; a few
# ms a wait on a shared CPU), so few, longer waits keep a paced run's samples/s nearer the
# device's (bench.pace: 0.1 s gave 0.66-0.74 of the unpaced run's, 0.25 s 0.79-0.88, on one
# quiet afternoon; docs/benchmarks.md). Phones are woken 4 times a second
# (hub.ENVELOPE_INTERVAL): they see no difference.
MIN_WAIT = 0.25


class Pace:
    def __init__(
        self, seconds: float, total_steps: int, settle: Callable[[], None] = lambda: None
    ) -> None:
        self.seconds_per_step = seconds / total_steps if seconds > 0 else 0.0
        self.total_steps = total_steps
        # Waits for the device before a wait: its queued work counts as work, not as waiting.
        self._settle = settle
        self.waited = 0.0  # seconds spent waiting, in all
        self._started = time.perf_counter()
        self._waiting = False  # a wait begun goes on to the step's due time

    def wait(self, step: int, most: float) -> bool:
        """Wait, at most `most` seconds, for `step` (1-based, done) to be due; True while
        it is still not due, so the caller can check for a stop between waits."""
        if not self.seconds_per_step:
            return False
        ahead = self._started + step * self.seconds_per_step - time.perf_counter()
        # The last step waits whatever is left: the run lasts its pace, not a wait less.
        runs_ahead = step < self.total_steps and not self._waiting
        if ahead <= 0 or (ahead < MIN_WAIT and runs_ahead):
            self._waiting = False
            return False
        if not self._waiting:
            self._settle()
        asleep = time.perf_counter()
        time.sleep(min(ahead, most))
        self.waited += time.perf_counter() - asleep  # as slept: a wake-up comes late
        self._waiting = ahead > most
        return self._waiting

    def busy_since(self, started: float, waited_then: float) -> float:
        """Seconds of work (not waiting) since `started`, when `waited` was `waited_then`."""
        return time.perf_counter() - started - (self.waited - waited_then)
