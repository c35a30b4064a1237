"""Fixtures: a real redis-server, a trainer that writes its run log into it, and edges."""

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from support.edges import REDIS_SERVER, LiveEdge, RedisServer
from support.live import LiveServer

# The stand-in worker (no torch): 118 batches an epoch at batch 512, made up at this rate.
STANDIN_RATE = "400"


def needs(program: str, path: str | None) -> None:
    """Skip without `program`, but not in CI: there, scripts/setup --test installs it."""
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{program} is missing: scripts/setup --test installs it")
        pytest.skip(f"{program} is not installed (apt-get install {program})")


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    needs("redis-server", REDIS_SERVER)
    server = RedisServer(tmp_path).start()
    yield server
    server.stop()


@pytest.fixture
def trainer(make_server: Callable[..., LiveServer], redis_server: RedisServer) -> LiveServer:
    """`loopcast serve --redis` with the stand-in worker."""
    return make_server(LOOPCAST_REDIS=redis_server.url, LOOPCAST_STANDIN_RATE=STANDIN_RATE)


@pytest.fixture
def make_edge(
    small_data: Path, tmp_path: Path, redis_server: RedisServer, trainer: LiveServer
) -> Iterator[Callable[[], LiveEdge]]:
    """Start edges with `make_edge()`; all are stopped at the end of the test."""
    started: list[LiveEdge] = []

    def start() -> LiveEdge:
        edge = LiveEdge(small_data, tmp_path, redis_server.url, LOOPCAST_TRAINER_URL=trainer.url)
        started.append(edge)
        edge.start()
        return edge

    yield start
    for edge in started:
        edge.stop()
