"""Recordings that travel: export, import onto another database, replay there; hostile files
refused whole, with one clear line, and nothing half-imported."""

import copy
import json
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loopcast.recording import (
    MAX_BYTES,
    RecordingError,
    add_recording,
    export_run,
    read_recording,
)
from loopcast.store import Store
from support.live import REPO, LiveServer
from support.recordings import made_up_recording

LOOPCAST = REPO / ".venv" / "bin" / "loopcast"


def recording() -> dict[str, Any]:
    """A valid recording of a GPU run, 40 points in 2 epochs, with an lr change and a field
    of a later version (ignored)."""
    data = made_up_recording(epochs=2, steps_per_epoch=20, seconds=0.4)
    data["run"] |= {"id": 3, "lr_changes": [{"seq": 10, "lr": 0.5}], "weights_kept": True}
    return data


def runs_in(store: Store) -> int:
    return len(store.list_runs())


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """A database that already holds a run with the file's id (3) and more."""
    store = Store(tmp_path_factory.mktemp("target") / "runs.db")
    for _ in range(3):
        store.create_run(
            "here first", {"epochs": 1}, {"device": "cpu", "device_name": "", "torch_version": ""}
        )
    yield store
    store.close()


def write(path: Path, data: dict[str, Any] | str) -> Path:
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return path


def test_import_adds_a_new_run_and_never_overwrites(target: Store, tmp_path: Path) -> None:
    before = target.get_run(3)
    new_id = add_recording(target, read_recording(write(tmp_path / "r.json", recording())))
    assert new_id > 3 and target.get_run(3) == before
    run = target.get_run(new_id)
    assert run is not None
    expected = recording()
    for key in ("name", "status", "device", "device_name", "torch_version", "unpaced_s"):
        assert run[key] == expected["run"][key], key
    assert run["config"]["batch_size"] == 64 and run["replay_of"] is None
    assert target.points(new_id) == expected["points"]
    assert target.epochs(new_id) == expected["epochs"]
    assert target.lr_changes(new_id) == [{"seq": 10, "lr": 0.5}]


def test_a_diverged_run_travels_with_its_null_losses(target: Store, tmp_path: Path) -> None:
    data = recording()
    data["points"]["loss"][-3:] = [None] * 3  # inf/NaN are stored and exported as null
    data["epochs"][-1] |= {"train_loss": None, "val_loss": None}
    new_id = add_recording(target, read_recording(write(tmp_path / "r.json", data)))
    assert target.points(new_id)["loss"][-4:] == [data["points"]["loss"][-4], None, None, None]
    assert target.epochs(new_id)[-1]["val_loss"] is None


# Each makes a valid recording invalid, whatever the position it is given.
def _set(path: tuple[Any, ...], value: Any) -> Any:
    def mutate(data: dict[str, Any], index: int) -> None:
        *parents, last = path
        for key in parents:
            data = data[key]
        if isinstance(data.get(last), list) and not isinstance(value, list):
            data[last][index % len(data[last])] = value
        else:
            data[last] = value

    return mutate


def _duplicate_seq(data: dict[str, Any], index: int) -> None:
    seq = data["points"]["seq"]
    seq[1 + index % (len(seq) - 1)] = seq[index % (len(seq) - 1)]


def _drop_one(data: dict[str, Any], index: int) -> None:
    column = list(data["points"])[index % 6]
    data["points"][column].pop()


MUTATIONS = {
    "format": _set(("format",), "csv-recording"),
    "version": _set(("version",), 2),
    "version as text": _set(("version",), "1"),
    "running": _set(("run", "status"), "running"),
    "queued": _set(("run", "status"), "queued"),
    "bad config": _set(("run", "config", "lr"), "fast"),
    "unknown config": _set(("run", "config", "turbo"), True),
    "name a number": _set(("run", "name"), 7),
    "huge name": _set(("run", "name"), "x" * 5000),
    "device null": _set(("run", "device"), None),
    "NaN string": _set(("points", "loss"), "NaN"),
    "number string": _set(("points", "loss"), "1.5"),
    "null acc": _set(("points", "acc"), None),
    "bool acc": _set(("points", "acc"), True),
    "acc over 1": _set(("points", "acc"), 1.5),
    "float seq": _set(("points", "seq"), 1.5),
    "negative t": _set(("points", "t"), -1.0),
    "epoch past config": _set(("points", "epoch"), 99),
    "epoch result past points": _set(("epochs", 0, "epoch"), 7),
    "epoch NaN": _set(("epochs", 0, "val_loss"), "NaN"),
    "points a list": _set(("points",), [1, 2, 3]),
    "lr change past the points": _set(("run", "lr_changes"), [{"seq": 41, "lr": 0.5}]),
    "lr changes out of order": _set(
        ("run", "lr_changes"), [{"seq": 9, "lr": 1}, {"seq": 2, "lr": 1}]
    ),
    "lr zero": _set(("run", "lr_changes"), [{"seq": 1, "lr": 0}]),
    "extra key": _set(("extra",), {}),
    "duplicate seq": _duplicate_seq,
    "unequal columns": _drop_one,
}


