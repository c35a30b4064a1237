"""The deck at `/`, the audience page at `/watch`, and their static files: as built
(static/dist, slides/dist; precompressed, hashed) where a build exists, else the sources."""

from functools import cache
from html import escape
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

from ..config import Settings
from .precompressed import PrecompressedFiles

# Where `npm run build` writes the built pages and their hashed assets, inside static/.
BUILT = "dist"

DECK_NOT_BUILT = """<!doctype html><meta charset="utf-8"><title>loopcast: deck not built</title>
<h1>The deck has not been built yet</h1>
<p>loopcast serves the built Slidev deck from <code>{deck_dir}</code>, which holds no
<code>index.html</code>. Build it with:</p>
<pre>cd slides &amp;&amp; npm ci &amp;&amp; npm run build</pre>
<p>(or run the README's demo command, which builds it), then reload this page.
The audience page is at <a href="/watch">/watch</a> meanwhile.</p>
"""


def mount_pages(app: FastAPI, settings: Settings) -> None:
    static_dir, deck_dir = settings.static_dir, settings.deck_dir
    files = PrecompressedFiles if settings.built_pages else StaticFiles

    @app.get("/watch", include_in_schema=False, response_model=None)
    async def watch(request: Request) -> Response:
        return await static_page(request, settings, "watch.html")

    if static_dir.is_dir():
        app.mount("/static", files(directory=static_dir), name="static")

    if (deck_dir / "index.html").is_file():
        app.mount("/", files(directory=deck_dir, html=True), name="deck")
    else:

        @app.get("/", include_in_schema=False)
        def deck_missing() -> HTMLResponse:
            return HTMLResponse(DECK_NOT_BUILT.format(deck_dir=escape(str(deck_dir))))


async def static_page(request: Request, settings: Settings, name: str) -> Response:
    """static/dist/NAME as built, else static/NAME as it is (a checkout not built)."""
    built = settings.static_dir / BUILT
    if settings.built_pages and (built / name).is_file():
        return await built_files(built).get_response(name, request.scope)
    page = settings.static_dir / name
    if not page.is_file():
        return HTMLResponse(f"no page at {escape(str(page))}", status_code=404)
    return FileResponse(page)


@cache
def built_files(folder: Path) -> PrecompressedFiles:
    """One per folder, for the files it holds in memory."""
    return PrecompressedFiles(directory=folder)
