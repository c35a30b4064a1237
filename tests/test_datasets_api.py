"""A dataset that is not installed: the API says so up front, and says what to install."""

from pathlib import Path

import pytest

from loopcast.data.synthetic import write_synthetic_dataset
from support.live import LiveServer


@pytest.fixture(scope="module")
def mnist_only(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("mnist-only")
    write_synthetic_dataset(data_dir, "mnist", train=500, test=100, seed=1)
    return data_dir


def test_a_run_on_a_missing_dataset_is_refused_naming_what_to_install(
    make_server: type[LiveServer], mnist_only: Path
) -> None:
    server = make_server(data_dir=mnist_only)
    answer = server.http.post("/api/runs", json={"dataset": "fashion-mnist"}, headers=server.auth)
    assert answer.status_code == 422, answer.text
    [detail] = answer.json()["detail"]
    assert detail["loc"] == ["body", "dataset"]
    assert "fashion-mnist is not installed" in detail["msg"]
    assert "apt-get install dataset-fashion-mnist" in detail["msg"]
    assert f"loopcast data fetch --dataset fashion-mnist --data-dir {mnist_only}" in detail["msg"]
    assert server.http.get("/api/runs").json()["runs"] == []  # nothing was started
    # MNIST, which is there, still trains.
    run = server.start_run(epochs=1)
    assert server.wait_run(run["id"])["status"] == "finished"


def test_the_datasets_endpoint_says_which_are_ready(
    make_server: type[LiveServer], mnist_only: Path
) -> None:
    server = make_server(data_dir=mnist_only)
    states = {state["name"]: state for state in server.http.get("/api/datasets").json()["datasets"]}
    assert states["mnist"] == {"name": "mnist", "available": True, "reason": None}
    assert states["fashion-mnist"]["available"] is False
    assert "apt-get install dataset-fashion-mnist" in states["fashion-mnist"]["reason"]
