"""A crowd of WebSocket viewers in their own process, for the fan-out benchmarks.

    python -m bench.viewers --url ws://127.0.0.1:PORT/ws --count 1000 [--stalled 1]
        [--detail full|envelope] [--join-over SECONDS]

Each viewer is a minimal RFC 6455 client on asyncio with uvloop (handshake, unmasked server
frames, pongs): the crowd should cost as little as the server allows, so that what is
measured is the server. Each keeps every point it is sent: a `points` message is stored
as received, with its arrival time, and parsed when its seqs are asked for (catching up,
or the report), so the JSON parsing is not on the two cores while training runs; the
report says how long that parsing took. So are snapshots and, for `--detail envelope`
viewers, `buckets` messages (a bucket covers its first_seq..last_seq). `stalled` more
viewers complete the handshake and never read. `--join-over S` spreads the connects
evenly over S seconds, none held back by another. Prints `{"connected": N, ...}` once all
have their snapshot (with how long each waited for it, and its size), then reads
commands on stdin: `reset` forgets latencies and bytes, and says so; `report RUN LAST_SEQ`
waits (up to CATCH_UP_SECONDS) until every viewer has every point of the run, then prints
one JSON line: latency percentiles, points lost and duplicated, bytes received per viewer,
this process's CPU time; `quit`. Connects to loopback or bench.venue's veth pair only.
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

from bench.common import percentiles, raise_fd_limit
from bench.coverage import Coverage

CONNECTS_AT_ONCE = 100
CATCH_UP_SECONDS = 60.0
CONNECT_SECONDS = 120.0
# How the server encodes the messages that carry points (loopcast.stream.runlog.encode).
RUN_PREFIXES = (b'{"type":"points",', b'{"type":"buckets",', b'{"type":"snapshot",')
SNAPSHOT_PREFIX = RUN_PREFIXES[2]
# Hosts a crowd may connect to: loopback, and the server's end of bench.venue's veth pair.
VENUE_SERVER = "10.77.0.1"
ALLOWED_HOSTS = ("127.0.0.1", "localhost", VENUE_SERVER)


class Viewer(asyncio.Protocol):
    def __init__(self, crowd: "Crowd", request: bytes) -> None:
        self.crowd, self.request = crowd, request
        self.buffer = bytearray()
        self.handshaken = False
        self.run: int | None = None
        self.coverage = Coverage()  # this run's points received
        # Snapshots, points and buckets messages: (arrived, payload), parsed later in order.
        self.unparsed: list[tuple[float, bytes]] = []
        self.last_arrived = 0.0  # wall clock of the latest points or buckets message
        self.snapshot = asyncio.get_running_loop().create_future()
        self.joined = time.time()  # when it began to connect
        self.snapshot_at = 0.0  # when its first snapshot had arrived, whole
        self.snapshot_bytes = 0
        self.bytes = 0  # received since the last `reset`, headers and frames included
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass
        self.transport.write(self.request)

    def data_received(self, data: bytes) -> None:
        arrived = time.time()
        self.bytes += len(data)
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
            start = {126: 4, 127: 10}.get(length, 2)
            if len(self.buffer) < start:  # a header split between two segments
                return
            if length == 126:
                (length,) = struct.unpack_from("!H", self.buffer, 2)
            elif length == 127:
                (length,) = struct.unpack_from("!Q", self.buffer, 2)
            if len(self.buffer) < start + length:
                return
            payload = bytes(self.buffer[start : start + length])
            del self.buffer[: start + length]
            if opcode == 0x1:
                self.crowd.count(payload)
            if opcode == 0x1 and payload.startswith(RUN_PREFIXES):
                self.unparsed.append((arrived, payload))
                if payload.startswith(SNAPSHOT_PREFIX):
                    self.snapshot_arrived(arrived, len(payload))
                else:
                    self.last_arrived = arrived
            elif opcode == 0x9:  # ping: answer with a masked pong
                self.send_frame(0xA, payload)

    def send_frame(self, opcode: int, payload: bytes) -> None:
        assert self.transport is not None and len(payload) < 126
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.transport.write(bytes([0x80 | opcode, 0x80 | len(payload)]) + mask + masked)

    def snapshot_arrived(self, arrived: float, size: int) -> None:
        if not self.snapshot.done():
            self.snapshot_at, self.snapshot_bytes = arrived, size
            self.snapshot.set_result(None)

    def parse(self) -> None:
        """Parse the stored messages, in order, into coverage and delays."""
        for arrived, payload in self.unparsed:
            message = json.loads(payload)
            if message["type"] == "snapshot":
                self.run, self.coverage = message["run"], Coverage()
                self.cover(message.get("points") or message.get("buckets") or {})
            elif message["run"] == self.run:
                self.cover(message)
                self.crowd.latencies.append(arrived - message["created"])
        self.unparsed.clear()

    def cover(self, columns: dict[str, Any]) -> None:
        """Points (`seq`) or buckets (`first_seq`, `last_seq`) into this viewer's coverage."""
        if "seq" in columns:
            self.coverage.add_seqs(columns["seq"])
        for first, last in zip(
            columns.get("first_seq", []), columns.get("last_seq", []), strict=True
        ):
            self.coverage.add(first, last)


