"""The single-host compose file parses and routes as the Kubernetes manifests do: /ws/ to `ws` (uvicorn),
everything else to `web` (gunicorn). No container engine here (docs/operations.md): the file and the proxy's
configuration are read, and nginx checks the configuration's syntax when it is installed."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.needs import needs

pytestmark = pytest.mark.pure
COMPOSE = Path(__file__).resolve().parents[2] / "deploy" / "compose"


def _services() -> dict[str, Any]:
    return yaml.safe_load((COMPOSE / "compose.yaml").read_text())["services"]


def _locations() -> dict[str, str]:
    """{location path: its block} of nginx.conf's server."""
    text = (COMPOSE / "nginx.conf").read_text()
    return dict(re.findall(r"location\s+(\S+)\s*\{(.*?)\n\s*\}", text, flags=re.DOTALL))


def test_every_service_dependency_exists_and_each_server_runs_its_own_command():
    services = _services()
    for name, service in services.items():
        assert set(service.get("depends_on", {})) <= set(services), name
    assert services["web"]["command"] == ["web"]
    assert services["ws"]["command"] == ["ws"]
    assert services["web"]["healthcheck"]["test"] == services["ws"]["healthcheck"]["test"]
    # only the proxy is published, on the host's loopback, for the TLS proxy in front
    published = {name: service["ports"] for name, service in services.items() if "ports" in service}
    assert published == {"proxy": ["127.0.0.1:8000:8000"]}
    assert "./nginx.conf:/etc/fitwell/nginx.conf:ro" in services["proxy"]["volumes"]


def test_the_proxy_sends_sockets_to_ws_with_the_upgrade_and_a_long_timeout_and_the_rest_to_web():
    locations = _locations()
    assert set(locations) == {"/ws/", "/"}
    socket = locations["/ws/"]
    assert "http://ws:8000" in socket
    assert "proxy_http_version 1.1;" in socket
    assert "proxy_set_header Upgrade $http_upgrade;" in socket
    assert "proxy_set_header Connection $connection_upgrade;" in socket
    assert "proxy_set_header Host $host;" in socket  # a location's own headers replace the server's: all again
    assert int(re.search(r"proxy_read_timeout (\d+)s;", socket).group(1)) >= 3600
    assert "http://web:8000" in locations["/"]
    assert int(re.search(r"proxy_read_timeout (\d+)s;", locations["/"]).group(1)) < 3600


def test_the_env_example_does_not_choose_uvicorn_for_web():
    settings = dict(
        line.split("=", 1) for line in (COMPOSE / "fitwell.env.example").read_text().splitlines() if "=" in line
    )
    assert settings.get("WEB_SERVER", "wsgi") in ("wsgi", "auto")


@needs("nginx")
def test_nginx_accepts_the_proxy_configuration(tmp_path):
    # the upstreams are variables (resolved per request), so no `ws` or `web` host is needed to check it
    config = tmp_path / "nginx.conf"
    config.write_text((COMPOSE / "nginx.conf").read_text().replace("/tmp/", f"{tmp_path}/"))  # noqa: S108 - rewritten away
    result = subprocess.run(  # noqa: S603 - nginx's own syntax check
        [shutil.which("nginx") or "/usr/sbin/nginx", "-t", "-q", "-c", str(config), "-e", str(tmp_path / "error.log")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
