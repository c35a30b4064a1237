"""The run object: the same JSON as the store's row plus the log's fields, in the same
order, and a clear error for one that is not a run."""

import json
from dataclasses import replace

import pytest

from loopcast.stream.messages import Info, dumps, encode, parse
from loopcast.stream.run import RunInfo
from loopcast.stream.runlog import RunLog

STORED = {
    **{"id": 4, "name": "mnist", "status": "running", "reason": None, "config": {"lr": 0.1}},
    **{"device": "cpu", "device_name": "", "torch_version": "2.5", "steps_per_epoch": 20},
    **{"total_steps": 40, "created_at": 1.5, "started_at": 2.0, "finished_at": None},
    **{"unpaced_s": None, "replay_of": None, "replay_speed": None, "last_seq": 0},
    "wall_s": None,
}


def test_a_stored_run_encodes_as_it_was_stored_then_the_log_s_fields() -> None:
    info = RunInfo.from_row(STORED)
    row = json.loads(dumps(info))
    assert list(row) == [*STORED, "epochs", "lr_changes", "eval"]
    assert row == {**STORED, "epochs": [], "lr_changes": [], "eval": None}


def test_the_log_puts_its_points_and_epochs_into_the_object_it_gives() -> None:
    log = RunLog(RunInfo.from_row(STORED))
    seqs = [1, 2]
    log.append({"seq": seqs, "step": seqs, "epoch": [1, 1], "loss": [1.0, 0.5]} | {
        "acc": [0.1, 0.2], "t": [0.1, 0.2]})  # fmt: skip
    log.add_lr({"seq": 3, "lr": 0.01})
    before = log.info
    log.set_info(replace(log.info, status="finished"))
    assert (before.status, before.last_seq, before.lr_changes) == (
        "running",
        2,
        ({"seq": 3, "lr": 0.01},),
    )
    assert (log.info.status, log.status, log.info.last_seq) == ("finished", "finished", 2)


def test_an_info_entry_leaves_out_the_epochs_and_points_and_parses_back() -> None:
    info = RunInfo.from_row(STORED)
    text = encode(Info(4, info))
    assert "epochs" not in json.loads(text)["info"] and "last_seq" not in json.loads(text)["info"]
    assert parse(text) == Info(4, info)


@pytest.mark.parametrize(
    ("row", "said"),
    [
        ({"status": "running"}, "id None"),
        ({"id": "4", "status": "running"}, "id '4'"),
        ({"id": 4, "status": "done"}, "status 'done'"),
    ],
)
def test_a_run_object_without_an_id_or_a_known_status_says_so(
    row: dict[str, object], said: str
) -> None:
    with pytest.raises(ValueError, match=said):
        RunInfo.from_row(row)
    with pytest.raises(ValueError, match="a run object needs an integer id"):
        parse(json.dumps({"type": "info", "run": 4, "info": row}))
