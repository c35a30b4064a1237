"""The deck at `/`, the audience page at `/watch`, and their static files."""

from html import escape

from fastapi import FastAPI
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles

from server.config import Settings

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

    @app.get("/watch", include_in_schema=False, response_model=None)
    def watch() -> FileResponse | HTMLResponse:
        page = static_dir / "watch.html"
        if not page.is_file():
            return HTMLResponse(f"no audience page at {escape(str(page))}", status_code=404)
        return FileResponse(page)

    if static_dir.is_dir():
        app.mount("/static", StaticFiles(directory=static_dir), name="static")

    if (deck_dir / "index.html").is_file():
        app.mount("/", StaticFiles(directory=deck_dir, html=True), name="deck")
    else:

        @app.get("/", include_in_schema=False)
        def deck_missing() -> HTMLResponse:
            return HTMLResponse(DECK_NOT_BUILT.format(deck_dir=escape(str(deck_dir))))
