"""Health, server status and the presenter's current slide."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field

from server.api.deps import RETRY_AFTER_HEADER, RETRY_AFTER_SECONDS, Manager, Presenter, errors
from server.training.config import JsonInt

router = APIRouter(tags=["status"])


class NotWarm(BaseModel):
    status: str = Field(description="the worker's state: starting, restarting or stopped")
    error: str | None = Field(description="why the last worker ended, if it failed")


@router.get(
    "/healthz",
    responses={
        503: {
            "description": "The worker is not warm yet, or restarting",
            "model": NotWarm,
            "headers": RETRY_AFTER_HEADER,
        }
    },
)
def healthz(manager: Manager, response: Response) -> dict[str, Any]:
    """200 once the worker is warm, 503 before (or while it restarts)."""
    worker = manager.supervisor.state
    if worker != "ready":
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return {"status": worker, "error": manager.supervisor.last_error}
    return {"status": "ok"}


@router.get("/api/status")
def server_status(manager: Manager) -> dict[str, Any]:
    return manager.server_status()


class Slide(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    page: JsonInt = Field(ge=0, le=10_000)
    panel: str | None = Field(default=None, max_length=40, pattern=r"^[a-z0-9-]*$")
    # A random id per browser tab (a reload is a new tab), and that tab's report number,
    # 1, 2, 3...: a report can arrive after a newer one from the same tab.
    tab: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    counter: JsonInt = Field(ge=1, le=2**53 - 1)  # JavaScript counts exactly up to here


# Tabs remembered: the presenter's deck, a presenter view, a few reloads.
TABS_KEPT = 16


class SlideOrder:
    """Each tab's newest report applied, so that one overtaken by a newer report from
    the same tab is known stale. Tabs report independently: two synced tabs (a deck and
    its presenter view) both end on the current slide."""

    def __init__(self) -> None:
        self._newest: dict[str, int] = {}  # least recently applied first

    def record(self, slide: Slide) -> bool:
        """Remembers `slide` and answers True when it is its tab's newest report; False,
        changing nothing, when a report from its tab with this counter or a higher one was."""
        if slide.counter <= self._newest.get(slide.tab, 0):
            return False
        self._newest.pop(slide.tab, None)
        self._newest[slide.tab] = slide.counter
        if len(self._newest) > TABS_KEPT:
            del self._newest[next(iter(self._newest))]
        return True


def get_slide_order(request: Request) -> SlideOrder:
    order: SlideOrder = request.app.state.slide_order
    return order


@router.post("/api/slide", dependencies=[Presenter], responses=errors(400, 401))
async def set_slide(
    slide: Slide, manager: Manager, order: Annotated[SlideOrder, Depends(get_slide_order)]
) -> dict[str, Any]:
    """Applied unless stale (`"stale": true`, still 200): the order the reports arrive in
    is not the order the presenter flipped; the audience keeps the newest slide."""
    stale = not order.record(slide)
    if not stale:
        manager.hub.set_slide(slide.page, slide.panel)
    return {**slide.model_dump(), "stale": stale}
