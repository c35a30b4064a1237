"""Server settings: environment variables prefixed LOOPCAST_, overridden by CLI flags."""

import ipaddress
import re
import socket
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from .data.paths import default_data_dir, default_db_path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parent
# Where a wheel carries the built deck and the pages (scripts/build-wheel copies them in). A
# checkout (a pyproject.toml beside the package, an editable install too) serves its own.
PACKAGED_WEB = PACKAGE_DIR / "web"
IN_CHECKOUT = (REPO_ROOT / "pyproject.toml").is_file()
# What `frame-ancestors` takes from us: 'self', 'none', or an origin, a host wildcard allowed
# (https://*.example.com) and a port or `*`, nothing else (no path, no `;` or space).
FRAME_ANCESTOR = re.compile(r"'self'|'none'|https?://(\*\.)?[A-Za-z0-9.-]+(:(\d{1,5}|\*))?")


def web_dir(checkout: Path, packaged: str) -> Path:
    """The checkout's folder in a checkout, else the wheel's copy of it."""
    return checkout if IN_CHECKOUT else PACKAGED_WEB / packaged


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def display_host(host: str) -> str:
    """The address to print: a LAN address when bound to all interfaces."""
    if host in ("0.0.0.0", "::", ""):
        try:
            return socket.gethostbyname(socket.gethostname())
        except OSError:
            return "127.0.0.1"
    return f"[{host}]" if ":" in host else host


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LOOPCAST_", extra="ignore")

    # Loopback by default; bind 0.0.0.0 (or a LAN address) so phones in the room can join.
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    # "auto" takes the GPU when torch sees one.
    device: Literal["auto", "cpu", "cuda"] = "auto"
    # The presenter's secret; generated at start when empty.
    token: str = ""
    data_dir: Path = Field(default_factory=default_data_dir)
    db: Path = Field(default_factory=default_db_path)
    # The built deck (`slides/dist`) and the audience page's folder (`static/`); installed
    # from a wheel, the copies it carries.
    deck_dir: Path = web_dir(REPO_ROOT / "slides" / "dist", "deck")
    static_dir: Path = web_dir(REPO_ROOT / "static", "static")
    # Serve the built audience page (static/dist, `npm run build`) and every built file's
    # brotli/gzip copy, and gzip large JSON answers. False serves the page's sources, nothing
    # compressed: as before issue 20, for bench.qr's "before".
    built_pages: bool = True
    # Seconds an idle HTTP/1.1 connection is kept open (uvicorn's timeout_keep_alive). It
    # runs from when the server wrote its last answer, not from when a saturated venue link
    # delivered it: 5 s (uvicorn's default) cut phones off mid-page (docs/benchmarks.md, QR).
    keep_alive_s: int = Field(default=75, ge=1, le=3600)
    # Origins allowed to open the WebSocket; empty means the server's own.
    allowed_origins: list[str] = Field(default_factory=list)
    # Hosts the server answers to (DNS-rebinding guard); empty means loopback names only
    # when bound to loopback, anything when bound to a LAN address.
    allowed_hosts: list[str] = Field(default_factory=list)
    # Who may show /embed/{panel} in an iframe: CSP frame-ancestors (docs/protocol.md).
    frame_ancestors: list[str] = Field(default_factory=lambda: ["'self'"])
    max_viewers: int = Field(default=5000, ge=1)
    # A run is stopped when it trains longer than this.
    max_run_seconds: float = Field(default=1800.0, gt=0)
    # Test hook: make the worker fail at a step, e.g. "exception@5" or "oom@5".
    inject_fault: str = ""
    # Benchmarks: a stand-in worker (no torch) makes up this many batches a second; 0 trains.
    standin_rate: float = Field(default=0.0, ge=0, le=1_000_000)
    # What all the phones that show the drawing pad may receive of the model's weights
    # together, in Mbit/s: half a 40 Mbit/s venue Wi-Fi by default (docs/protocol.md).
    weights_budget_mbit: float = Field(default=20.0, gt=0, le=100_000)
    # More than one machine (docs/scale.md): the trainer writes its run log into this Redis
    # (redis://HOST:PORT/DB), edges read it; a run's key expires redis_ttl s after its last entry.
    redis: str = ""
    redis_ttl: int = Field(default=86_400, ge=1)
    # The trainer's URL as edges reach it: they pass read-only requests to it and read runs
    # from it when Redis lost them. The trainer publishes it; an edge's own setting wins.
    trainer_url: str = ""
    # The trainer's URL as the presenter's browser reaches it, where that differs (compose:
    # edges reach http://trainer:8000, browsers http://HOST:8000): edges name it when they
    # refuse a presenter action. Default: trainer_url.
    presenter_url: str = ""

    @model_validator(mode="after")
    def _refuse_unsafe(self) -> "Settings":
        if self.token and len(self.token) < 16:
            raise ValueError("LOOPCAST_TOKEN must be at least 16 characters (or unset to generate)")
        bad = [source for source in self.frame_ancestors if not FRAME_ANCESTOR.fullmatch(source)]
        if bad or not self.frame_ancestors:
            raise ValueError(
                f"frame ancestors {bad or '(none)'}: give origins such as https://slides.example "
                "or http://localhost:3030 (scheme, host, optional port; no path), or 'self'"
            )
        return self

    @property
    def own_url(self) -> str:
        """This server's address as it prints it (a LAN address when bound to all)."""
        return f"http://{display_host(self.host)}:{self.port}"

    @property
    def weights_budget(self) -> float:
        """The weights budget in bytes a second."""
        return self.weights_budget_mbit * 125_000

    @property
    def loopback(self) -> bool:
        return is_loopback(self.host)
