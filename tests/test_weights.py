"""The published weights: their encoding, who receives them (the deck each, a phone only
when it opted in, a joiner the newest), and, on real MNIST, a numpy forward pass from a
`weights` message that scores within a point of the epoch's val_acc."""

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from loopcast.data.datasets import load_split, missing_files
from loopcast.data.paths import default_data_dir
from loopcast.stream.cursor import Cursor
from loopcast.stream.hub import Hub
from loopcast.stream.rations import MIN_WEIGHTS_INTERVAL
from loopcast.stream.run import RunInfo
from loopcast.stream.runlog import RunLog
from loopcast.training.weights import decode_layer, encode_layer
from support.live import LiveServer


@given(arrays(np.float32, st.integers(1, 300), elements=st.floats(-50, 50, width=32)))
def test_int8_layers_come_back_within_half_a_step(values: np.ndarray[Any, Any]) -> None:
    matrix = torch.from_numpy(values.reshape(1, -1))
    layer = encode_layer("0.weight", matrix)
    assert layer["dtype"] == "int8" and layer["shape"] == [1, len(values)]
    decoded = decode_layer(layer)
    assert np.abs(decoded - matrix.numpy()).max() <= layer["scale"] / 2 * 1.0001 + 1e-12


def test_biases_are_float32_exactly_and_zeros_need_no_scale() -> None:
    bias = torch.tensor([0.1, -2.5, 3e-8], dtype=torch.float32)
    layer = encode_layer("1.bias", bias)
    assert (layer["dtype"], layer["scale"]) == ("float32", 1.0)
    assert np.array_equal(decode_layer(layer), bias.numpy())
    zeros = encode_layer("1.weight", torch.zeros(3, 4))
    assert zeros["scale"] == 1.0 and not decode_layer(zeros).any()


def test_a_phones_weights_interval_shares_the_budget() -> None:
    hub = Hub(lambda: {}, weights_budget=2_500_000)
    hub.rations.weights_viewers = 1000
    assert hub.rations.weights_interval(110_000) == pytest.approx(44.0)  # 1,000 phones x 110 KB
    hub.rations.weights_viewers = 3
    assert hub.rations.weights_interval(110_000) == MIN_WEIGHTS_INTERVAL


def kinds(viewer: Any) -> list[str]:
    return [message["type"] for message in viewer.messages]


def test_the_deck_and_opted_in_phones_get_weights_plain_phones_do_not(server: LiveServer) -> None:
    with (
        server.viewer() as deck,
        server.viewer("?detail=envelope&weights=1") as pad,
        server.viewer("?detail=envelope") as phone,
    ):
        for viewer in (deck, pad, phone):
            viewer.receive()
        run = server.start_run(epochs=3, pace_s=3)  # a copy at 2 s and one at the end
        for viewer in (deck, pad, phone):
            viewer.until_status("finished")
    # This run's copies (a viewer joining gets the newest of the run before, as any joiner).
    copies = [m for m in deck.messages if m["type"] == "weights" and m["run"] == run["id"]]
    final = copies[-1]
    assert len(copies) >= 2 and final["final"] and not copies[0]["final"]
    assert final["run"] == run["id"] and final["model"] == "mlp"
    assert (final["mean"], final["std"]) == (0.1307, 0.3081)
    assert [layer["name"] for layer in final["layers"]] == [
        "1.weight",
        "1.bias",
        "3.weight",
        "3.bias",
    ]
    assert "weights" in kinds(pad)
    assert "weights" not in kinds(phone)
    details = server.http.get(f"/api/runs/{run['id']}").json()
    assert final["seq"] == details["last_seq"] and final["epoch"] == 3

    # A joiner gets the newest weights right after its snapshot; a plain phone does not.
    with server.viewer("?detail=envelope&weights=1") as joiner, server.viewer() as late_deck:
        assert joiner.receive()["type"] == "snapshot"
        assert joiner.receive() == final
        assert late_deck.receive()["type"] == "snapshot"
        assert late_deck.receive() == final


