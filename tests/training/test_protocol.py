"""Worker messages as the store keeps them and the stream sends them (their own `columns`
and `row`): a diverged run's inf and NaN become null, and nothing else changes but
float32's digits."""

import math

from hypothesis import given
from hypothesis import strategies as st

from loopcast.stream.envelope import significant
from loopcast.training.protocol import Epoch, Points

LOSSES = st.lists(st.floats(width=32), min_size=1, max_size=20)


def null_where_not_finite(values: list[float]) -> list[float | None]:
    return [value if math.isfinite(value) else None for value in values]


@given(LOSSES)
def test_point_losses_are_kept_or_null(losses: list[float]) -> None:
    n = len(losses)
    steps = list(range(1, n + 1))
    points = Points(
        run=1, step=steps, epoch=[1] * n, loss=losses, acc=[0.5] * n, t=[0.0] * n, created=0
    )
    columns = points.columns()
    assert columns["loss"] == null_where_not_finite(losses)
    assert columns["seq"] == columns["step"] == steps


@given(st.floats(), st.floats(), st.floats(0, 1))
def test_epoch_losses_are_kept_or_null(train_loss: float, val_loss: float, acc: float) -> None:
    epoch = Epoch(
        run=1,
        epoch=3,
        train_loss=train_loss,
        val_loss=val_loss,
        val_acc=acc,
        samples_per_s=1000.0,
        t=1.5,
    )
    row = epoch.row()
    for name, value in (("train_loss", train_loss), ("val_loss", val_loss)):
        assert row[name] == (significant(value) if math.isfinite(value) else None)
    assert row["epoch"] == 3 and row["val_acc"] == significant(acc)
