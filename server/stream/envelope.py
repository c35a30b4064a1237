"""Envelopes: a run's points summarised as time buckets, exact and bounded in size.

A phone draws a chart a few hundred pixels wide; it needs every spike, not every batch.
A bucket covers a contiguous range of points and keeps the exact min, max and mean of
their loss, the mean of their batch accuracy and the time of its last point. A run's
buckets cover 1..last_seq with no gap and no overlap, however they were merged.
"""

from math import ceil

from ..training.protocol import significant
from .columns import Columns

BUCKET_COLUMNS = ("first_seq", "last_seq", "loss_min", "loss_max", "loss_mean", "acc_mean", "t")
# The most buckets a snapshot holds: 500 keep a 50-epoch run's snapshot near 30 KB.
SNAPSHOT_BUCKETS = 500


def empty_buckets() -> Columns:
    return {name: [] for name in BUCKET_COLUMNS}


def summarise(points: Columns, after: int, upto: int, most: int) -> Columns:
    """Points after+1..upto (1-based seqs; `points` holds the run from seq 1) in at most
    `most` buckets of equal width, the last one shorter: neighbours merged, none dropped."""
    buckets = empty_buckets()
    count = upto - after
    if count <= 0:
        return buckets
    width = ceil(count / most)
    loss, acc, t = points["loss"], points["acc"], points["t"]
    for start in range(after, upto, width):  # list index = seq - 1
        end = min(start + width, upto)
        finite = [value for value in loss[start:end] if value is not None]
        buckets["first_seq"].append(start + 1)
        buckets["last_seq"].append(end)
        # A diverged run's losses are null (inf/NaN): a bucket of only those has null loss.
        buckets["loss_min"].append(min(finite) if finite else None)
        buckets["loss_max"].append(max(finite) if finite else None)
        buckets["loss_mean"].append(significant(sum(finite) / len(finite)) if finite else None)
        buckets["acc_mean"].append(significant(sum(acc[start:end]) / (end - start), 6))
        buckets["t"].append(t[end - 1])
    return buckets
