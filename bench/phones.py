"""A hall of phones scanning the QR code, in their own process, for bench.qr.

    python -m bench.phones --url http://10.77.0.1:PORT --count 1000 --over 2
        --paths /watch /static/dist/assets/watch-X.js ... --stream /ws?detail=envelope

Each phone starts at its moment in `--over` seconds, fetches every path in turn over one
HTTP/1.1 keep-alive connection (`Accept-Encoding: gzip, br`, as a phone's browser asks),
then opens the stream and waits for its first message. A request that finds its reused
connection closed before any answer is sent again on a new one, as a browser does, and
counted (`retries`). Prints one JSON line: per phone, the bytes and requests of the page,
seconds from the scan to the page's last byte, to the stream's handshake answered and to its
first message, retries,
and the error if it failed.
Connects to loopback or bench.venue's veth pair only; every phone gives up after `--timeout`.
"""

import argparse
import asyncio
import json
import time
from typing import Any
from urllib.parse import urlsplit

import h11
import uvloop

from bench.common import raise_fd_limit
from bench.viewers import ALLOWED_HOSTS, handshake

ACCEPT_ENCODING = "gzip, br"
READ = 64 * 1024


class Closed(Exception):
    """The server closed a kept-alive connection before answering (its keep-alive ran out)."""


class Phone:
    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.bytes = 0
        self.requests = 0
        self.retries = 0
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.conn = h11.Connection(h11.CLIENT)

    async def connect(self) -> None:
        self.close()
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        self.conn = h11.Connection(h11.CLIENT)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None

    async def get(self, path: str) -> None:
        """One request, its whole answer read; sent again once if the connection was gone."""
        reused = self.writer is not None and self.conn.our_state is h11.IDLE
        if not reused:
            await self.connect()
        try:
            await self._exchange(path)
        except Closed:
            if not reused:
                raise
            self.retries += 1
            await self.connect()
            await self._exchange(path)
        self.requests += 1
        if self.conn.our_state is h11.MUST_CLOSE:
            self.close()
        else:
            self.conn.start_next_cycle()

    async def _exchange(self, path: str) -> None:
        assert self.reader is not None and self.writer is not None
        headers = [("Host", f"{self.host}:{self.port}"), ("Accept-Encoding", ACCEPT_ENCODING)]
        self.writer.write(self.conn.send(h11.Request(method="GET", target=path, headers=headers)))
        self.writer.write(self.conn.send(h11.EndOfMessage()) or b"")
        answered = False
        while True:
            event = self.conn.next_event()
            if event is h11.NEED_DATA:
                try:
                    data = await self.reader.read(READ)
                except ConnectionResetError:
                    data = b""
                if not data and not answered:
                    raise Closed(path)
                self.bytes += len(data)
                self.conn.receive_data(data)
            elif isinstance(event, h11.Response):
                answered = True
                if event.status_code != 200:
                    raise RuntimeError(f"{path}: HTTP {event.status_code}")
            elif isinstance(event, h11.EndOfMessage):
                return
            elif isinstance(event, h11.ConnectionClosed):
                raise RuntimeError(f"{path}: closed mid-answer")

    async def first_message(self, url: str) -> float:
        """The stream's handshake on a connection of its own, until its first frame; returns
        when the handshake was answered (time.monotonic())."""
        reader, writer = await asyncio.open_connection(self.host, self.port)
        try:
            writer.write(handshake(url))
            head = await reader.readuntil(b"\r\n\r\n")
            if not head.startswith(b"HTTP/1.1 101"):
                raise RuntimeError(f"stream refused: {head.splitlines()[0]!r}")
            upgraded = time.monotonic()
            await reader.readexactly(2)  # a frame's first two bytes: the first message
            return upgraded
        finally:
            writer.close()


async def scan(
    url: str, paths: list[str], stream: str, delay: float, give_up: float
) -> dict[str, Any]:
    await asyncio.sleep(delay)
    parts = urlsplit(url)
    assert parts.hostname is not None and parts.port is not None
    phone = Phone(parts.hostname, parts.port)
    started = time.monotonic()
    result: dict[str, Any] = {"error": None, "page_s": None, "upgraded_s": None}
    try:
        async with asyncio.timeout(give_up):
            for path in paths:
                await phone.get(path)
            result["page_s"] = time.monotonic() - started
            phone.close()
            upgraded = await phone.first_message(f"{url.replace('http', 'ws', 1)}{stream}")
            result["upgraded_s"] = upgraded - started
    except Exception as error:  # a failed phone is a figure, not the end of the bench
        result["error"] = f"{type(error).__name__}: {error}"[:200]
    finally:
        phone.close()
    seconds = time.monotonic() - started
    return {
        **result,
        "seconds": seconds,
        "bytes": phone.bytes,
        "requests": phone.requests,
        "retries": phone.retries,
    }


async def main() -> None:
    args = argparse.ArgumentParser()
    args.add_argument("--url", required=True, help="http://HOST:PORT")
    args.add_argument("--count", type=int, required=True)
    args.add_argument("--over", type=float, default=2.0, help="seconds over which phones scan")
    args.add_argument("--paths", nargs="+", required=True)
    args.add_argument("--stream", default="/ws?detail=envelope")
    args.add_argument("--timeout", type=float, default=180.0, help="per phone, seconds")
    options = args.parse_args()
    if urlsplit(options.url).hostname not in ALLOWED_HOSTS:
        raise SystemExit(f"bench.phones connects to {', '.join(ALLOWED_HOSTS)} only")
    raise_fd_limit()
    delays = [options.over * i / options.count for i in range(options.count)]
    phones = [
        scan(options.url, options.paths, options.stream, delay, options.timeout) for delay in delays
    ]
    print(json.dumps(await asyncio.gather(*phones)), flush=True)


if __name__ == "__main__":
    uvloop.run(main())
