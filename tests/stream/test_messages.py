"""The stream's message types (server/stream/messages.py): the browser's copy of them
(static/js/messages.d.ts) has the same kinds and fields, in order; parse() takes back what
encode() wrote, and says what is wrong with anything else."""

import re
import typing
from dataclasses import fields

import pytest

from loopcast.stream.messages import (
    ENTRIES,
    Encoded,
    Epoch,
    Info,
    Kind,
    Lr,
    Message,
    Points,
    Slide,
    Snapshot,
    UnknownKind,
    encode,
    parse,
)
from loopcast.stream.run import RunInfo
from support.live import REPO

TYPES = REPO / "static" / "js" / "messages.d.ts"
INTERFACE = re.compile(r"^export interface (\w+) \{\n(.*?)^\}", re.MULTILINE | re.DOTALL)
FIELD = re.compile(r"^  (\w+)\??:", re.MULTILINE)
KIND = re.compile(r"^  type: '(\w+)'$", re.MULTILINE)


def browser_kinds() -> dict[str, list[str]]:
    """Each message interface of the .d.ts by its `type`: its field names, in order."""
    kinds = {}
    for _, body in INTERFACE.findall(TYPES.read_text()):
        kind = KIND.search(body)
        if kind:
            kinds[kind.group(1)] = FIELD.findall(body)
    return kinds


def wire_fields(cls: type[Kind]) -> list[str]:
    """The JSON fields a message of `cls` has: `type`, then its fields (a snapshot's
    history is sent as `points` or as `buckets`)."""
    names = [f.name for f in fields(cls)]
    if cls is Snapshot:
        names[names.index("history") : names.index("history") + 1] = ["points", "buckets"]
    return ["type", *names]


SERVER_KINDS: list[type[Kind]] = [
    cls for member in typing.get_args(Message) for cls in typing.get_args(member) or [member]
]


def test_every_kind_has_one_type_here_and_there_with_the_same_fields() -> None:
    browser = browser_kinds()
    assert sorted(browser) == sorted(cls.kind for cls in SERVER_KINDS)
    for cls in SERVER_KINDS:
        assert browser[cls.kind] == wire_fields(cls), cls.kind


def test_an_encoded_message_keeps_its_message_and_parses_back() -> None:
    messages: list[Message] = [
        Points(3, [1, 2], [1, 2], [1, 1], [2.3, None], [0.1, 0.2], [0.01, 0.02], 1.5),
        Epoch(3, 1, 0.3, None, 0.9, 1000.0, 4.2, 938),
        Lr(3, 1501, 0.5),
        Slide(None, 4, "mnist"),
        Info(3, RunInfo(id=3, status="running")),
    ]
    for message in messages:
        text = encode(message)
        assert isinstance(text, Encoded) and text.value is message
        assert text.startswith(f'{{"type":"{message.kind}","run":')
        assert parse(text) == message


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ('{"type":"lr","run":3,"seq":5}', "a lr message without lr"),
        ('{"type":"lr","run":3,"seq":5,"lr":NaN}', "NaN is not JSON"),
        ("[1, 2]", "a list, not a message object"),
        ('{"type":"snapshot","run":null}', "'snapshot' are not known here"),
        ('{"run":3}', "None are not known here"),
    ],
)
def test_parse_says_what_is_wrong(text: str, says: str) -> None:
    with pytest.raises(ValueError, match=re.escape(says)):
        parse(text)


def test_a_kind_from_a_newer_writer_is_unknown_not_wrong() -> None:
    with pytest.raises(UnknownKind) as unknown:
        parse('{"type":"hologram","run":3}')
    assert unknown.value.kind == "hologram"
    assert "hologram" not in ENTRIES