@pytest.mark.parametrize("query", ["?weights=yes", "?weights=", "?detail=envelope&weights=2"])
def test_weights_other_than_0_or_1_are_refused_at_the_handshake(
    server: LiveServer, query: str
) -> None:
    with pytest.raises(InvalidStatus) as refused:
        connect(f"{server.ws_url}{query}", open_timeout=10)
    response = refused.value.response
    assert response.status_code == 422
    assert b"weights must be 0 or 1" in response.body


def mlp_forward(message: dict[str, Any], images: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """The mlp's logits, from a weights message, as docs/protocol.md describes it."""
    layers = {layer["name"]: decode_layer(layer) for layer in message["layers"]}
    x = (images.reshape(len(images), -1).astype(np.float32) / 255 - message["mean"]) / message[
        "std"
    ]
    hidden = np.maximum(x @ layers["1.weight"].T + layers["1.bias"], 0)
    logits: np.ndarray[Any, Any] = hidden @ layers["3.weight"].T + layers["3.bias"]
    return logits


@pytest.fixture(scope="module")
def real_mnist() -> Path:
    data = default_data_dir()
    if missing_files(data, "mnist"):
        pytest.skip(f"no MNIST in {data}: run `loopcast data fetch`")
    return data


@pytest.mark.realdata
@pytest.mark.slow
def test_on_real_mnist_the_published_weights_score_as_the_epoch_and_evals_add_up(
    real_mnist: Path, tmp_path: Path
) -> None:
    live = LiveServer(real_mnist, tmp_path).start()
    try:
        with live.viewer() as deck:
            deck.receive()
            run = live.start_run(epochs=1)
            deck.until_status("finished")
    finally:
        live.stop()
    by_type = {message["type"]: message for message in deck.messages}  # the last of each
    epoch, evaluation, weights = by_type["epoch"], by_type["eval"], by_type["weights"]
    assert weights["final"] and weights["run"] == run["id"]

    images, labels = load_split(real_mnist, "mnist", train=False)
    predicted = mlp_forward(weights, images.numpy()).argmax(1)
    accuracy = float((predicted == labels.numpy()).mean())
    assert abs(accuracy - epoch["val_acc"]) <= 0.01, (accuracy, epoch["val_acc"])

    confusion = np.array(evaluation["confusion"])
    assert confusion.sum() == 10_000 and evaluation["test_images"] == 10_000
    assert np.trace(confusion) / 10_000 == pytest.approx(epoch["val_acc"], abs=1e-6)
    assert evaluation["epoch"] == 1 and evaluation["last_seq"] == epoch["last_seq"]
    assert all(m["label"] != m["top3"][0][0] for m in evaluation["mistakes"])


# The rest of a weights message, the same in every copy.
MODEL = {"epoch": 1, "model": "mlp", "dataset": "mnist", "mean": 0.1307, "std": 0.3081}


def test_weights_are_encoded_once_and_rationed_per_phone() -> None:
    hub = Hub(lambda: {}, weights_budget=1_000)  # bytes/s: a tiny budget
    log = RunLog(RunInfo(id=1, status="running"))
    hub.set_run(log)
    deck, pad, phone = Cursor(), Cursor("envelope", weights=True), Cursor("envelope")
    for cursor in (deck, pad, phone):
        hub.pending(cursor)
    hub.rations.weights_viewers = 1
    log.set_weights({"seq": 0, "final": False, "layers": [], **MODEL})
    sent = [hub.pending(cursor) for cursor in (deck, pad, phone)]
    assert sent[0][-1] is sent[1][-1] is log.weights_message  # one encoding for all
    assert sent[2] == []
    size = len(log.weights_message or "")
    log.set_weights({"seq": 5, "final": True, "layers": [], **MODEL})
    assert hub.pending(pad) == []  # held: 1 viewer x its bytes / 1,000 B/s, at least 2 s
    held = hub.held_back(pad)
    assert held is not None
    assert held == pytest.approx(max(MIN_WEIGHTS_INTERVAL, size / 1_000), abs=0.1)
    assert json.loads(hub.pending(deck)[-1])["final"] is True  # the deck gets each
