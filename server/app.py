"""The FastAPI application: one process serving the API, the stream, the deck and the page."""

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse

from .api import demo, embed, runs, status, ws
from .api.pages import mount_pages
from .api.precompressed import CompressedAnswers
from .config import Settings
from .gcpolicy import collect_when_idle
from .guards import HostGuard, SecurityHeaders
from .presenter import Presenter
from .runs import RunManager
from .store import Store
from .stream.hub import Hub
from .training.protocol import WorkerOptions

VIEWER_COUNT_PERIOD = 1.0


def create_app(settings: Settings) -> FastAPI:
    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        store = Store(settings.db)
        store.mark_interrupted()
        options = WorkerOptions(
            data_dir=str(settings.data_dir),
            device=settings.device,
            max_run_seconds=settings.max_run_seconds,
            inject_fault=settings.inject_fault,
            standin_rate=settings.standin_rate,
        )
        manager = RunManager(store, options, settings.weights_budget)
        # What routes reach, through server/api/deps.py only (settings: set below).
        app.state.manager, app.state.presenter = manager, Presenter()
        manager.start()
        announcer = asyncio.create_task(announce_viewers(manager.hub))
        collector = asyncio.create_task(collect_when_idle(lambda: manager.active is None))
        try:
            async with _publishing(manager, store, settings):
                yield
        finally:
            announcer.cancel()
            collector.cancel()
            # Blocking on purpose: nothing else should happen while the run is wound down.
            manager.shutdown()
            store.close()

    app = FastAPI(title="loopcast", version="0.1.0", lifespan=lifespan)
    for router in (runs.router, status.router, demo.router):
        app.include_router(router)
    serve_viewers(app, settings)
    return app


def serve_viewers(app: FastAPI, settings: Settings) -> None:
    """What the trainer and an edge (server/edge/) serve alike: the stream, the deck, the
    audience page and the embeds, behind the same guards and the same 422 answers."""
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.state.settings = settings
    app.include_router(ws.router)
    app.include_router(embed.router)
    mount_pages(app, settings)
    if settings.built_pages:
        app.add_middleware(CompressedAnswers)
    if settings.allowed_origins:
        # A deck served from elsewhere (`slidev dev`, the addon's `loopcast: { url }`) calls
        # the API from its own origin: the origins that may open the stream may call it too.
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.allowed_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type"],
        )
    app.add_middleware(SecurityHeaders)
    app.add_middleware(HostGuard, settings=settings)


def _publishing(
    manager: RunManager, store: Store, settings: Settings
) -> AbstractAsyncContextManager[None]:
    """With --redis, the run log is written into Redis too, for edges to serve."""
    if not settings.redis:
        return contextlib.nullcontext()
    from .publisher import publishing  # redis-py is loaded only when asked for

    # Where edges reach this trainer, and where browsers do (named when edges refuse).
    url = settings.trainer_url or settings.own_url
    presenter_url = settings.presenter_url or url
    return publishing(
        manager.hub,
        settings.redis,
        settings.redis_ttl,
        lambda: {**manager.server_status(), "url": url, "presenter_url": presenter_url},
        store.get_run,
    )


async def _validation_error(request: Request, error: Exception) -> JSONResponse:
    """422 naming each bad field; the offending input is not echoed (it may be NaN or huge)."""
    assert isinstance(error, RequestValidationError)
    detail = [
        {"loc": list(item["loc"]), "msg": item["msg"], "type": item["type"]}
        for item in error.errors()
    ]
    return JSONResponse({"detail": detail}, status_code=422)


async def announce_viewers(hub: Hub) -> None:
    while True:
        await asyncio.sleep(VIEWER_COUNT_PERIOD)
        hub.announce_viewers()
