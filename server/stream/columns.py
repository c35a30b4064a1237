"""The shapes the store, the stream and the edges share, with no SQLite: a run's points as
columns, an epoch's figures, and a plain row of either."""

from typing import Any

Row = dict[str, Any]
Columns = dict[str, list[Any]]

POINT_COLUMNS = ("seq", "step", "epoch", "loss", "acc", "t")
EPOCH_COLUMNS = ("epoch", "train_loss", "val_loss", "val_acc", "samples_per_s", "t")
