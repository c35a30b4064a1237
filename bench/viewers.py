"""A crowd of WebSocket viewers in their own process, for the fan-out benchmarks.

    python -m bench.viewers --url ws://127.0.0.1:PORT/ws --count 1000 [--stalled 1]

Each viewer is a minimal RFC 6455 client on asyncio with uvloop (handshake, unmasked server
frames, pongs): the crowd should cost as little as the server allows, so that what is
measured is the server. Each keeps every point it is sent: a `points` message is stored
as received, with its arrival time, and parsed when its seqs are asked for (catching up,
or the report), so the JSON parsing is not on the two cores while training runs; the
report says how long that parsing took. `stalled` more viewers complete the handshake and
never read. Prints `{"connected": N}` once all have their snapshot, then
reads commands on stdin: `reset` forgets latencies; `report RUN LAST_SEQ` waits (up to
CATCH_UP_SECONDS) until every viewer has every point of the run, then prints one JSON
line: latency percentiles, points lost and duplicated, this process's CPU time; `quit`.
Connects to loopback only.
"""

import argparse
import asyncio
import base64
import json
import os
import socket
import struct
import sys
import time
from collections import Counter
from typing import Any, cast
from urllib.parse import urlsplit

import uvloop

from bench.common import percentile, raise_fd_limit

CONNECTS_AT_ONCE = 100
CATCH_UP_SECONDS = 60.0
CONNECT_SECONDS = 120.0
POINTS_PREFIX = b'{"type":"points",'  # how the server encodes them (server.runlog.encode)


class Viewer(asyncio.Protocol):
    def __init__(self, crowd: "Crowd", request: bytes) -> None:
        self.crowd, self.request = crowd, request
        self.buffer = bytearray()
        self.handshaken = False
        self.run: int | None = None
        self.seqs: Counter[int] = Counter()  # this run's seq -> times received
        self.unparsed: list[tuple[float, bytes]] = []  # points messages: (arrived, payload)
        self.last_arrived = 0.0  # wall clock of the latest points message
        self.snapshot = asyncio.get_running_loop().create_future()
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass
        self.transport.write(self.request)

    def data_received(self, data: bytes) -> None:
        arrived = time.time()
        self.buffer += data
        if not self.handshaken:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            if not self.buffer.startswith(b"HTTP/1.1 101"):
                raise RuntimeError(f"handshake refused: {bytes(self.buffer[:80])!r}")
            del self.buffer[: end + 4]
            self.handshaken = True
        while len(self.buffer) >= 2:
            opcode, length = self.buffer[0] & 0x0F, self.buffer[1] & 0x7F
            start = 2
            if length == 126:
                (length,), start = struct.unpack_from("!H", self.buffer, 2), 4
            elif length == 127:
                (length,), start = struct.unpack_from("!Q", self.buffer, 2), 10
            if len(self.buffer) < start + length:
                return
            payload = bytes(self.buffer[start : start + length])
            del self.buffer[: start + length]
            if opcode == 0x1 and payload.startswith(POINTS_PREFIX):
                self.unparsed.append((arrived, payload))
                self.last_arrived = arrived
                self.crowd.messages += 1
            elif opcode == 0x1:
                self.message(json.loads(payload))
            elif opcode == 0x9:  # ping: answer with a masked pong
                self.send_frame(0xA, payload)

    def send_frame(self, opcode: int, payload: bytes) -> None:
        assert self.transport is not None and len(payload) < 126
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.transport.write(bytes([0x80 | opcode, 0x80 | len(payload)]) + mask + masked)

    def message(self, message: dict[str, Any]) -> None:
        self.crowd.messages += 1
        if message["type"] == "snapshot":
            self.parse()  # what came before the snapshot belongs to its run
            self.run = message["run"]
            self.seqs = Counter(message["points"].get("seq", []))
            if not self.snapshot.done():
                self.snapshot.set_result(None)

    def parse(self) -> None:
        """Parse the stored points messages into seqs and delays."""
        for arrived, payload in self.unparsed:
            message = json.loads(payload)
            if message["run"] == self.run:
                self.seqs.update(message["seq"])
                self.crowd.latencies.append(arrived - message["created"])
        self.unparsed.clear()


