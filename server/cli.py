"""The `loopcast` command: `loopcast serve`, `loopcast edge`, `loopcast data fetch` and
`loopcast runs export|import`."""

import argparse
import asyncio
import functools
import logging
import re
import secrets
import socket
import sys
from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import uvicorn
from pydantic import ValidationError

from .config import Settings
from .data.cli import add_data_parser, run_data_command
from .data.datasets import missing_files
from .gcpolicy import tune_for_streaming
from .recording import add_runs_parser, run_runs_command

if TYPE_CHECKING:
    from fastapi import FastAPI

# uvicorn closes a WebSocket that sends more than this with 1009 (message too big).
WS_MAX_MESSAGE = 64 * 1024
# Keepalive (docs/protocol.md): a ping every 20 s; a viewer that has not answered one within
# 20 s is closed with 1011 and frees its place. A browser answers pings below the page's
# JavaScript, however busy the page; a phone asleep or out of Wi-Fi longer than that comes
# back with `?since=SEQ&run=ID` and misses nothing.
WS_PING_INTERVAL = 20.0
WS_PING_TIMEOUT = 20.0
# A worker that is not warm by then gets a "warming up" line, so the wait is not silent.
WARMING_NOTICE_SECONDS = 1.0
WARM_POLL_SECONDS = 0.1

Announcement = Coroutine[None, None, None]
Announce = Callable[["FastAPI"], Announcement]


class RedactTokens(logging.Filter):
    """Keep the presenter token out of the logs: the presenter URL carries it once, and
    uvicorn logs each request's path and query (access log) and each WebSocket's (error log).
    """

    pattern = re.compile(r"(token=)[^&\s\"]+", re.IGNORECASE)

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def redact(self, text: str) -> str:
        return self.pattern.sub(r"\1[redacted]", text).replace(self.token, "[redacted]")

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = self.redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(
                self.redact(arg) if isinstance(arg, str) else arg for arg in record.args
            )
        return True


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="loopcast", description="Live MNIST training demo server for the Training Loop deck."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="start the server (deck, audience page, API, stream)")
    serve.add_argument("--host", help="bind address (default 127.0.0.1; 0.0.0.0 for the LAN)")
    serve.add_argument("--port", type=int, help="port (default 8000)")
    serve.add_argument("--device", choices=("auto", "cpu", "cuda"), help="default auto")
    serve.add_argument("--token", help="presenter token (default: LOOPCAST_TOKEN, else generated)")
    serve.add_argument("--data-dir", help="folder with the datasets (loopcast data fetch)")
    serve.add_argument("--db", help="SQLite file for the run history")
    serve.add_argument(
        "--deck", help="a built Slidev deck to serve at / (the folder holding its index.html)"
    )
    serve.add_argument(
        "--redis", help="also write the run log into Redis for edges: redis://HOST:PORT/DB"
    )
    serve.add_argument(
        "--redis-ttl", type=int, help="seconds a finished run stays in Redis (default 1 day)"
    )
    serve.add_argument(
        "--trainer-url", help="this server's URL as edges reach it (default: its own address)"
    )
    serve.add_argument(
        "--presenter-url", help="this server's URL as browsers reach it (default: --trainer-url)"
    )
    edge = commands.add_parser("edge", help="serve viewers from the trainer's run log in Redis")
    edge.add_argument("--redis", help="the trainer's Redis: redis://HOST:PORT/DB (required)")
    edge.add_argument("--host", help="bind address (default 127.0.0.1; 0.0.0.0 for the LAN)")
    edge.add_argument("--port", type=int, help="port (default 8000)")
    edge.add_argument("--trainer-url", help="the trainer's URL (default: as it publishes it)")
    edge.add_argument(
        "--presenter-url", help="the trainer's URL for browsers (default: as it publishes it)"
    )
    for viewers in (serve, edge):  # both serve the embeds
        viewers.add_argument(
            "--frame-ancestors",
            nargs="+",
            metavar="ORIGIN",
            help="origins whose pages may show /embed/... in an iframe (default: 'self' only)",
        )
    add_data_parser(commands)
    add_runs_parser(commands)
    return parser


def settings_from(args: argparse.Namespace) -> Settings:
    names = (
        "host",
        "port",
        "device",
        "token",
        "db",
        "redis",
        "redis_ttl",
        "trainer_url",
        "presenter_url",
        "frame_ancestors",
    )
    flags = {name: getattr(args, name, None) for name in names}
    if getattr(args, "data_dir", None) is not None:
        flags["data_dir"] = args.data_dir
    if getattr(args, "deck", None) is not None:
        flags["deck_dir"] = args.deck
    settings = Settings(**{name: value for name, value in flags.items() if value is not None})
    if not settings.token:
        settings.token = secrets.token_urlsafe(24)
    return settings


