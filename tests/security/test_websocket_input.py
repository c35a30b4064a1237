"""Checks 5, 6 and 7: hostile WebSocket input. The sender is answered or closed; the server
stays up, and another viewer keeps receiving meanwhile."""

import json
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from support.live import LiveServer

ALLOWED_CLOSES = {1003, 1007, 1008, 1009}


def deep_json(depth: int) -> str:
    return "[" * depth + "]" * depth


hostile = st.one_of(
    st.text(max_size=200),
    st.binary(max_size=200),
    st.builds(deep_json, st.integers(min_value=1, max_value=100_000)),
    st.just('{"type": "ping", "n": 1e999999}'),
    st.just('{"type": NaN}'),
    st.just('{"type": "points", "seq": [1, 2, 3]}'),
    st.just('{"type": "slide", "page": 1, "panel": "mnist"}'),
    st.just("9" * 5000),
    st.dictionaries(st.text(max_size=10), st.none() | st.integers() | st.text(max_size=10)).map(
        json.dumps
    ),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(payload=hostile)
def test_fuzzed_input_gets_an_error_or_a_policy_close(
    server: LiveServer, payload: str | bytes
) -> None:
    with connect(server.ws_url, open_timeout=10, max_size=None) as ws:
        assert json.loads(ws.recv(timeout=10))["type"] == "snapshot"
        ws.send(payload)
        try:
            answer = json.loads(ws.recv(timeout=10))
            # The viewer count is announced to everyone now and then, whenever it changes.
            while answer["type"] == "viewers":
                answer = json.loads(ws.recv(timeout=10))
            assert answer["type"] in ("error", "pong"), answer
        except ConnectionClosed as closed:
            assert closed.rcvd is not None and closed.rcvd.code in ALLOWED_CLOSES, closed
    assert server.http.get("/healthz").status_code == 200


def test_a_viewer_keeps_receiving_while_another_sends_garbage(server: LiveServer) -> None:
    with server.viewer() as watcher, connect(server.ws_url, open_timeout=10) as attacker:
        watcher.receive()
        attacker.recv(timeout=10)
        run = server.start_run(epochs=4)
        for index in range(300):
            try:
                attacker.send(deep_json(50_000) if index % 2 else b"\x00\xff" * 100)
            except ConnectionClosed:
                break
        watcher.until_status("finished")
        last = server.http.get(f"/api/runs/{run['id']}").json()["last_seq"]
        assert watcher.seq == list(range(1, last + 1))


def test_an_oversized_message_closes_with_1009(server: LiveServer) -> None:
    with connect(server.ws_url, open_timeout=10, max_size=None) as ws:
        ws.recv(timeout=10)
        ws.send("x" * (64 * 1024 + 1))
        with pytest.raises(ConnectionClosed) as closed:
            while True:  # past any viewer-count announcement, to the close
                ws.recv(timeout=10)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009
    assert server.http.get("/healthz").status_code == 200


def test_a_flooding_client_is_closed_and_others_are_not_delayed(server: LiveServer) -> None:
    with server.viewer() as watcher, connect(server.ws_url, open_timeout=10) as flooder:
        watcher.receive()
        flooder.recv(timeout=10)
        run = server.start_run(epochs=4)
        started, sent, closed_code = time.monotonic(), 0, None
        arrivals: list[float] = []
        while time.monotonic() - started < 3 and closed_code is None:
            try:
                flooder.send('{"type":"ping"}')  # 1,000 a second
                sent += 1
            except ConnectionClosed as closed:
                closed_code = closed.rcvd.code if closed.rcvd else None
            time.sleep(0.001)
        if closed_code is None:
            with pytest.raises(ConnectionClosed) as closed:
                while True:
                    flooder.recv(timeout=5)
            closed_code = closed.value.rcvd.code if closed.value.rcvd else None
        assert closed_code == 1008
        while "finished" not in watcher.statuses:
            if watcher.receive()["type"] == "points":
                arrivals.append(time.monotonic())
        last = server.http.get(f"/api/runs/{run['id']}").json()["last_seq"]
        assert watcher.seq == list(range(1, last + 1))
    assert server.http.get("/healthz").status_code == 200
