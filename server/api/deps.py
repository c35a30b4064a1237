"""Shared request dependencies: the run manager, the settings, and the presenter check."""

import secrets
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from server.config import Settings
from server.runs import RunManager

_bearer = HTTPBearer(auto_error=False, description="The presenter token")


def get_manager(request: Request) -> RunManager:
    manager: RunManager = request.app.state.manager
    return manager


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def require_presenter(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> None:
    """401 unless the request carries the presenter token, compared in constant time."""
    expected: str = request.app.state.settings.token
    given = credentials.credentials if credentials else ""
    if not (given and secrets.compare_digest(given.encode(), expected.encode())):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "presenter token missing or wrong: send 'Authorization: Bearer <token>'",
            headers={"WWW-Authenticate": "Bearer"},
        )


Manager = Annotated[RunManager, Depends(get_manager)]
CurrentSettings = Annotated[Settings, Depends(get_settings)]
Presenter = Depends(require_presenter)
