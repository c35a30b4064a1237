"""The big messages an envelope viewer (a phone on venue Wi-Fi) is rationed: the newest
`eval` once the bytes it costs have accrued at EVAL_BYTES_PER_SECOND, and `weights` only
to phones that opted in, together within the hub's budget (docs/protocol.md, "What a
phone receives")."""

import time

from .cursor import Cursor
from .messages import Encoded, Message
from .runlog import RunLog

# An envelope viewer's evals: the newest once the bytes it costs have accrued at this rate
# since the last one was sent, or since it joined a running run (its snapshot has no eval
# then), so that even a 2-second run keeps a phone under 2 KiB/s.
EVAL_BYTES_PER_SECOND = 200
# Weights to phones that opted in: each at most every MIN_WEIGHTS_INTERVAL, all of them
# together within the hub's budget (bytes a second; LOOPCAST_WEIGHTS_BUDGET_MBIT).
MIN_WEIGHTS_INTERVAL = 2.0
DEFAULT_WEIGHTS_BUDGET = 2_500_000.0


class Rations:
    def __init__(self, weights_budget: float = DEFAULT_WEIGHTS_BUDGET) -> None:
        self.weights_budget = weights_budget  # bytes a second, for all opted-in phones
        self.weights_viewers = 0  # envelope viewers that opted in to the weights

    def weights_interval(self, size: int) -> float:
        """Seconds between two weights messages to one opted-in phone: every phone's share
        of the budget, and never more often than MIN_WEIGHTS_INTERVAL."""
        return max(MIN_WEIGHTS_INTERVAL, self.weights_viewers * size / self.weights_budget)

    @staticmethod
    def eval_due(log: RunLog, cursor: Cursor) -> float | None:
        """When the newest eval may go to this envelope viewer; None if it has it."""
        if cursor.evals >= log.evals or log.eval_message is None:
            return None
        return cursor.eval_since + len(log.eval_message) / EVAL_BYTES_PER_SECOND

    def due(self, log: RunLog, cursor: Cursor) -> list[Encoded[Message]]:
        """The eval and weights this viewer's rations allow now; advances its cursor."""
        messages: list[Encoded[Message]] = []
        now = time.monotonic()
        eval_due = self.eval_due(log, cursor)
        if eval_due is not None and now >= eval_due and log.eval_message is not None:
            cursor.evals, cursor.eval_since = log.evals, now
            messages.append(log.eval_message)
        if (
            cursor.weights
            and cursor.weights_count < log.weights_count
            and log.weights_message is not None
            and now >= cursor.weights_due
        ):
            cursor.weights_count = log.weights_count
            cursor.weights_due = now + self.weights_interval(len(log.weights_message))
            messages.append(log.weights_message)
        return messages

    def held_back(self, log: RunLog, cursor: Cursor) -> float | None:
        """Seconds until an eval or weights held back from this viewer are due, or None."""
        eval_due = self.eval_due(log, cursor)
        dues = [] if eval_due is None else [eval_due]
        if cursor.weights and cursor.weights_count < log.weights_count:
            dues.append(cursor.weights_due)
        return max(0.0, min(dues) - time.monotonic()) if dues else None
