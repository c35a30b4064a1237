"""Built files served as built: the precompressed copy the client accepts, the plain file
otherwise, ranges of the plain file, 304s per encoding, and cache headers that let a phone
keep hashed files for good; large JSON answers gzipped. Against a real loopcast serving a
small built tree made here (the real build: tests/browser/test_page_weight.py)."""

import gzip
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loopcast.api.precompressed import IMMUTABLE, choose_encoding, is_hashed
from support.live import LiveServer

PAGE = b"<!doctype html><title>built</title>" + b"<p>phone</p>" * 200
SCRIPT = b"export const x = 1;\n" * 300
ASSET = "/static/dist/assets/watch-AbC_12-z.js"
# Not real brotli (Python has none here): the server passes the build's bytes on untouched.
BROTLI = b"\xce\xb2 pretend brotli"


def built_tree(root: Path) -> Path:
    """static/ with a source page and a build: HTML and a hashed asset, each with copies."""
    static = root / "static"
    (static / "dist" / "assets").mkdir(parents=True)
    (static / "watch.html").write_bytes(b"<!doctype html><title>source</title>")
    for path, body in ((static / "dist" / "watch.html", PAGE), (static / ASSET[8:], SCRIPT)):
        path.write_bytes(body)
        Path(f"{path}.gz").write_bytes(gzip.compress(body))
        Path(f"{path}.br").write_bytes(BROTLI)
    (static / "plain.txt").write_bytes(b"no copies of me")
    (static / "big.txt").write_bytes(b"a file the build did not compress\n" * 100)
    return static


