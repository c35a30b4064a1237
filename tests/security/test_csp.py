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
