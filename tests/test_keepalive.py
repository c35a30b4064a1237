"""Keepalive: a viewer that stops reading for 20 s (a phone asleep, out of Wi-Fi, a tab in
the background) answers none of the server's pings meanwhile, and is closed for it or not;
either way, once back, it resumes with `?since=SEQ&run=ID` and gets every point exactly
once."""

import socket
import time

import pytest
from websockets.exceptions import ConnectionClosed

from support.live import LiveServer, Viewer

pytestmark = pytest.mark.slow

STALL_SECONDS = 20


def stalled_socket(port: int) -> socket.socket:
    """A small receive buffer: the server's pings soon queue behind points nobody reads."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", port))
    return sock


def read_until_closed_or(viewer: Viewer, seq: int) -> ConnectionClosed | None:
    """Read the stalled connection again until it has `seq`, or is closed (returned)."""
    try:
        while not viewer.seq or viewer.seq[-1] < seq:
            viewer.receive(timeout=120)
    except ConnectionClosed as closed:
        return closed
    return None


def test_a_viewer_stalled_for_20_s_resumes_with_since_and_misses_nothing(
    server: LiveServer,
) -> None:
    # Like a browser: no pings of its own. Once its queue is full it reads nothing, so it
    # answers none of the server's pings until it reads again.
    sock = stalled_socket(server.port)
    with server.viewer(sock=sock, max_size=None, max_queue=1, ping_interval=None) as phone:
        phone.receive()
        # 2,000 points per epoch: the cnn's 50 epochs outlast the stall.
        run = server.start_run(model="cnn", epochs=50, batch_size=1)
        while not (phone.snapshot and phone.snapshot["run"] == run["id"] and phone.seq):
            phone.receive()
        time.sleep(STALL_SECONDS)  # the phone reads nothing, pings included
        stalled_at = server.http.get(f"/api/runs/{run['id']}").json()["last_seq"]
        closed = read_until_closed_or(phone, stalled_at)
        got = list(phone.seq)
    assert got == list(range(1, len(got) + 1)), "a gap or a repeat before the reconnect"
    # Back: the page reconnects from the last point it has.
    with server.viewer(f"?since={got[-1]}&run={run['id']}", ping_interval=None) as back:
        snapshot = back.next_event()
        assert snapshot["type"] == "snapshot" and snapshot["since"] == got[-1]
        # Stop only once the run has gone on past the stall: at an epoch's end it spends a
        # while evaluating, and a stop there would leave nothing new to resume.
        while not back.seq or back.seq[-1] <= stalled_at:
            back.receive(timeout=120)
        server.http.post(f"/api/runs/{run['id']}/stop", headers=server.auth)
        back.until_status("stopped", "finished")
        resumed = list(back.seq)
    last = server.http.get(f"/api/runs/{run['id']}").json()["last_seq"]
    assert got + resumed == list(range(1, last + 1)), f"closed while stalled: {closed!r}"
    assert last > stalled_at > got[0]
