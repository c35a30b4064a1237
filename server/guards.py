"""ASGI middleware: the Host check against DNS rebinding, and security headers."""

from collections.abc import MutableMapping, Sequence
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from .config import Settings

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]", "::1")


# Only our own origin: no inline script, no CDN (the venue has no internet anyway). No page
# may be framed, except /embed/{panel}'s, which names who may (server/api/embed.py).
def content_security_policy(frame_ancestors: Sequence[str] = ("'none'",)) -> str:
    return (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
        f"object-src 'none'; base-uri 'self'; frame-ancestors {' '.join(frame_ancestors)}"
    )


SECURITY_HEADERS = [
    (b"content-security-policy", content_security_policy().encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]


def host_name(host_header: str) -> str:
    """`example.com:8000` -> `example.com`; `[::1]:8000` -> `[::1]`."""
    if host_header.startswith("["):
        return host_header.split("]", 1)[0] + "]"
    return host_header.rsplit(":", 1)[0] if host_header.count(":") == 1 else host_header


class HostGuard:
    """Refuse requests whose Host is not ours (Jupyter's check_host), HTTP and WebSocket."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        if settings.allowed_hosts:
            self.allowed: tuple[str, ...] | None = tuple(settings.allowed_hosts)
        elif settings.loopback:
            self.allowed = LOOPBACK_NAMES
        else:
            self.allowed = None  # bound to the LAN: phones use whatever address they were given

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and self.allowed is not None:
            headers = dict(scope["headers"])
            host = host_name(headers.get(b"host", b"").decode("latin-1")).lower()
            if host not in self.allowed:
                await _refuse(scope, receive, send)
                return
        await self.app(scope, receive, send)


async def _refuse(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "websocket":
        await send({"type": "websocket.close", "code": 1008, "reason": "host not allowed"})
        return
    body = b"Host not allowed: open loopcast by the address it printed at start.\n"
    await send(
        {
            "type": "http.response.start",
            "status": 400,
            "headers": [
                (b"content-type", b"text/plain"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def with_security_headers(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """A response's headers and ours. One with a policy of its own (/embed/...: who may frame
    it) keeps it and gets no X-Frame-Options: DENY would contradict its frame-ancestors."""
    own = {name.lower() for name, _ in headers}
    if b"content-security-policy" in own:
        own.add(b"x-frame-options")
    return [*headers, *((name, value) for name, value in SECURITY_HEADERS if name not in own)]


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = with_security_headers(list(message.get("headers", [])))
            await send(message)

        await self.app(scope, receive, send_with_headers)