@given(mutation=st.sampled_from(sorted(MUTATIONS)), index=st.integers(0, 10_000))
def test_bad_recordings_are_refused_whole(
    target: Store, tmp_path_factory: pytest.TempPathFactory, mutation: str, index: int
) -> None:
    data = copy.deepcopy(recording())
    MUTATIONS[mutation](data, index)
    path = write(tmp_path_factory.mktemp("bad") / "r.json", data)
    before = runs_in(target)
    with pytest.raises(RecordingError) as error:
        read_recording(path)
    assert "\n" not in str(error.value) and "not a valid loopcast recording" in str(error.value)
    assert runs_in(target) == before


@given(cut=st.integers(0, 10_000))
def test_a_truncated_file_is_refused(tmp_path_factory: pytest.TempPathFactory, cut: int) -> None:
    text = json.dumps(recording())
    path = write(tmp_path_factory.mktemp("cut") / "r.json", text[: cut % len(text)])
    with pytest.raises(RecordingError, match="not a valid loopcast recording"):
        read_recording(path)


def test_nan_literals_and_deep_nesting_are_refused(tmp_path: Path) -> None:
    data = recording()
    data["points"]["loss"][3] = float("nan")
    nan = write(tmp_path / "nan.json", json.dumps(data))  # writes the bare token NaN
    assert "NaN" in nan.read_text()
    deep = write(tmp_path / "deep.json", '{"format": ' + "[" * 100_000 + "]" * 100_000 + "}")
    for path in (nan, deep):
        with pytest.raises(RecordingError, match="not a valid loopcast recording"):
            read_recording(path)


def test_a_100_mb_file_is_refused_unread(tmp_path: Path) -> None:
    huge = tmp_path / "huge.json"
    with huge.open("wb") as file:
        file.truncate(100 * 2**20)  # sparse: costs no disk, and must not be read
    with pytest.raises(RecordingError, match=f"over the {MAX_BYTES // 2**20} MB"):
        read_recording(huge)


def test_a_failed_import_leaves_nothing(target: Store) -> None:
    data = recording()
    before = target.list_runs()
    next_id = before[0]["id"] + 1
    twice = data["epochs"] * 2  # the second copy breaks the epochs' key, after the points
    with pytest.raises(sqlite3.IntegrityError):
        target.add_run(data["run"], data["points"], twice)
    assert target.list_runs() == before and target.points(next_id)["seq"] == []


def test_an_active_run_is_not_exported(target: Store, tmp_path: Path) -> None:
    with pytest.raises(RecordingError, match="still queued"):
        export_run(target, 1, tmp_path / "r.json")
    with pytest.raises(RecordingError, match="no run 999"):
        export_run(target, 999, tmp_path / "r.json")
    assert not (tmp_path / "r.json").exists()


def loopcast(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LOOPCAST), "runs", *args], capture_output=True, text=True, timeout=60, check=False
    )


def test_export_import_and_replay_on_another_machine(
    server: LiveServer, make_server: type[LiveServer], small_data: Path, tmp_path: Path
) -> None:
    original = server.wait_run(server.start_run(epochs=2, name="on the gpu")["id"])
    file = tmp_path / "rehearsal.json"
    exported = loopcast("export", str(original["id"]), str(file), "--db", str(server.db))
    assert exported.returncode == 0, exported.stderr

    laptop = tmp_path / "laptop"
    laptop.mkdir()
    imported = loopcast("import", str(file), "--db", str(laptop / "runs.db"))
    assert imported.returncode == 0, imported.stderr
    new_id = int(imported.stdout)

    other = make_server(small_data, laptop)
    copy_of = other.http.get(f"/api/runs/{new_id}").json()
    for key in ("name", "status", "config", "device_name", "epochs", "points", "wall_s"):
        assert copy_of[key] == original[key], key
    response = other.http.post(f"/api/runs/{new_id}/replay", json={"speed": 10}, headers=other.auth)
    assert response.status_code == 201, response.text
    replayed = other.wait_run(response.json()["id"])
    assert replayed["status"] == "finished" and replayed["replay_of"] == new_id
    for name in ("seq", "loss", "acc"):
        assert replayed["points"][name] == original["points"][name], name


def test_the_command_says_what_is_wrong_in_one_line(tmp_path: Path) -> None:
    db = str(tmp_path / "runs.db")
    bad = write(tmp_path / "bad.json", recording() | {"version": 9})
    huge = tmp_path / "huge.json"
    with huge.open("wb") as file:
        file.truncate(MAX_BYTES + 1)
    for args, message in (
        (("import", str(bad), "--db", db), "version: Input should be 1"),
        (("import", str(huge), "--db", db), "over the 64 MB"),
        (("import", str(tmp_path / "none.json"), "--db", db), "No such file"),
        (("export", "1", str(tmp_path / "out.json"), "--db", db), "no run history"),
    ):
        result = loopcast(*args)
        assert result.returncode == 2, args
        assert result.stderr.count("\n") == 1 and message in result.stderr, result.stderr
    assert not (tmp_path / "runs.db").exists(), "a refused import created a database"
