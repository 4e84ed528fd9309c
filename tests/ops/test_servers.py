"""The image's two servers, started by its entry point as production does, against the test database:
`web` (gunicorn) answers HTTP, `ws` (uvicorn, no persistent database connections) takes a studio's socket.

The studios provisioned for the session are committed, so the servers (other processes) see them.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django_tenants.utils import schema_context
from websockets.sync.client import connect

from core.models import User
from core.tokens import access_token_issue
from tests.conftest import host_of

pytestmark = [pytest.mark.django_db, pytest.mark.real_clock]  # the server checks the token's time on its clock
ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def _serving(command: str) -> Iterator[int]:
    """`deploy/entrypoint.sh <command>` on a free port of 127.0.0.1; yields the port once it accepts."""
    port = _free_port()
    database = connection.settings_dict
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",  # the virtualenv's gunicorn and uvicorn
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "PORT": str(port),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
        "FORWARDED_ALLOW_IPS": "127.0.0.1",
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    server = subprocess.Popen(  # noqa: S603 - our own entry point
        ["/bin/sh", str(ROOT / "deploy" / "entrypoint.sh"), command],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 90  # gunicorn's master imports Django and every URLconf first
        while True:
            assert server.poll() is None, server.communicate()[0].decode()[-3000:]
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            assert time.monotonic() < deadline, f"{command} did not listen on {port}"
            time.sleep(0.2)
        yield port
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def _get(port: int, path: str, host: str) -> tuple[int, bytes, str]:
    client = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        client.request("GET", path, headers={"Host": host})
        response = client.getresponse()
        return response.status, response.read(), response.getheader("Server", "")
    finally:
        client.close()


def test_the_web_command_is_gunicorn_and_answers_health():
    with _serving("web") as port:
        status, body, server = _get(port, "/healthz", settings.PLATFORM_DOMAIN)
    assert status == 200, body
    assert server.startswith("gunicorn")


def test_the_ws_command_takes_a_studio_socket_and_proves_its_person(studio):
    # given a person of the studio with an access token
    with schema_context(studio.schema_name):
        owner = User.objects.get(email=f"owner@{studio.slug}.test")
        token = access_token_issue(owner)
    host = host_of(studio)
    with _serving("ws") as port:
        # when a socket opens on the studio's host
        with connect(
            f"ws://{host}:{port}/ws/messaging/",
            sock=socket.create_connection(("127.0.0.1", port)),
            origin=f"http://{host}",  # type: ignore[arg-type]  # websockets' Origin is a plain str
            additional_headers={"Authorization": f"Bearer {token}"},
            open_timeout=30,
        ) as socket_:
            hello = json.loads(socket_.recv(timeout=30))
        # and the same process is probed over HTTP
        status, _body, _server = _get(port, "/healthz", settings.PLATFORM_DOMAIN)
    # then the studio's consumer greeted the person the token proves, and the probe is answered
    assert hello == {"type": "hello", "user": owner.pk}
    assert status == 200
