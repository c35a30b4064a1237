"""The routes' one way to what the server holds (`app.state`, set in the lifespan): the run
manager, its hub, the presenter's state and the settings, as `Annotated` dependencies
(HTTP and WebSocket routes alike; tests swap them with `dependency_overrides`), the
presenter check, and the error answers routes document."""

import secrets
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Path, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel
from starlette.requests import HTTPConnection

from ..config import Settings
from ..presenter import Presenter
from ..runs import RunManager
from ..stream.hub import Hub

_bearer = HTTPBearer(auto_error=False, description="The presenter token")


def get_settings(connection: HTTPConnection) -> Settings:
    settings: Settings = connection.app.state.settings
    return settings


def get_manager(connection: HTTPConnection) -> RunManager:
    manager: RunManager = connection.app.state.manager
    return manager


def get_hub(manager: Annotated[RunManager, Depends(get_manager)]) -> Hub:
    return manager.hub


def get_presenter(connection: HTTPConnection) -> Presenter:
    presenter: Presenter = connection.app.state.presenter
    return presenter


CurrentSettings = Annotated[Settings, Depends(get_settings)]
Manager = Annotated[RunManager, Depends(get_manager)]
ViewerHub = Annotated[Hub, Depends(get_hub)]
CurrentPresenter = Annotated[Presenter, Depends(get_presenter)]
# SQLite's integers: a larger id is a 422, not an overflow.
RunId = Annotated[int, Path(ge=1, le=2**63 - 1, description="a run's id")]


def secrets_match(given: str, expected: str) -> bool:
    """Constant time: how long this takes tells nothing about how much of `given` is right."""
    return secrets.compare_digest(given.encode(), expected.encode())


def require_presenter(
    settings: CurrentSettings,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> None:
    """401 unless the request carries the presenter token, compared in constant time."""
    given = credentials.credentials if credentials else ""
    if not (given and secrets_match(given, settings.token)):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "presenter token missing or wrong: send 'Authorization: Bearer <token>'",
            headers={"WWW-Authenticate": "Bearer"},
        )


PresenterToken = Depends(require_presenter)


# How long a client told 503 waits before asking again: a worker warms up in seconds.
RETRY_AFTER_SECONDS = 2


class Unavailable(BaseModel):
    """The body of a 503, e.g. `{"detail": "the training worker is restarting"}`."""

    detail: str


def worker_unavailable(detail: str) -> HTTPException:
    """503 with Retry-After: the worker is starting, restarting or busy; asking again works."""
    return HTTPException(
        status.HTTP_503_SERVICE_UNAVAILABLE,
        detail,
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI documentation of the error answers a route gives."""
    responses: dict[int | str, dict[str, Any]] = {
        code: {"description": ERROR_DESCRIPTIONS[code]} for code in codes
    }
    if 503 in responses:
        responses[503].update(model=Unavailable, headers=RETRY_AFTER_HEADER)
    return responses


RETRY_AFTER_HEADER = {
    "Retry-After": {
        "description": "Seconds to wait before asking again",
        "required": True,
        "schema": {"type": "integer"},
    }
}
ERROR_DESCRIPTIONS = {
    400: "The body is not valid JSON",
    401: "The presenter token is missing or wrong",
    404: "No such run, or nothing of that kind yet",
    409: "Conflicts with the current state (a run is active, or not)",
    503: "The training worker is starting, restarting or busy: ask again after Retry-After",
}