def checked_settings(args: argparse.Namespace) -> Settings | None:
    try:
        return settings_from(args)
    except ValidationError as error:
        print(f"loopcast: bad setting:\n{error}", file=sys.stderr)
        return None


def deck_problem(deck: Path) -> str | None:
    """Why `--deck DIR` cannot be served, or None."""
    if (deck / "index.html").is_file():
        return None
    if (deck / "dist" / "index.html").is_file():
        return f"--deck {deck} holds no index.html; its build does: --deck {deck / 'dist'}"
    what = "holds no index.html" if deck.is_dir() else "is not a folder"
    return (
        f"--deck {deck} {what}: build the deck first (`npx slidev build` in its folder writes "
        "dist/) and name the folder with the built index.html"
    )


def serve(args: argparse.Namespace) -> int:
    settings = checked_settings(args)
    if settings is None:
        return 2
    problem = deck_problem(settings.deck_dir) if args.deck is not None else None
    if problem:
        print(f"loopcast: {problem}", file=sys.stderr)
        return 2
    missing = missing_files(settings.data_dir, "mnist")
    if missing:
        print(
            f"loopcast: MNIST is not in {settings.data_dir} (no {missing[0].name}): "
            f"run `loopcast data fetch --data-dir {settings.data_dir}` first",
            file=sys.stderr,
        )
        return 1

    from .app import create_app  # after the checks: fast errors, no server import cost

    base = settings.own_url

    async def announce(app: "FastAPI") -> None:
        await worker_warm(app)
        print(f"loopcast presenter: {base}/?token={settings.token}", flush=True)
        print(f"loopcast audience:  {base}/watch", flush=True)

    run_server(create_app(settings), settings, announce)
    return 0


async def worker_warm(app: "FastAPI") -> None:
    """Returns once the worker can train: a URL printed earlier would open on a deck whose
    Train button answers 503. Says so when that takes a while, and why when it fails."""
    manager = app.state.manager
    loop = asyncio.get_running_loop()
    notice_at, noticed, said_error = loop.time() + WARMING_NOTICE_SECONDS, False, None
    while (state := manager.worker_state()) != "ready":
        if not noticed and loop.time() >= notice_at:
            print("loopcast: warming up the worker (dataset into memory, first step)", flush=True)
            noticed = True
        error = manager.worker_error()
        if state == "restarting" and error and error != said_error:
            print(f"loopcast: the worker failed, restarting it: {error}", flush=True)
            said_error = error
        await asyncio.sleep(WARM_POLL_SECONDS)


def edge(args: argparse.Namespace) -> int:
    settings = checked_settings(args)
    if settings is None:
        return 2
    if not settings.redis:
        print(
            "loopcast edge: name the trainer's Redis: --redis redis://HOST:PORT/DB", file=sys.stderr
        )
        return 2

    from .edge.app import create_edge_app

    async def announce(_app: "FastAPI") -> None:
        print(f"loopcast edge: {settings.own_url}/watch", flush=True)

    run_server(create_edge_app(settings), settings, announce)
    return 0


class AnnouncingServer(uvicorn.Server):
    """uvicorn that runs `announce` once it listens: URLs printed before that are refused."""

    def __init__(self, config: uvicorn.Config, announce: Callable[[], Announcement]) -> None:
        super().__init__(config)
        self.announce = announce
        self.announcing: asyncio.Task[None] | None = None

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)  # the app's lifespan, then the listening sockets
        if not self.should_exit:
            self.announcing = asyncio.create_task(self.announce())


def run_server(app: "FastAPI", settings: Settings, announce: Announce) -> None:
    """uvicorn with the stream's limits and keepalive; the token kept out of its logs."""
    for logger in ("uvicorn.access", "uvicorn.error"):
        logging.getLogger(logger).addFilter(RedactTokens(settings.token))
    tune_for_streaming()  # after every import and the app: all that is frozen for good
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        ws_max_size=WS_MAX_MESSAGE,
        ws_ping_interval=WS_PING_INTERVAL,
        ws_ping_timeout=WS_PING_TIMEOUT,
        ws_per_message_deflate=False,
        timeout_keep_alive=settings.keep_alive_s,
        timeout_graceful_shutdown=5,
        log_level="info",
    )
    AnnouncingServer(config, functools.partial(announce, app)).run()


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "serve":
        return serve(args)
    if args.command == "edge":
        return edge(args)
    if args.command == "runs":
        return run_runs_command(args)
    code: int = run_data_command(args)
    return code
