"""Health, server status and the presenter's current slide."""

from typing import Any

from fastapi import APIRouter, status
from fastapi.responses import JSONResponse

from ..data.availability import availability
from .deps import (
    RETRY_AFTER_HEADER,
    RETRY_AFTER_SECONDS,
    CurrentPresenter,
    CurrentSettings,
    Manager,
    PresenterToken,
    errors,
)
from .schemas import (
    Datasets,
    DatasetState,
    Healthy,
    NotWarm,
    ServerStatus,
    Slide,
    SlideAnswer,
)

router = APIRouter(tags=["status"])


@router.get(
    "/healthz",
    response_model=Healthy,
    responses={
        503: {
            "description": "The worker is not warm yet, or restarting",
            "model": NotWarm,
            "headers": RETRY_AFTER_HEADER,
        }
    },
)
def healthz(manager: Manager) -> Healthy | JSONResponse:
    """200 once the worker is warm, 503 before (or while it restarts)."""
    worker = manager.worker_state()
    if worker != "ready":
        return JSONResponse(
            NotWarm(status=worker, error=manager.worker_error()).model_dump(),
            status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    return Healthy(status="ok")


@router.get("/api/status", response_model=ServerStatus)
def server_status(manager: Manager) -> dict[str, Any]:
    return manager.server_status()


@router.get("/api/datasets", response_model=Datasets)
def datasets(settings: CurrentSettings) -> Datasets:
    """Which datasets a run may name here; for each missing one, what to install."""
    states = availability(settings.data_dir).items()
    return Datasets(
        datasets=[
            DatasetState(name=name, available=reason is None, reason=reason)
            for name, reason in states
        ]
    )


@router.post("/api/slide", dependencies=[PresenterToken], responses=errors(400, 401))
async def set_slide(slide: Slide, manager: Manager, presenter: CurrentPresenter) -> SlideAnswer:
    """Applied unless stale (`"stale": true`, still 200): the order the reports arrive in
    is not the order the presenter flipped; the audience keeps the newest slide."""
    stale = not presenter.slides.record(slide.tab, slide.counter)
    if not stale:
        manager.set_slide(slide.page, slide.panel)
    return SlideAnswer(**slide.model_dump(), stale=stale)
