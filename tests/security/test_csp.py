"""Check 15, the header half: every response carries a Content-Security-Policy that forbids
inline script and any origin but our own. (The Chromium half, a hostile run name shown as
text on the deck and the audience page, is tests/browser/test_xss.py.)"""

import pytest

from support.live import LiveServer


def policy(header: str) -> dict[str, list[str]]:
    directives = (part.split() for part in header.split(";") if part.strip())
    return {name: sources for name, *sources in directives}


@pytest.mark.parametrize("path", ["/", "/watch", "/static/js/watch.js", "/api/status", "/nowhere"])
def test_every_response_carries_a_strict_content_security_policy(
    server: LiveServer, path: str
) -> None:
    response = server.http.get(path)
    csp = policy(response.headers["content-security-policy"])
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval', no CDN
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    for sources in csp.values():
        assert all(source.startswith("'") or source in ("data:", "blob:") for source in sources), (
            csp
        )  # no other origin anywhere
    assert response.headers["x-content-type-options"] == "nosniff"


def test_an_embed_may_be_framed_by_its_own_origin_only_by_default(server: LiveServer) -> None:
    response = server.http.get("/embed/chart")
    (header,) = response.headers.get_list("content-security-policy")  # replaced, not added
    csp = policy(header)
    assert csp["frame-ancestors"] == ["'self'"]
    watch = policy(server.http.get("/watch").headers["content-security-policy"])
    assert csp == {**watch, "frame-ancestors": ["'self'"]}  # the rest as strict as any page
    assert response.headers.get_list("x-frame-options") == ["SAMEORIGIN"]  # says the same
    assert response.headers["x-content-type-options"] == "nosniff"


def test_configured_frame_ancestors_replace_the_default_on_embeds_only(
    make_server: type[LiveServer],
) -> None:
    allowed = ["https://slides.example", "http://localhost:3030"]
    server = make_server(flags=["--frame-ancestors", *allowed])
    embed = server.http.get("/embed/chart")
    (header,) = embed.headers.get_list("content-security-policy")
    assert policy(header)["frame-ancestors"] == allowed
    assert "x-frame-options" not in embed.headers  # DENY or SAMEORIGIN would contradict it
    for path in ("/watch", "/embed/nope", "/static/js/embed.js"):
        other = server.http.get(path)
        assert policy(other.headers["content-security-policy"])["frame-ancestors"] == ["'none'"]
        assert other.headers["x-frame-options"] == "DENY"
