"""Fixtures: small generated datasets and real servers on free ports."""

from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from loopcast.data.synthetic import write_synthetic_dataset
from support.live import LiveServer

# Small enough that an epoch of the mlp takes well under a second on 2 cores.
TRAIN_IMAGES, TEST_IMAGES = 2000, 500


@pytest.fixture(scope="session")
def small_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("data")
    for dataset in ("mnist", "fashion-mnist"):
        write_synthetic_dataset(data_dir, dataset, train=TRAIN_IMAGES, test=TEST_IMAGES, seed=1)
    return data_dir


@pytest.fixture
def make_server(small_data: Path, tmp_path: Path) -> Iterator[type[LiveServer]]:
    """Start servers with `make_server(**env)`; all are stopped at the end of the test."""
    started: list[LiveServer] = []

    def start(
        data_dir: Path | None = None,
        workdir: Path | None = None,
        flags: Sequence[str] = (),
        **env: str,
    ) -> LiveServer:
        server = LiveServer(data_dir or small_data, workdir or tmp_path, flags, **env)
        started.append(server)
        return server.start()

    yield start  # type: ignore[misc]
    for server in started:
        server.http.close()
        if server.process and server.process.poll() is None:
            server.process.kill()
            server.process.wait()


@pytest.fixture(scope="module")
def server(small_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One server shared by a test module's tests."""
    live = LiveServer(small_data, tmp_path_factory.mktemp("server")).start()
    yield live
    live.stop()