class Crowd:
    def __init__(self) -> None:
        self.viewers: list[Viewer] = []
        self.latencies: list[float] = []  # seconds, one per points message per viewer
        self.messages = 0
        self.parse_seconds = 0.0  # CPU spent parsing stored points messages

    async def parse(self) -> None:
        """Parse every viewer's stored messages, letting the loop read between viewers, so
        that a message arriving meanwhile is stamped when it arrives, not when this ends."""
        for viewer in self.viewers:
            started = time.process_time()
            viewer.parse()
            self.parse_seconds += time.process_time() - started
            await asyncio.sleep(0)

    async def behind(self, run: int, last_seq: int) -> int:
        await self.parse()
        return sum(v.run != run or len(v.seqs) < last_seq for v in self.viewers)

    def report(self, run: int, last_seq: int, asked: float) -> dict[str, Any]:
        """`asked`: the wall clock when the run had ended and the report was asked for."""
        expected = set(range(1, last_seq + 1))
        lost = duplicated = 0
        for viewer in self.viewers:
            got = viewer.seqs if viewer.run == run else Counter()
            lost += len(expected - got.keys())
            duplicated += sum(count - 1 for count in got.values() if count > 1)
        cpu = os.times()
        ms = [1000 * value for value in self.latencies]
        return {
            "viewers": len(self.viewers),
            "messages": self.messages,
            "latency_ms": {
                "p50": round(percentile(ms, 50), 1),
                "p95": round(percentile(ms, 95), 1),
                "p99": round(percentile(ms, 99), 1),
                "max": round(max(ms, default=float("nan")), 1),
            },
            # How long after `asked` the slowest viewer got its last point (0: before).
            "caught_up_s": round(
                max(0.0, max((v.last_arrived for v in self.viewers), default=asked) - asked), 3
            ),
            "lost": lost,
            "duplicated": duplicated,
            "cpu_s": round(cpu.user + cpu.system, 2),
            "parse_cpu_s": round(self.parse_seconds, 3),
        }


def handshake(url: str) -> bytes:
    parts = urlsplit(url)
    key = base64.b64encode(os.urandom(16)).decode()
    return (
        f"GET {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\nUpgrade: websocket\r\n"
        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
    ).encode()


async def connect(url: str, crowd: Crowd, gate: asyncio.Semaphore) -> None:
    parts = urlsplit(url)
    async with gate:
        loop = asyncio.get_running_loop()
        viewer = Viewer(crowd, handshake(url))
        await loop.create_connection(lambda: viewer, parts.hostname or "", parts.port or 80)
        await viewer.snapshot
    crowd.viewers.append(viewer)


def stalled_socket(url: str) -> socket.socket:
    """A viewer that shakes hands, then never reads: its receive buffer is kept tiny."""
    parts = urlsplit(url)
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect((parts.hostname or "127.0.0.1", parts.port or 80))
    sock.sendall(handshake(url))
    if not sock.recv(1024).startswith(b"HTTP/1.1 101"):
        raise RuntimeError("the stalled viewer's handshake failed")
    return sock


async def main() -> None:
    args = argparse.ArgumentParser()
    args.add_argument("--url", required=True)
    args.add_argument("--count", type=int, required=True)
    args.add_argument("--stalled", type=int, default=0)
    options = args.parse_args()
    if urlsplit(options.url).hostname not in ("127.0.0.1", "localhost"):
        raise SystemExit("bench.viewers connects to loopback only")
    raise_fd_limit()

    crowd = Crowd()
    gate = asyncio.Semaphore(CONNECTS_AT_ONCE)
    connecting = asyncio.gather(*(connect(options.url, crowd, gate) for _ in range(options.count)))
    await asyncio.wait_for(connecting, CONNECT_SECONDS)  # fail loudly, never hang the bench
    stalled = [stalled_socket(options.url) for _ in range(options.stalled)]
    print(json.dumps({"connected": options.count, "stalled": len(stalled)}), flush=True)

    loop = asyncio.get_running_loop()
    while True:
        line = (await loop.run_in_executor(None, sys.stdin.readline)).split()
        if not line or line[0] == "quit":
            break
        if line[0] == "reset":
            await crowd.parse()
            crowd.latencies, crowd.messages, crowd.parse_seconds = [], 0, 0.0
        elif line[0] == "report":
            run, last_seq = int(line[1]), int(line[2])
            asked = time.time()
            for _ in range(int(CATCH_UP_SECONDS / 0.05)):
                if not await crowd.behind(run, last_seq):
                    break
                await asyncio.sleep(0.05)
            report = crowd.report(run, last_seq, asked)
            print(json.dumps(report), flush=True)
    for viewer in crowd.viewers:
        if viewer.transport is not None:
            viewer.transport.close()
    for sock in stalled:
        sock.close()


if __name__ == "__main__":
    uvloop.run(main())
