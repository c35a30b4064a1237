"""The pages loopcast serves: the deck (or how to build it), the audience page, no CDN."""

import re
from pathlib import Path

from support.live import REPO, LiveServer


def test_unbuilt_deck_says_how_to_build_it(make_server: type[LiveServer], tmp_path: Path) -> None:
    server = make_server(LOOPCAST_DECK_DIR=str(tmp_path / "no-deck"))
    response = server.http.get("/")
    assert response.status_code == 200
    assert "npm run build" in response.text and "/watch" in response.text
    assert server.http.get("/watch").status_code == 200


def test_the_audience_page_and_its_code_load_from_loopcast_only(server: LiveServer) -> None:
    page = server.http.get("/watch")
    assert page.status_code == 200
    assert "default-src 'self'" in page.headers["content-security-policy"]
    for url in re.findall(r'(?:src|href)="([^"]+)"', page.text):
        if url.startswith("data:image/svg+xml,"):  # the built page's icon, inlined
            continue
        assert url.startswith("/static/"), url
        assert server.http.get(url).status_code == 200, url
    for module in (REPO / "static" / "js").glob("*.js"):
        assert "http://" not in module.read_text() and "https://" not in module.read_text()
