"""compose.yaml, read against the code it starts: no compose engine runs here (and its
images cannot be pulled), so every name it passes between its parts is checked instead,
and the parts themselves run for real in tests/edge/ (deploy/nginx.conf included)."""

import ipaddress
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from loopcast.cli import build_parser
from loopcast.config import Settings

REPO = Path(__file__).resolve().parent.parent
OURS = "loopcast"  # the image the Dockerfile builds


def load(name: str) -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((REPO / name).read_text())
    return document


COMPOSE = load("compose.yaml")
SERVICES: dict[str, dict[str, Any]] = COMPOSE["services"]
OUR_SERVICES = {name: s for name, s in SERVICES.items() if s.get("image") == OURS}


def dockerfile_env() -> dict[str, str]:
    """The final stage's ENV (its `KEY=VALUE` pairs, continued lines joined)."""
    text = (REPO / "Dockerfile").read_text().replace("\\\n", " ")
    final = text.rsplit("\nFROM ", 1)[1]
    pairs: dict[str, str] = {}
    for line in final.splitlines():
        if line.startswith("ENV "):
            pairs.update(re.findall(r"(\w+)=(\S+)", line))
    return pairs


def urls_of(service: dict[str, Any]) -> list[str]:
    """The URLs a service is given to reach other services (in `${VAR:-default}`, the
    default): all in its command and environment but the presenter's, which is for browsers."""
    command = " ".join(service.get("command", []))
    command = re.sub(r"--presenter-url[ =]\S+", "", command)
    env = service.get("environment", {})
    given = [command, *(str(v) for k, v in env.items() if k != "LOOPCAST_PRESENTER_URL")]
    return [url for value in given for url in re.findall(r"\w+://[^\s\"'}]+", value)]


def test_our_services_start_commands_the_cli_accepts() -> None:
    assert set(OUR_SERVICES) >= {"trainer", "edge-1", "edge-2"}
    parser = build_parser()
    for name, service in OUR_SERVICES.items():
        args = parser.parse_args(service["command"])  # exits (SystemExit) on a bad flag
        assert args.command in ("serve", "edge"), name


def test_their_environment_names_settings_that_exist() -> None:
    fields = {f"LOOPCAST_{name.upper()}" for name in Settings.model_fields}
    for name, service in OUR_SERVICES.items():
        unknown = set(service.get("environment", {})) - fields
        assert not unknown, f"{name}: {unknown} are read by nothing"


@pytest.mark.parametrize("name", sorted(OUR_SERVICES))
def test_containers_reach_each_other_by_service_name(name: str) -> None:
    # Inside a container, localhost is the container itself: an edge told the trainer is at
    # localhost:8000 would ask itself for the run history.
    urls = urls_of(OUR_SERVICES[name])
    assert any(url.startswith("redis://") for url in urls), f"{name} is given no Redis"
    for url in urls:
        assert urlsplit(url).hostname in SERVICES, f"{name}: {url} is no service of compose.yaml"


def test_the_trainer_publishes_where_edges_reach_it_and_where_browsers_do() -> None:
    env = SERVICES["trainer"]["environment"]
    assert urlsplit(env["LOOPCAST_TRAINER_URL"]).hostname == "trainer"
    assert "LOOPCAST_PRESENTER_URL" in env
    port = int(dockerfile_env()["LOOPCAST_PORT"])
    assert urlsplit(env["LOOPCAST_TRAINER_URL"]).port == port
    assert f"{port}:{port}" in SERVICES["trainer"]["ports"]


def test_the_proxy_balances_over_the_edges_on_their_port() -> None:
    proxy = SERVICES["proxy"]
    mounted = [volume.split(":")[0] for volume in proxy["volumes"]]
    site = (REPO / mounted[0]).read_text()
    upstreams = re.findall(r"^\s*server\s+([\w.-]+):(\d+)", site, re.MULTILINE)
    port = dockerfile_env()["LOOPCAST_PORT"]
    edges = {name for name, s in OUR_SERVICES.items() if s["command"][0] == "edge"}
    assert {host for host, _ in upstreams} == edges
    assert {p for _, p in upstreams} == {port}
    assert set(proxy["depends_on"]) == edges


def test_the_run_history_lives_on_the_volume() -> None:
    db = Path(dockerfile_env()["LOOPCAST_DB"])
    volumes = [volume.split(":") for volume in SERVICES["trainer"]["volumes"]]
    assert any(name in COMPOSE["volumes"] and db.is_relative_to(at) for name, at in volumes)


def test_the_gpu_override_adds_to_the_trainer_only() -> None:
    override = load("deploy/compose.gpu.yaml")
    assert set(override["services"]) == {"trainer"}
    devices = override["services"]["trainer"]["deploy"]["resources"]["reservations"]["devices"]
    assert devices[0]["capabilities"] == ["gpu"]


def test_the_edges_keep_their_addresses_across_restarts() -> None:
    # nginx resolves its upstreams once, at its start: an edge restarted at a new address
    # would get no request again.
    subnets = COMPOSE["networks"]["default"]["ipam"]["config"]
    network = ipaddress.ip_network(subnets[0]["subnet"])
    addresses = []
    for name, service in OUR_SERVICES.items():
        if service["command"][0] == "edge":
            address = ipaddress.ip_address(service["networks"]["default"]["ipv4_address"])
            assert address in network, name
            addresses.append(address)
    assert len(set(addresses)) == len(addresses) == 2


def test_the_proxy_gives_up_on_a_gone_edge_in_seconds() -> None:
    site = (REPO / "deploy" / "nginx.conf").read_text()
    timeout = re.search(r"proxy_connect_timeout\s+(\d+)s;", site)
    assert timeout is not None and int(timeout.group(1)) <= 5
