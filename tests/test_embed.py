"""`/embed/{panel}` over plain HTTP: the page for a known panel, a 404 listing the panels for
any other, and the frame-ancestors setting's checks (Chromium: tests/browser/test_embed.py)."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from loopcast.api.embed import PANELS
from loopcast.config import Settings
from support.live import LiveServer


@pytest.mark.parametrize("panel", PANELS)
def test_each_panel_has_an_embed_page_loading_from_loopcast_only(
    server: LiveServer, panel: str
) -> None:
    response = server.http.get(f"/embed/{panel}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    # The built page (static/dist) or, in a checkout not built, the source one.
    assert re.search(r'src="/static/(dist/assets/embed-[\w-]+|js/embed)\.js"', response.text)
    for url in re.findall(r'(?:src|href)="([^"]+)"', response.text):
        assert url.startswith("/static/"), url
        assert server.http.get(url).status_code == 200, url


@pytest.mark.parametrize("path", ["/embed/nope", "/embed/mnist", "/embed/%3Cscript%3E", "/embed"])
def test_an_unknown_panel_is_404_with_the_list(server: LiveServer, path: str) -> None:
    response = server.http.get(path)
    assert response.status_code == 404
    body = response.json()
    assert body["panels"] == list(PANELS)
    assert "chart" in body["detail"] and "/embed/NAME" in body["detail"]


def test_the_embed_page_has_no_train_form_and_reads_no_token(server: LiveServer) -> None:
    page = server.http.get("/embed/chart").text
    [script] = re.findall(r'<script[^>]* src="([^"]+)"', page)
    page += server.http.get(script).text
    assert "token" not in page.lower()
    assert re.search(r"presenter:\s*(false|!1)", page)  # the source, or as minified


@given(
    st.one_of(
        st.text(max_size=40),
        st.builds(
            lambda host, tail: f"https://{host}{tail}", st.text(max_size=12), st.text(max_size=12)
        ),
    )
)
def test_only_origins_and_keywords_become_frame_ancestors(source: str) -> None:
    """Whatever is accepted is one CSP source: an origin or 'self'/'none', no path, no `;`,
    no space (which would add a directive or a source the user did not write)."""
    try:
        Settings(frame_ancestors=[source])
    except ValidationError as error:
        assert "scheme, host, optional port" in str(error)
        return
    assert re.fullmatch(r"'self'|'none'|https?://[^/;,\s'\"]+", source), source


@pytest.mark.parametrize(
    "source", ["https://slides.example", "http://localhost:3030", "https://*.example.com:*"]
)
def test_origins_are_accepted(source: str) -> None:
    assert Settings(frame_ancestors=["'self'", source]).frame_ancestors == ["'self'", source]


@pytest.mark.parametrize(
    "sources", [[], ["self"], ["https://a.example/"], ["https://a.example; script-src *"]]
)
def test_anything_else_is_refused(sources: list[str]) -> None:
    with pytest.raises(ValidationError, match="no path"):
        Settings(frame_ancestors=sources)
