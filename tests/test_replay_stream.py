"""A run recorded before the stream was typed (issue 21) replays to the same messages: the
fixture is a real run exported with `loopcast runs export` by main's code, and the stream
its replay sent then (tests/fixtures/make_replay_fixture.py)."""

import json

import pytest

from tests.fixtures.make_replay_fixture import RECORDING, STREAM, replayed_stream

PARTS = ("full", "envelope", "full snapshot", "envelope snapshot", "redis")


@pytest.fixture(scope="module")
def replayed() -> dict[str, list[str]]:
    return replayed_stream(RECORDING)


@pytest.mark.parametrize("part", PARTS)
def test_a_recording_made_before_replays_identically(
    replayed: dict[str, list[str]], part: str
) -> None:
    expected = json.loads(STREAM.read_text())
    assert set(expected) == set(PARTS)
    assert replayed[part] == expected[part]
