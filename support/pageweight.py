"""What a page costs a phone: every request Chromium makes while it loads, with the bytes on
the wire and whether its cache answered instead, as DevTools' Network panel shows them.

The figures are Chromium's own (the DevTools protocol's `encodedDataLength`: headers and
body as received, compressed where it was; the same sum as Playwright's `request.sizes()`).
The stream's WebSocket is not a request here. Used by bench.qr and the page-weight test.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import Page


@dataclass
class Fetch:
    path: str  # path and query, as the phone asked
    status: int = 0
    encoding: str = ""  # the answer's Content-Encoding, "" for none
    bytes: int = 0  # on the wire: headers and (encoded) body
    cached: bool = False  # answered from the browser's cache, nothing sent

    @property
    def label(self) -> str:
        where = "cache" if self.cached else f"{self.bytes / 1000:.1f} KB {self.encoding}".strip()
        return f"{self.path} ({where})"


@dataclass
class Load:
    """One navigation's requests, in the order Chromium sent them."""

    fetches: list[Fetch] = field(default_factory=list)

    @property
    def network(self) -> list[Fetch]:
        return [fetch for fetch in self.fetches if not fetch.cached]

    @property
    def bytes(self) -> int:
        return sum(fetch.bytes for fetch in self.network)

    def summary(self) -> str:
        return f"{len(self.network)} requests, {self.bytes / 1000:.1f} KB transferred"


def measure(page: Page, go: Callable[[], Any], ready: str) -> Load:
    """Do `go()` (a goto or a reload) and wait for the selector `ready`; returns its requests."""
    cdp = page.context.new_cdp_session(page)
    load = Load()
    by_id: dict[str, Fetch] = {}

    def sent(event: dict[str, Any]) -> None:
        url = urlsplit(event["request"]["url"])
        if url.scheme in ("http", "https") and event["requestId"] not in by_id:
            fetch = Fetch(url.path + (f"?{url.query}" if url.query else ""))
            by_id[event["requestId"]] = fetch
            load.fetches.append(fetch)

    def received(event: dict[str, Any]) -> None:
        if fetch := by_id.get(event["requestId"]):
            response = event["response"]
            headers = {name.lower(): value for name, value in response["headers"].items()}
            fetch.status, fetch.encoding = response["status"], headers.get("content-encoding", "")
            fetch.cached = fetch.cached or bool(response.get("fromDiskCache"))

    def from_cache(event: dict[str, Any]) -> None:
        if fetch := by_id.get(event["requestId"]):
            fetch.cached = True

    def finished(event: dict[str, Any]) -> None:
        if fetch := by_id.get(event["requestId"]):
            fetch.bytes = int(event["encodedDataLength"])

    cdp.on("Network.requestWillBeSent", sent)
    cdp.on("Network.responseReceived", received)
    cdp.on("Network.requestServedFromCache", from_cache)
    cdp.on("Network.loadingFinished", finished)
    cdp.send("Network.enable")
    try:
        go()
        page.wait_for_selector(ready)
        page.wait_for_load_state("networkidle")
    finally:
        cdp.detach()
    return load
