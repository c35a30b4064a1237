"""The deck's live panels that are not runs: a DataLoader batch, train vs eval, the profile,
the CPU-vs-GPU race."""

import base64

from support.live import LiveServer


def test_a_real_dataloader_batch_with_the_seed_shapes(server: LiveServer) -> None:
    first = server.http.get("/api/demo/batch", params={"index": 0}).json()
    assert first["shape"] == [64, 1, 28, 28]
    assert first["labels_shape"] == [64]
    assert len(first["labels"]) == 64 and all(0 <= label <= 9 for label in first["labels"])
    assert len(base64.b64decode(first["images"])) == 64 * 28 * 28
    again = server.http.get("/api/demo/batch", params={"index": 0}).json()
    other = server.http.get("/api/demo/batch", params={"index": 1}).json()
    assert again["labels"] == first["labels"]  # the same index is the same shuffle
    assert other["labels"] != first["labels"]  # the next batch is shuffled anew
    fashion = server.http.get("/api/demo/batch", params={"dataset": "fashion-mnist"})
    assert fashion.status_code == 200
    for bad in ({"index": -1}, {"dataset": "cifar"}, {"index": "x"}):
        assert server.http.get("/api/demo/batch", params=bad).status_code == 422


def test_train_mode_and_eval_mode_scores_of_the_same_weights(server: LiveServer) -> None:
    modes = server.http.get("/api/demo/modes", timeout=120).json()
    assert modes["test_images"] > 0 and modes["trained_steps"] > 0
    assert 0 <= modes["train_mode_acc"] <= 1
    assert modes["eval_mode_acc"] > 0.5
    assert modes["train_mode_loss"] != modes["eval_mode_loss"]  # Dropout, batch statistics
    assert server.http.get("/api/demo/modes").json() == modes  # trained once, then cached


def test_the_five_steps_are_profiled(server: LiveServer) -> None:
    profile = server.http.get("/api/demo/profile").json()
    assert profile["device"] == "cpu"
    assert list(profile["ms"]) == ["zero_grad", "forward", "loss", "backward", "step"]
    assert all(ms > 0 for ms in profile["ms"].values())


def test_the_race_is_the_presenters_needs_a_gpu_and_says_so_plainly(server: LiveServer) -> None:
    assert server.http.get("/api/demo/race").json() == {"detail": "no race yet"}
    assert server.http.post("/api/demo/race").status_code == 401
    assert (
        server.http.post("/api/demo/race", headers={"Authorization": "Bearer x"}).status_code == 401
    )
    response = server.http.post("/api/demo/race", headers=server.auth, timeout=60)
    if server.http.get("/api/status").json()["cuda_available"]:
        assert response.status_code == 200
        race = response.json()
        assert [leg["device"] for leg in race["devices"]] == ["cpu", "cuda"]
        assert race["speedup"] > 0
        assert server.http.get("/api/demo/race").json() == race  # the audience sees it
    else:
        assert response.status_code == 409
        assert response.json() == {"detail": "no GPU on this server: nothing to race"}
        assert server.http.get("/api/demo/race").status_code == 404


def test_no_race_while_a_run_trains(server: LiveServer) -> None:
    run = server.start_run(epochs=50)
    try:
        response = server.http.post("/api/demo/race", headers=server.auth)
        assert response.status_code == 409
        assert response.json() == {"detail": "a run is training: race after it ends"}
    finally:
        server.http.post(f"/api/runs/{run['id']}/stop", headers=server.auth)
        server.wait_run(run["id"])


def test_demo_requests_are_answered_while_a_run_trains(server: LiveServer) -> None:
    run = server.start_run(epochs=50)
    try:
        response = server.http.get("/api/demo/batch", params={"index": 3})
        assert response.status_code == 200
        assert server.http.get(f"/api/runs/{run['id']}").json()["status"] == "running"
    finally:
        server.http.post(f"/api/runs/{run['id']}/stop", headers=server.auth)
        server.wait_run(run["id"])