class Crowd:
    def __init__(self) -> None:
        self.viewers: list[Viewer] = []
        self.latencies: list[float] = []  # seconds, one per points message per viewer
        self.messages = 0
        self.bytes_by_type: Counter[str] = Counter()  # message payload bytes, by "type"
        self.parse_seconds = 0.0  # CPU spent parsing stored points messages

    def count(self, payload: bytes) -> None:
        """A text message, by its type (the server writes "type" first, see RUN_PREFIXES)."""
        self.messages += 1
        self.bytes_by_type[payload[9 : payload.find(b'"', 9)].decode()] += len(payload)

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
        return sum(v.run != run or v.coverage.distinct() < last_seq for v in self.viewers)

    def reset(self) -> None:
        self.latencies, self.messages, self.parse_seconds = [], 0, 0.0
        self.bytes_by_type.clear()
        for viewer in self.viewers:
            viewer.bytes = 0

    def joined(self) -> dict[str, Any]:
        """How long each viewer waited from its connect to its whole snapshot, and sizes."""
        waits = [v.snapshot_at - v.joined for v in self.viewers]
        sizes = [float(v.snapshot_bytes) for v in self.viewers]
        return {
            "snapshot_wait_s": percentiles(waits, digits=3),
            # From the first connect to the last viewer's whole snapshot.
            "all_snapshots_s": round(
                max(v.snapshot_at for v in self.viewers) - min(v.joined for v in self.viewers), 3
            )
            if self.viewers
            else float("nan"),
            "snapshot_bytes": percentiles(sizes, digits=0),
        }

    def report(self, run: int, last_seq: int, asked: float) -> dict[str, Any]:
        """`asked`: the wall clock when the run had ended and the report was asked for."""
        tallies = [  # (lost, duplicated) per viewer
            v.coverage.tally(last_seq) if v.run == run else (last_seq, 0) for v in self.viewers
        ]
        cpu = os.times()
        ms = [1000 * value for value in self.latencies]
        received = [float(v.bytes) for v in self.viewers]
        return {
            "viewers": len(self.viewers),
            "messages": self.messages,
            "latency_ms": percentiles(ms, digits=1),
            # How long after `asked` the slowest viewer got its last point (0: before).
            "caught_up_s": round(
                max(0.0, max((v.last_arrived for v in self.viewers), default=asked) - asked), 3
            ),
            # Not received by the report (CATCH_UP_SECONDS after the run's end), and by how many.
            "lost": sum(lost for lost, _ in tallies),
            "viewers_missing_points": sum(lost > 0 for lost, _ in tallies),
            "duplicated": sum(duplicated for _, duplicated in tallies),
            "bytes_per_viewer": {
                "mean": round(sum(received) / max(1, len(received))),
                "max": round(max(received, default=0.0)),
                # Payloads only (no frame, TCP or IP headers), by message type.
                **{
                    kind: round(size / max(1, len(received)))
                    for kind, size in sorted(self.bytes_by_type.items())
                },
            },
            "cpu_s": round(cpu.user + cpu.system, 2),
            "parse_cpu_s": round(self.parse_seconds, 3),
        }


def handshake(url: str) -> bytes:
    parts = urlsplit(url)
    key = base64.b64encode(os.urandom(16)).decode()
    target = f"{parts.path}?{parts.query}" if parts.query else parts.path
    return (
        f"GET {target} HTTP/1.1\r\nHost: {parts.netloc}\r\nUpgrade: websocket\r\n"
        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
    ).encode()


async def connect(url: str, crowd: Crowd, gate: asyncio.Semaphore, delay: float) -> None:
    parts = urlsplit(url)
    await asyncio.sleep(delay)
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
    args.add_argument("--detail", choices=("full", "envelope"), default="full")
    args.add_argument("--join-over", type=float, default=0.0, help="seconds to spread joins")
    options = args.parse_args()
    if urlsplit(options.url).hostname not in ALLOWED_HOSTS:
        raise SystemExit(f"bench.viewers connects to {', '.join(ALLOWED_HOSTS)} only")
    url = f"{options.url}?detail={options.detail}"
    raise_fd_limit()

    crowd = Crowd()
    # Joins spread over time are not held back by earlier ones; a burst goes 100 at a time.
    gate = asyncio.Semaphore(options.count if options.join_over else CONNECTS_AT_ONCE)
    delays = [options.join_over * i / max(1, options.count) for i in range(options.count)]
    connecting = asyncio.gather(*(connect(url, crowd, gate, delay) for delay in delays))
    await asyncio.wait_for(connecting, CONNECT_SECONDS)  # fail loudly, never hang the bench
    stalled = [stalled_socket(url) for _ in range(options.stalled)]
    connected = {"connected": options.count, "stalled": len(stalled), **crowd.joined()}
    print(json.dumps(connected), flush=True)

    loop = asyncio.get_running_loop()
    while True:
        line = (await loop.run_in_executor(None, sys.stdin.readline)).split()
        if not line or line[0] == "quit":
            break
        if line[0] == "reset":
            await crowd.parse()
            crowd.reset()
            print(json.dumps({"reset": True}), flush=True)  # counting starts now
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
