"""deploy/nginx.conf in front of two edges: the stream through the proxy (WebSocket
upgrade), a viewer whose edge dies resuming through it on the other, refusals passed on."""

import re
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from websockets.sync.client import connect

from support.edges import LiveEdge
from support.live import REPO, LiveServer, Viewer, free_port
from tests.edge.conftest import needs

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


class Proxy:
    """nginx with the site of deploy/nginx.conf, its upstreams on loopback ports."""

    def __init__(self, workdir: Path, upstreams: list[int]) -> None:
        self.port = free_port()
        self.url, self.ws_url = f"http://127.0.0.1:{self.port}", f"ws://127.0.0.1:{self.port}/ws"
        site = (REPO / "deploy" / "nginx.conf").read_text()
        ports = iter(upstreams)
        site = re.sub(r"server edge-\d+:8000", lambda _: f"server 127.0.0.1:{next(ports)}", site)
        site = site.replace("listen 80;", f"listen 127.0.0.1:{self.port};")
        (workdir / "site.conf").write_text(site)
        temp = " ".join(
            f"{name}_temp_path {workdir}/{name};"
            for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        (workdir / "nginx.conf").write_text(
            f"daemon off; pid {workdir}/nginx.pid; error_log {workdir}/error.log;\n"
            f"events {{}}\nhttp {{ access_log off; {temp} include {workdir}/site.conf; }}\n"
        )
        assert NGINX is not None
        self.process = subprocess.Popen(
            [NGINX, "-p", str(workdir), "-c", str(workdir / "nginx.conf")]
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                httpx.get(f"{self.url}/healthz", timeout=2)
                return
            except httpx.TransportError:
                time.sleep(0.05)
        raise TimeoutError((workdir / "error.log").read_text())

    def stop(self) -> None:
        self.process.send_signal(signal.SIGQUIT)
        self.process.wait(10)


@pytest.fixture
def proxied(
    make_edge: Callable[[], LiveEdge], tmp_path: Path
) -> Iterator[tuple[Proxy, list[LiveEdge]]]:
    needs("nginx", NGINX)
    edges = [make_edge(), make_edge()]
    workdir = tmp_path / "nginx"
    workdir.mkdir()
    proxy = Proxy(workdir, [edge.port for edge in edges])
    yield proxy, edges
    proxy.stop()


def test_a_viewer_through_the_proxy_resumes_on_the_other_edge_when_its_edge_dies(
    proxied: tuple[Proxy, list[LiveEdge]], trainer: LiveServer
) -> None:
    proxy, edges = proxied
    run = trainer.start_run(batch_size=512, epochs=12)
    with connect(proxy.ws_url, open_timeout=10) as conn:
        viewer = Viewer(conn)
        viewer.until_points(200)
        holding = next(e for e in edges if e.http.get("/api/status").json()["viewers"] == 1)
        holding.signal(signal.SIGKILL)
        seqs = list(viewer.seq)
    with connect(f"{proxy.ws_url}?since={seqs[-1]}&run={run['id']}", open_timeout=10) as conn:
        resumed = Viewer(conn)
        resumed.until_status("finished")
        seqs += resumed.seq
    assert seqs == list(range(1, 12 * 118 + 1))


def test_presenter_actions_through_the_proxy_name_the_trainer(
    proxied: tuple[Proxy, list[LiveEdge]], trainer: LiveServer
) -> None:
    proxy, _ = proxied
    answer = httpx.post(f"{proxy.url}/api/runs", json={}, headers=trainer.auth)
    assert answer.status_code == 421 and trainer.url in answer.json()["detail"]
    assert httpx.get(f"{proxy.url}/watch").status_code == 200
