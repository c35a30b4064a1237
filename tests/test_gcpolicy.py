"""The streaming server's garbage collection: start-up frozen, full collections when idle."""

import asyncio
import subprocess
import sys

import pytest

from loopcast import gcpolicy


def test_tuning_freezes_start_up_and_makes_full_collections_rare() -> None:
    # In a fresh interpreter: the policy is for the server's process, not pytest's.
    check = (
        "import gc; from loopcast.gcpolicy import tune_for_streaming, FULL_COLLECTION_EVERY\n"
        "young, middle, _ = gc.get_threshold(); tune_for_streaming()\n"
        "assert gc.get_threshold() == (young, middle, FULL_COLLECTION_EVERY), gc.get_threshold()\n"
        "assert gc.get_freeze_count() > 1000, gc.get_freeze_count()\n"
    )
    subprocess.run([sys.executable, "-c", check], check=True)


def test_full_collections_run_only_while_idle(monkeypatch: pytest.MonkeyPatch) -> None:
    collections: list[bool] = []
    idle = False
    monkeypatch.setattr(gcpolicy, "IDLE_COLLECTION_PERIOD", 0.01)
    monkeypatch.setattr("gc.collect", lambda: collections.append(idle))

    async def watch() -> None:
        nonlocal idle
        collector = asyncio.create_task(gcpolicy.collect_when_idle(lambda: idle))
        await asyncio.sleep(0.1)
        assert collections == []  # a run streams: no pause for anyone
        idle = True
        await asyncio.sleep(0.1)
        collector.cancel()

    asyncio.run(watch())
    assert collections and all(collections)
