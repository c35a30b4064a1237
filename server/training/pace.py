"""Paced runs: a run stretched over a chosen wall time so an audience can follow it.

The loop waits between batches until the schedule catches up (step k of n is due at
k/n of the pace); it never fakes a point and never skips one. What was waited is
counted, so speeds and durations can still be reported as the device's own.
"""

import time


class Pace:
    def __init__(self, seconds: float, total_steps: int) -> None:
        self.seconds_per_step = seconds / total_steps if seconds > 0 else 0.0
        self.waited = 0.0  # seconds spent waiting, in all
        self._started = time.perf_counter()

    def wait(self, step: int, most: float) -> bool:
        """Wait, at most `most` seconds, for `step` (1-based, done) to be due; True while
        it is still not due, so the caller can check for a stop between waits."""
        if not self.seconds_per_step:
            return False
        ahead = self._started + step * self.seconds_per_step - time.perf_counter()
        if ahead <= 0.001:  # shorter sleeps cost more than they pace
            return False
        time.sleep(min(ahead, most))
        self.waited += min(ahead, most)
        return ahead > most

    def busy_since(self, started: float, waited_then: float) -> float:
        """Seconds of work (not waiting) since `started`, when `waited` was `waited_then`."""
        return time.perf_counter() - started - (self.waited - waited_then)
