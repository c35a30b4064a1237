"""The stream's contract (tests/test_stream.py, tests/stream/test_envelope.py) kept by an edge: the
same tests, with the viewers on an edge and the presenter's requests on its trainer (the
real worker)."""

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from support.edges import REDIS_SERVER, LiveEdge, RedisServer
from support.live import LiveServer
from tests import test_stream as contract
from tests import test_weights as insides
from tests.edge.conftest import needs
from tests.stream import test_envelope as envelope

# Collected here with `server` below, in test_stream's order (a test may expect the
# server as the one before it left it).
test_snapshot_first_with_server_status = contract.test_snapshot_first_with_server_status
test_live_viewer_and_late_joiner_get_every_point = (
    contract.test_live_viewer_and_late_joiner_get_every_point
)
test_epoch_messages_follow_their_points = contract.test_epoch_messages_follow_their_points
test_since_resumes_exactly = contract.test_since_resumes_exactly
test_since_for_an_old_run_sends_the_whole_current_run = (
    contract.test_since_for_an_old_run_sends_the_whole_current_run
)
test_a_stalled_viewer_slows_no_one_and_misses_nothing = (
    contract.test_a_stalled_viewer_slows_no_one_and_misses_nothing
)
test_ping_and_garbage = contract.test_ping_and_garbage
test_slide_changes_reach_viewers = contract.test_slide_changes_reach_viewers
# The envelope's (tests/stream/test_envelope.py): the audience page's detail.
test_an_envelope_viewer_gets_exact_buckets_at_a_bounded_rate = (
    envelope.test_an_envelope_viewer_gets_exact_buckets_at_a_bounded_rate
)
test_an_envelope_snapshot_is_bounded_and_exact_and_resumes_with_since = (
    envelope.test_an_envelope_snapshot_is_bounded_and_exact_and_resumes_with_since
)


# The weights (issue 12): the biggest messages, through Redis as any other.
test_the_deck_and_opted_in_phones_get_weights_plain_phones_do_not = (
    insides.test_the_deck_and_opted_in_phones_get_weights_plain_phones_do_not
)


class ThroughEdge(LiveServer):
    """The trainer's HTTP API (runs, slides) with the edge's stream and port."""

    def __init__(self, trainer: LiveServer, edge: LiveEdge) -> None:
        self.__dict__.update(trainer.__dict__)
        self.ws_url, self.port, self.edge = edge.ws_url, edge.port, edge

    def wait_run(self, run_id: int, timeout: float = 120) -> dict[str, Any]:
        """Ended on the trainer, and on the edge too (it reads Redis a moment later)."""
        run = super().wait_run(run_id, timeout)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.viewer() as viewer:
                info = viewer.receive()["info"]
            if info is not None and info["id"] == run_id and info["status"] == run["status"]:
                return run
            time.sleep(0.05)
        raise TimeoutError(f"run {run_id} did not end on the edge in {timeout} s")


@pytest.fixture(scope="module")
def server(small_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    needs("redis-server", REDIS_SERVER)
    workdir = tmp_path_factory.mktemp("edge-contract")
    redis_server = RedisServer(workdir).start()
    trainer = LiveServer(small_data, workdir, LOOPCAST_REDIS=redis_server.url).start()
    edge = LiveEdge(small_data, workdir, redis_server.url)
    edge.start()
    yield ThroughEdge(trainer, edge)
    edge.stop()
    trainer.stop()
    redis_server.stop()
