"""`/embed/{panel}`: one live panel alone, read-only, sized to its frame, for any slideware
that shows an iframe. Which sites may frame it is `frame_ancestors` (CSP); the URL contract
is in docs/protocol.md."""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from ..guards import content_security_policy
from .deps import CurrentSettings
from .pages import static_page

# The panels of static/js/panels/index.js under their public names: the live chart is
# `chart` (the registry's `mnist`, the deck's MNIST slide), the others keep their own.
# static/js/embed.js reads the same names; tests/browser/test_embed.py checks they agree.
PANELS = ("chart", "overview", "dataloader", "modes", "progress", "gpu", "digit")

router = APIRouter(include_in_schema=False)


def unknown_panel(panel: str) -> JSONResponse:
    detail = f"no panel {panel!r} to embed: use /embed/NAME with one of {', '.join(PANELS)}"
    return JSONResponse({"detail": detail, "panels": list(PANELS)}, status_code=404)


@router.get("/embed", response_model=None)
def embed_index() -> JSONResponse:
    return unknown_panel("")


@router.get("/embed/{panel}", response_model=None)
async def embed(panel: str, request: Request, settings: CurrentSettings) -> Response:
    if panel not in PANELS:
        return unknown_panel(panel)
    # As /watch: the built page (precompressed, revalidated) where built, else the source.
    response = await static_page(request, settings, "embed.html")
    response.headers["Content-Security-Policy"] = content_security_policy(settings.frame_ancestors)
    if settings.frame_ancestors == ["'self'"]:
        # Says the same, to browsers without CSP 2.
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response