@pytest.fixture(scope="module")
def live(small_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    root = tmp_path_factory.mktemp("built")
    server = LiveServer(small_data, root, LOOPCAST_STATIC_DIR=str(built_tree(root)))
    yield server.start()
    server.stop()


def raw(live: LiveServer, path: str, method: str = "GET", **headers: str) -> httpx.Response:
    """The answer with its body as sent (httpx would decode gzip and brotli)."""
    # httpx sends its own Accept-Encoding unless told otherwise; None leaves it out.
    sent: dict[str, str | None] = {"accept-encoding": None, **headers}
    request = live.http.build_request(method, path)
    for name, value in sent.items():
        if value is None:
            request.headers.pop(name, None)
        else:
            request.headers[name] = value
    response = live.http.send(request, stream=True)
    response._content = b"".join(response.iter_raw())
    return response


@pytest.mark.parametrize(
    ("accept", "encoding"),
    [
        ("gzip, br", "br"),
        ("gzip, deflate", "gzip"),  # what Chromium sends over plain http
        ("br;q=0.5, gzip", "gzip"),
        ("br;q=0, gzip;q=0.1", "gzip"),
        ("*", "br"),
        ("gzip;q=0, *", "br"),
        ("identity", None),
        ("br;q=0, gzip;q=0", None),
        ("*;q=0", None),
        ("", None),
        (None, None),
    ],
)
def test_the_copy_the_client_accepts(
    live: LiveServer, accept: str | None, encoding: str | None
) -> None:
    for path, plain in (("/watch", PAGE), (ASSET, SCRIPT)):
        response = raw(live, path, **({} if accept is None else {"accept-encoding": accept}))
        assert response.status_code == 200
        assert response.headers["vary"] == "Accept-Encoding"
        assert response.headers.get("content-encoding") == encoding
        expected = {None: plain, "br": BROTLI, "gzip": gzip.compress(plain)}[encoding]
        body = response.content
        assert (gzip.decompress(body) == plain) if encoding == "gzip" else (body == expected)
        assert int(response.headers["content-length"]) == len(body)
        assert response.headers["content-type"].startswith(
            "text/html" if path == "/watch" else "text/javascript"
        )


def test_a_range_is_of_the_plain_file(live: LiveServer) -> None:
    response = raw(live, ASSET, range="bytes=0-9", **{"accept-encoding": "gzip, br"})
    assert response.status_code == 206
    assert "content-encoding" not in response.headers
    assert response.content == SCRIPT[:10]
    assert response.headers["content-range"] == f"bytes 0-9/{len(SCRIPT)}"
    assert response.headers["vary"] == "Accept-Encoding"


def test_each_encoding_has_its_own_etag_and_answers_304(live: LiveServer) -> None:
    tags = {}
    for accept in ("br", "gzip", "identity"):
        first = raw(live, "/watch", **{"accept-encoding": accept})
        tags[accept] = first.headers["etag"]
        again = raw(live, "/watch", **{"accept-encoding": accept, "if-none-match": tags[accept]})
        assert again.status_code == 304 and again.content == b""
        assert again.headers["etag"] == tags[accept]
        assert again.headers["vary"] == "Accept-Encoding"
        assert again.headers["cache-control"] == "no-cache"
    assert len(set(tags.values())) == 3
    # A gzip tag does not validate the brotli copy: that client gets the whole answer.
    other = raw(live, "/watch", **{"accept-encoding": "br", "if-none-match": tags["gzip"]})
    assert other.status_code == 200 and other.content == BROTLI


def test_hashed_assets_are_kept_for_good_and_the_rest_revalidated(live: LiveServer) -> None:
    assert raw(live, ASSET).headers["cache-control"] == IMMUTABLE
    assert raw(live, "/watch").headers["cache-control"] == "no-cache"
    plain = raw(live, "/static/plain.txt", **{"accept-encoding": "gzip, br"})
    assert plain.headers["cache-control"] == "no-cache"
    assert "vary" not in plain.headers and "content-encoding" not in plain.headers
    assert plain.content == b"no copies of me"
    # Nothing is compressed while serving files, however large: only what the build wrote.
    big = raw(live, "/static/big.txt", **{"accept-encoding": "gzip"})
    assert "content-encoding" not in big.headers and len(big.content) == 3400


def test_a_file_rebuilt_is_served_anew(live: LiveServer) -> None:
    """Files are held in memory once read, but only while unchanged on disk."""
    static = Path(live.env["LOOPCAST_STATIC_DIR"])
    assert raw(live, "/static/plain.txt").content == b"no copies of me"
    (static / "plain.txt").write_bytes(b"rebuilt, longer than before")
    assert raw(live, "/static/plain.txt").content == b"rebuilt, longer than before"
    (static / "plain.txt").write_bytes(b"no copies of me")


def test_head_says_what_get_would_send(live: LiveServer) -> None:
    got = raw(live, ASSET, **{"accept-encoding": "gzip"})
    head = raw(live, ASSET, "HEAD", **{"accept-encoding": "gzip"})
    assert head.content == b""
    for name in ("content-length", "content-encoding", "etag", "vary", "cache-control"):
        assert head.headers[name] == got.headers[name]


def test_the_source_page_when_built_pages_are_off(
    make_server: type[LiveServer], tmp_path: Path
) -> None:
    server = make_server(
        LOOPCAST_STATIC_DIR=str(built_tree(tmp_path)), LOOPCAST_BUILT_PAGES="false"
    )
    response = raw(server, "/watch", **{"accept-encoding": "gzip, br"})
    assert b"source" in response.content and "content-encoding" not in response.headers


def test_a_checkout_not_built_serves_the_source_page(
    make_server: type[LiveServer], tmp_path: Path
) -> None:
    static = tmp_path / "static"
    static.mkdir()
    (static / "watch.html").write_bytes(b"<!doctype html><title>source</title>")
    server = make_server(LOOPCAST_STATIC_DIR=str(static))
    response = raw(server, "/watch", **{"accept-encoding": "gzip, br"})
    assert response.status_code == 200 and b"source" in response.content


def test_json_over_1kb_is_gzipped_and_small_json_is_not(live: LiveServer) -> None:
    run = live.start_run(epochs=1)
    live.wait_run(run["id"])
    big = raw(live, f"/api/runs/{run['id']}", **{"accept-encoding": "gzip"})
    assert big.headers["content-encoding"] == "gzip"
    assert big.headers["vary"] == "Accept-Encoding"
    assert len(gzip.decompress(big.content)) > 1024  # and it decodes once: not twice encoded
    assert int(big.headers["content-length"]) == len(big.content)
    plain = raw(live, f"/api/runs/{run['id']}")
    assert "content-encoding" not in plain.headers and plain.json()["id"] == run["id"]
    small = raw(live, "/api/status", **{"accept-encoding": "gzip"})
    assert "content-encoding" not in small.headers and small.json()["viewers"] >= 0
    with live.viewer("?detail=envelope") as viewer:  # the stream passes by, untouched
        assert viewer.receive()["type"]


def test_only_hashed_names_under_assets_count_as_hashed() -> None:
    assert is_hashed("/x/dist/assets/watch-Dph3tJ-1.js")
    assert is_hashed("/x/dist/assets/modules/vue-B-DwmLFP.js")  # the deck's
    assert not is_hashed("/x/dist/watch.html")
    assert not is_hashed("/x/dist/assets/watch.js")
    assert not is_hashed("/x/static/js/watch-Dph3tJ-1.js")


printable = st.characters(min_codepoint=32, max_codepoint=126)  # what a header value may hold
headers = st.text(printable, max_size=60)
codings = st.sampled_from(["br", "gzip", "identity", "*", "x-gzip", "BR", ""])
qvalues = st.one_of(st.floats(allow_nan=True), st.text(printable, max_size=5), st.just("0.5"))
lists = st.lists(st.tuples(codings, qvalues), max_size=5).map(
    lambda items: ", ".join(f"{name};q={q}" for name, q in items)
)


@given(st.one_of(headers, lists))
def test_any_accept_encoding_picks_an_available_copy_or_none(header: str) -> None:
    assert choose_encoding(header, ["br", "gzip"]) in ("br", "gzip", None)
    assert choose_encoding(header, []) is None


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(header=st.one_of(headers, lists).map(str.strip))  # a header value has no edge spaces
def test_odd_accept_encoding_headers_get_a_body_that_decodes(live: LiveServer, header: str) -> None:
    response = raw(live, ASSET, **{"accept-encoding": header})
    assert response.status_code == 200
    encoding = response.headers.get("content-encoding")
    assert encoding == choose_encoding(header, ["br", "gzip"])
    decoded = {
        None: lambda body: body,
        "br": lambda body: SCRIPT if body == BROTLI else body,
        "gzip": gzip.decompress,
    }[encoding](response.content)
    assert decoded == SCRIPT
