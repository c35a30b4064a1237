"""The live stream: `/ws`, open to every viewer, checked for its Origin before accepting."""

import asyncio
import contextlib
import json
from typing import Annotated

from fastapi import APIRouter, Query, WebSocket, WebSocketDisconnect, status
from fastapi.responses import JSONResponse

from ..config import Settings
from ..stream.hub import Hub
from ..stream.messages import DETAILS, Detail, Error, Pong, encode
from .deps import CurrentSettings, ViewerHub

router = APIRouter()

# A viewer sends little (pings); more than this per second is a flood.
MAX_INBOUND_PER_SECOND = 20


def origin_allowed(origin: str | None, host: str | None, settings: Settings) -> bool:
    """Browsers always send Origin; tools (no Origin) are not a cross-site risk."""
    if origin is None:
        return True
    if settings.allowed_origins:
        return origin in settings.allowed_origins
    return host is not None and origin in (f"http://{host}", f"https://{host}")


@router.websocket("/ws")
async def stream(
    websocket: WebSocket,
    settings: CurrentSettings,
    hub: ViewerHub,
    since: Annotated[int, Query(ge=0)] = 0,
    run: Annotated[int | None, Query(ge=0)] = None,
    detail: str = "full",
    weights: str = "0",
) -> None:
    # Refused at the handshake with a plain HTTP answer a developer can read.
    if detail not in DETAILS:
        await _refuse(websocket, "detail", f"detail must be one of {', '.join(DETAILS)}")
        return
    if weights not in ("0", "1"):
        await _refuse(websocket, "weights", "weights must be 0 or 1 (1: send me the model)")
        return
    level: Detail = "envelope" if detail == "envelope" else "full"
    if not origin_allowed(websocket.headers.get("origin"), websocket.headers.get("host"), settings):
        await websocket.close(code=status.WS_1008_POLICY_VIOLATION, reason="origin not allowed")
        return
    await websocket.accept()
    if hub.viewers >= settings.max_viewers:
        # Accepted only to say why: a refused handshake could not carry 1013 (try again later).
        await websocket.close(code=status.WS_1013_TRY_AGAIN_LATER, reason="too many viewers")
        return
    async with hub.subscribe(websocket.send_text, since, run, level, weights == "1"):
        with contextlib.suppress(WebSocketDisconnect):
            await _receive(websocket, hub)


async def _refuse(websocket: WebSocket, name: str, message: str) -> None:
    bad = {"loc": ["query", name], "msg": message}
    await websocket.send_denial_response(JSONResponse({"detail": [bad]}, status_code=422))


async def _receive(websocket: WebSocket, hub: Hub) -> None:
    """Answer pings; refuse garbage with an error message; close a flooding client."""
    loop = asyncio.get_running_loop()
    window_start, count = loop.time(), 0
    while True:
        received = await websocket.receive()
        if received["type"] == "websocket.disconnect":
            raise WebSocketDisconnect(received.get("code", 1000))
        text = received.get("text")
        if text is None:
            reason = "binary messages are not accepted"
            await websocket.close(code=status.WS_1003_UNSUPPORTED_DATA, reason=reason)
            return
        now = loop.time()
        if now - window_start >= 1.0:
            window_start, count = now, 0
        count += 1
        if count > MAX_INBOUND_PER_SECOND:
            await websocket.close(code=status.WS_1008_POLICY_VIOLATION, reason="too many messages")
            return
        try:
            message = json.loads(text)
            kind = message.get("type") if isinstance(message, dict) else None
        except (ValueError, RecursionError):
            kind = None
        if kind == "ping":
            await websocket.send_text(encode(Pong(hub.run_id)))
        else:
            detail = 'expected a JSON object {"type": "ping"}'
            await websocket.send_text(encode(Error(hub.run_id, detail)))
