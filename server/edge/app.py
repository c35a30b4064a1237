"""An edge's FastAPI application: the trainer's stream, deck and audience page, served
from Redis by the same Hub; no worker, no torch, no presenter actions.

Viewers' read-only requests the edge does not hold (run history, demos) go to the
trainer, once a second however many ask; what changes anything is refused with the
trainer's URL.
"""

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from fastapi import FastAPI, Request, status
from fastapi.responses import JSONResponse, Response
from redis.asyncio import Redis

from ..api.deps import get_hub
from ..app import announce_viewers, serve_viewers
from ..config import Settings
from ..gcpolicy import collect_when_idle
from ..redislog import running
from ..stream.hub import Hub
from ..training.protocol import ACTIVE
from .reader import Reader
from .trainer import Trainer

PRESENTER_METHODS = ["POST", "PUT", "PATCH", "DELETE"]


def create_edge_app(settings: Settings) -> FastAPI:
    hub = Hub(lambda: edge_status())
    trainer = Trainer(settings.trainer_url, settings.presenter_url)
    redis = Redis.from_url(settings.redis, decode_responses=True)
    reader = Reader(redis, hub, trainer)

    def edge_status() -> dict[str, Any]:
        """The trainer's status as it last wrote it, with this edge's viewers."""
        return {**reader.server, "viewers": hub.viewers}

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            idle = collect_when_idle(lambda: hub.log is None or hub.log.status not in ACTIVE)
            async with running(reader.run(), announce_viewers(hub), idle):
                yield
        finally:
            await trainer.close()
            await redis.aclose()

    app = FastAPI(title="loopcast edge", lifespan=lifespan, openapi_url=None, docs_url=None)
    app.dependency_overrides[get_hub] = lambda: hub

    @app.get("/healthz")
    def healthz() -> JSONResponse:
        """200 once the edge has read Redis (it serves on if Redis goes away later)."""
        if reader.ready:
            return JSONResponse({"status": "ok", "redis": reader.connected})
        error = f"no answer from Redis at {settings.redis} yet"
        detail = {"status": "starting", "redis": False, "error": error}
        return JSONResponse(detail, status.HTTP_503_SERVICE_UNAVAILABLE, {"Retry-After": "2"})

    @app.get("/api/status")
    def server_status() -> dict[str, Any]:
        return edge_status()

    @app.get("/api/{path:path}")
    @app.get("/openapi.json")
    async def from_trainer(request: Request) -> Response:
        path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        try:
            answer = await trainer.get(path)
        except Exception as error:
            detail = f"the trainer at {trainer.url or '(unknown yet)'} did not answer: {error}"
            return JSONResponse({"detail": detail}, status.HTTP_502_BAD_GATEWAY)
        return Response(answer.body, answer.status, headers=answer.headers)

    @app.api_route("/api/{path:path}", methods=PRESENTER_METHODS)
    def presenter_action() -> JSONResponse:
        detail = (
            "this is a loopcast edge: it serves viewers only. Send presenter actions to "
            f"the trainer at {trainer.public_url or '(its URL is not known yet)'}"
        )
        return JSONResponse({"detail": detail}, status.HTTP_421_MISDIRECTED_REQUEST)

    serve_viewers(app, settings)
    return app
