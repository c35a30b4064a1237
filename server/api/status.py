"""Health, server status and the presenter's current slide."""

from typing import Any

from fastapi import APIRouter, Response, status
from pydantic import BaseModel, ConfigDict, Field

from server.api.deps import Manager, Presenter, errors
from server.training.config import JsonInt

router = APIRouter(tags=["status"])


@router.get("/healthz", responses={503: {"description": "The worker is not warm yet"}})
def healthz(manager: Manager, response: Response) -> dict[str, Any]:
    """200 once the worker is warm, 503 before (or while it restarts)."""
    worker = manager.supervisor.state
    if worker != "ready":
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
        return {"status": worker, "error": manager.supervisor.last_error}
    return {"status": "ok"}


@router.get("/api/status")
def server_status(manager: Manager) -> dict[str, Any]:
    return manager.server_status()


class Slide(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    page: JsonInt = Field(ge=0, le=10_000)
    panel: str | None = Field(default=None, max_length=40, pattern=r"^[a-z0-9-]*$")


@router.post("/api/slide", dependencies=[Presenter], responses=errors(400, 401))
async def set_slide(slide: Slide, manager: Manager) -> dict[str, Any]:
    manager.hub.set_slide(slide.page, slide.panel)
    return slide.model_dump()
