"""Static files as built: the brotli or gzip copy the build wrote beside each file, chosen by
the request's Accept-Encoding, and cache headers that let a phone keep hashed files for good.

`npm run build` writes `NAME.br` and `NAME.gz` beside each file worth compressing
(slides/scripts/precompress.mjs); nothing is compressed while serving. A Range request gets
ranges of the plain file (the simplest reading of RFC 9110 that is right), and every answer
for a file that has encoded copies says `Vary: Accept-Encoding`, so no cache hands one
client's encoding to another. JSON answers are gzipped as they are sent (CompressedAnswers).
"""

import os
import re
import stat
from email.utils import formatdate
from pathlib import PurePath

from starlette.datastructures import Headers
from starlette.middleware.gzip import GZipMiddleware
from starlette.responses import FileResponse, Response
from starlette.staticfiles import NotModifiedResponse, StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

# Encodings in the order we prefer them when a client accepts both equally: brotli is
# smaller (about 15% on our JavaScript), gzip is what every client has.
ENCODINGS = (("br", ".br"), ("gzip", ".gz"))
# A file a build names by its content (Vite: `assets/watch-B2x9_kQz.js`) never changes.
HASHED = re.compile(r"-[A-Za-z0-9_-]{8}\.[A-Za-z0-9]+$")
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"  # keep it, but ask (If-None-Match) before each use
# Built files are small (the page's script is 90 KB): held in memory once read, so a hall of
# phones costs no worker-thread hop per file (FileResponse opens, reads and closes each in
# one: a third of the server's time when 1,000 phones loaded the page, in bench.qr).
HELD_FILE_MAX = 1024 * 1024
HELD_TOTAL_MAX = 64 * 1024 * 1024
# JSON answers smaller than this go plain: gzip's header and a round of CPU for nothing.
ANSWER_MINIMUM = 1024


def is_hashed(path: str) -> bool:
    """Whether `path` is a build's content-hashed asset (a new build gives a new name)."""
    parts = PurePath(path).parts
    return "assets" in parts[:-1] and HASHED.search(parts[-1]) is not None


def accepted(header: str) -> dict[str, float]:
    """`gzip;q=0.5, br` -> {"gzip": 0.5, "br": 1.0}; a bad q-value counts as 0 (refused)."""
    weights: dict[str, float] = {}
    for item in header.split(","):
        name, *params = (part.strip() for part in item.split(";"))
        if not name:
            continue
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value.strip())
                except ValueError:
                    q = 0.0
                if not 0.0 <= q <= 1.0:  # also NaN
                    q = 0.0
        weights[name.lower()] = q
    return weights


def choose_encoding(header: str | None, available: list[str]) -> str | None:
    """The best of `available` encodings the client accepts (None: the plain file)."""
    if not header or not available:
        return None
    weights = accepted(header)
    best: tuple[float, int] | None = None
    choice = None
    for rank, name in enumerate(available):
        q = weights.get(name, weights.get("*", 0.0))
        if q > 0 and (best is None or (q, -rank) > best):
            best, choice = (q, -rank), name
    return choice


class PrecompressedFiles(StaticFiles):
    """StaticFiles that serves a file's precompressed copy when the client accepts it."""

    def __init__(self, *, directory: str | os.PathLike[str], html: bool = False) -> None:
        super().__init__(directory=directory, html=html)
        # path -> (mtime_ns, size, bytes): what has been read, while it is unchanged.
        self.held: dict[str, tuple[int, int, bytes]] = {}
        self.held_bytes = 0

    async def get_response(self, path: str, scope: Scope) -> Response:
        # A file is looked up here, not in a worker thread as StaticFiles does: a stat on
        # local disk takes microseconds, a thread hop many times that, per request of a hall.
        if scope["method"] in ("GET", "HEAD"):
            try:
                full_path, stat_result = self.lookup_path(path)
            except (OSError, ValueError):  # StaticFiles says what was wrong: let it
                stat_result = None
            if stat_result is not None and stat.S_ISREG(stat_result.st_mode):
                return self.file_response(full_path, stat_result, scope)
        return await super().get_response(path, scope)

    def file_response(
        self,
        full_path: str | os.PathLike[str],
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        path = os.fspath(full_path)
        request = Headers(scope=scope)
        plain = FileResponse(path, status_code, stat_result=stat_result)
        headers = {
            "cache-control": IMMUTABLE if is_hashed(path) else REVALIDATE,
            "etag": plain.headers["etag"],
        }
        variants = {
            name: path + suffix for name, suffix in ENCODINGS if os.path.isfile(path + suffix)
        }
        if variants:
            headers["vary"] = "Accept-Encoding"
        # Ranges are of the plain file: a range of a compressed copy is not what a resumed
        # download of the identity representation expects.
        encoding = None
        if "range" not in request:
            encoding = choose_encoding(request.get("accept-encoding"), list(variants))
        served, info = path, stat_result
        if encoding is not None:
            # Each representation has its own validator (RFC 9110 8.8.3).
            headers["etag"] = headers["etag"][:-1] + f'-{encoding}"'
            headers["content-encoding"] = encoding
            served = variants[encoding]
            info = os.stat(served)
        response: Response
        if "range" in request or info.st_size > HELD_FILE_MAX:
            response = FileResponse(
                served, status_code, headers, plain.media_type, stat_result=info
            )
        else:
            headers["last-modified"] = formatdate(info.st_mtime, usegmt=True)
            headers["accept-ranges"] = "bytes"
            body = self.read(served, info)
            response = Response(body, status_code, headers, plain.media_type)
        if self.is_not_modified(response.headers, request):
            return NotModifiedResponse(response.headers)
        return response

    def read(self, path: str, info: os.stat_result) -> bytes:
        """The file's bytes, from memory while it is unchanged. A first read blocks the loop
        for a moment (files of at most HELD_FILE_MAX, from local disk), each file once."""
        held = self.held.get(path)
        if held is not None and held[:2] == (info.st_mtime_ns, info.st_size):
            return held[2]
        with open(path, "rb") as file:
            body = file.read()
        if held is None and self.held_bytes + len(body) <= HELD_TOTAL_MAX:
            self.held_bytes += len(body)
            self.held[path] = (info.st_mtime_ns, info.st_size, body)
        elif held is not None:  # rebuilt: the new bytes take the old ones' place
            self.held_bytes += len(body) - len(held[2])
            self.held[path] = (info.st_mtime_ns, info.st_size, body)
        return body


class CompressedAnswers:
    """gzip for the API's answers over 1 KB (a run with its epochs, the test images), when the
    client accepts it. Only under /api/: files are precompressed (above) and a WebSocket
    never passes through it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.gzip = GZipMiddleware(app, minimum_size=ANSWER_MINIMUM)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/api/"):
            await self.gzip(scope, receive, send)
        else:
            await self.app(scope, receive, send)
