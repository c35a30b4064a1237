"""The `eval` message: the confusion matrix and mistakes of each epoch's validation pass, in
order after its epoch, kept in the run object, rationed for phones; and the test images
the mistakes point at (`GET /api/demo/test-images`)."""

import asyncio
import base64
import json
import time
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loopcast.stream.cursor import Cursor
from loopcast.stream.hub import Hub
from loopcast.stream.rations import EVAL_BYTES_PER_SECOND
from loopcast.stream.run import RunInfo
from loopcast.stream.runlog import RunLog
from loopcast.training import demos
from loopcast.training.standin import made_up_eval
from support.live import LiveServer


def test_each_epochs_eval_follows_its_epoch_and_the_run_keeps_the_newest(
    server: LiveServer,
) -> None:
    with server.viewer() as deck, server.viewer("?detail=envelope") as phone:
        deck.receive()
        phone.receive()
        run = server.start_run(epochs=2)
        deck.until_status("finished")
        phone.until_status("finished")
        # A short run: the phone's eval is rationed, and comes once its bytes have accrued.
        phone_eval = phone.until_type("eval", timeout=30)
    kinds = [m["type"] for m in deck.messages if m["type"] in ("epoch", "eval")]
    assert kinds == ["epoch", "eval", "epoch", "eval"]
    epochs = [m for m in deck.messages if m["type"] == "epoch"]
    evals = [m for m in deck.messages if m["type"] == "eval"]
    for epoch, evaluation in zip(epochs, evals, strict=True):
        assert evaluation["epoch"] == epoch["epoch"]
        assert evaluation["last_seq"] == epoch["last_seq"]
        total = sum(map(sum, evaluation["confusion"]))
        assert total == evaluation["test_images"] == 500
        diagonal = sum(evaluation["confusion"][c][c] for c in range(10))
        assert diagonal / total == pytest.approx(epoch["val_acc"], abs=1e-6)
        assert all(m["label"] != m["top3"][0][0] for m in evaluation["mistakes"])
    assert phone_eval == evals[-1]

    details = server.http.get(f"/api/runs/{run['id']}").json()
    newest = {k: v for k, v in evals[-1].items() if k not in ("type", "run")}
    assert details["eval"] == newest
    with server.viewer("?detail=envelope") as late:
        assert late.receive()["info"]["eval"] == newest


def test_a_phone_gets_the_newest_eval_when_its_bytes_have_accrued() -> None:
    """At EVAL_BYTES_PER_SECOND from its join, then from each eval sent; one held back is
    sent when due, with no other wake."""

    async def scenario() -> None:
        hub = Hub(lambda: {})
        log = RunLog(RunInfo(id=1, status="running"))
        hub.set_run(log)
        sent: list[tuple[float, dict[str, Any]]] = []
        an_eval = asyncio.Event()

        async def send(text: str) -> None:
            sent.append((time.monotonic(), json.loads(text)))
            if sent[-1][1]["type"] == "eval":
                an_eval.set()

        def evals() -> list[tuple[float, int]]:
            return [(at, m["epoch"]) for at, m in sent if m["type"] == "eval"]

        row = {"test_images": 10, "sampled": 10, "confusion": [[1]], "mistakes": []}
        async with hub.subscribe(send, since=0, run=None, detail="envelope"):
            await asyncio.sleep(0.05)
            joined = sent[0][0]
            assert sent[0][1]["info"]["eval"] is None
            log.add_eval({"epoch": 1, **row})
            hub.publish()
            size = len(log.eval_message or "")  # about 110 bytes: due 0.55 s after joining
            await asyncio.wait_for(an_eval.wait(), 5)
            an_eval.clear()
            ((first, epoch),) = evals()
            assert epoch == 1 and first - joined >= size / EVAL_BYTES_PER_SECOND - 0.01
            log.add_eval({"epoch": 2, **row})
            log.add_eval({"epoch": 3, **row})
            hub.publish()
            await asyncio.wait_for(an_eval.wait(), 5)  # no more wakes: it comes when due
            (_, (second, epoch)) = evals()
            assert epoch == 3, "the newest, not each"
            assert second - first >= size / EVAL_BYTES_PER_SECOND - 0.01

    asyncio.run(scenario())


def test_a_phone_joining_an_ended_run_gets_its_newest_eval_in_the_snapshot() -> None:
    hub = Hub(lambda: {})
    log = RunLog(RunInfo(id=1, status="finished"))
    row = {"test_images": 10, "sampled": 10, "confusion": [[1]], "mistakes": []}
    log.add_eval({"epoch": 1, **row})
    hub.set_run(log)
    cursor = Cursor(detail="envelope")
    (snapshot,) = hub.pending(cursor)
    assert json.loads(snapshot)["info"]["eval"]["epoch"] == 1
    assert hub.pending(cursor) == [] and hub.held_back(cursor) is None


def test_test_images_are_the_stored_pixels_and_labels_cacheable(server: LiveServer) -> None:
    answer = server.http.get("/api/demo/test-images?indices=3,0,499")
    assert answer.status_code == 200, answer.text
    assert answer.headers["cache-control"] == "public, max-age=86400, immutable"
    body = answer.json()
    images, labels = demos._test_split(str(server.data_dir), "mnist")
    assert body["indices"] == [3, 0, 499] and body["shape"] == [3, 1, 28, 28]
    assert body["labels"] == labels[[3, 0, 499]].tolist() and body["labels_shape"] == [3]
    assert base64.b64decode(body["images"]) == images[[3, 0, 499]].numpy().tobytes()
    assert server.http.get("/api/demo/test-images?indices=3,0,499").json() == body
    past = server.http.get("/api/demo/test-images?indices=500")  # the small test set: 500
    assert past.status_code == 409
    assert "past the test set's last image (499)" in past.json()["detail"]


BAD_INDICES = [
    "",
    "-1",
    "10000",
    "1,,2",
    "1,2,",
    "a",
    "1.5",
    ",".join(["1"] * 65),
]


@pytest.mark.parametrize("indices", BAD_INDICES)
def test_bad_indices_answer_422(server: LiveServer, indices: str) -> None:
    answer = server.http.get("/api/demo/test-images", params={"indices": indices})
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"][0]["loc"] == ["query", "indices"]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=80).filter(lambda text: not text.replace(",", "").isdigit()))
def test_indices_that_are_not_a_list_of_numbers_answer_422(server: LiveServer, text: str) -> None:
    answer = server.http.get("/api/demo/test-images", params={"indices": text})
    assert answer.status_code == 422, answer.text


@pytest.mark.parametrize("val_acc", [0.1, 0.5, 0.973, 1.0])
def test_the_stand_ins_made_up_eval_adds_up_as_a_real_one(val_acc: float) -> None:
    made_up = made_up_eval(1, 2, val_acc)
    total = sum(map(sum, made_up.confusion))
    assert total == made_up.test_images == 10_000
    assert sum(made_up.confusion[c][c] for c in range(10)) / total == pytest.approx(val_acc)
    assert len(made_up.mistakes) == min(32, round(512 * (1 - val_acc)))
    assert all(m["label"] != m["top3"][0][0] for m in made_up.mistakes)
