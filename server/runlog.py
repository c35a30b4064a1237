"""The live run: an append-only, seq-numbered list of points plus epochs and status.

This is what live viewers, late joiners and reconnects read from; every point here
was stored in SQLite before it was appended.
"""

import json
from collections import OrderedDict
from typing import Any

from server.store import POINT_COLUMNS, Columns, Row

ENCODED_SLICES_KEPT = 64


def encode(message: dict[str, Any]) -> str:
    # allow_nan=False: a NaN would be invalid JSON in the browser; the worker sends null.
    return json.dumps(message, separators=(",", ":"), allow_nan=False)


class RunLog:
    def __init__(self, info: Row) -> None:
        self.info = info
        self.columns: Columns = {name: [] for name in POINT_COLUMNS}
        # Each epoch result carries `last_seq`, the last point of its epoch, so a viewer
        # that is behind receives points and epochs in the order they happened.
        self.epochs: list[Row] = list(info.get("epochs", []))
        self._encoded: OrderedDict[tuple[int, int], str] = OrderedDict()

    @property
    def id(self) -> int:
        run_id: int = self.info["id"]
        return run_id

    @property
    def status(self) -> str:
        status: str = self.info["status"]
        return status

    @property
    def last_seq(self) -> int:
        return len(self.columns["seq"])

    def append(self, columns: Columns) -> None:
        first = columns["seq"][0]
        if first != self.last_seq + 1:
            raise ValueError(f"run {self.id}: point {first} follows {self.last_seq}")
        for name in POINT_COLUMNS:
            self.columns[name].extend(columns[name])
        self.info["last_seq"] = self.last_seq

    def add_epoch(self, epoch: Row) -> None:
        self.epochs.append({**epoch, "last_seq": self.last_seq})
        self.info["epochs"] = self.epochs

    def slice(self, after: int, upto: int) -> Columns:
        return {name: self.columns[name][after:upto] for name in POINT_COLUMNS}

    def points_message(self, after: int, upto: int) -> str:
        """Points after..upto as one message, encoded once for every viewer at that cursor."""
        key = (after, upto)
        text = self._encoded.get(key)
        if text is None:
            text = encode({"type": "points", "run": self.id, **self.slice(after, upto)})
            self._encoded[key] = text
            if len(self._encoded) > ENCODED_SLICES_KEPT:
                self._encoded.popitem(last=False)
        return text
