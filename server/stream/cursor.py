"""How far one viewer has been sent: a cursor into the run log."""

import math
from dataclasses import dataclass

from ..training.protocol import RunStatus
from .messages import Detail


@dataclass
class Cursor:
    """How far one viewer has been sent."""

    detail: Detail = "full"
    run: int | None = None
    seq: int = 0
    epochs: int = 0
    status: RunStatus | None = None
    slide_version: int = 0
    viewers_version: int = 0
    marks: int = 0  # of the log's marks (epochs, evals, lr changes), for full detail
    lr_changes: int = 0  # for envelope detail (full detail goes by marks)
    weights: bool = False  # an envelope viewer that opted in (full detail gets every copy)
    evals: int = 0  # the log's evals count when it was last sent one
    weights_count: int = 0  # the log's weights count when it was last sent them
    # Rationing (time.monotonic()): since when an envelope viewer's eval allowance accrues,
    # and when the next weights are due.
    eval_since: float = -math.inf
    weights_due: float = 0.0
