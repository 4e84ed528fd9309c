"""Real servers for tests of the deployed request path: gunicorn (production settings) and PgBouncer.

Both serve the test database, so they see only committed rows: tests commit what they need through
their own connection (tests/concurrency.py) and remove it again. A tool that is missing skips the test
on a developer's machine and fails it where tools are required (tests/needs.py), as in CI, where .ci/run
installs it.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db import connection

from config.env import DEV_FIELD_ENCRYPTION_KEY
from tests.needs import pgbouncer_path, require

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url(*, host: str | None = None, port: int | None = None) -> str:
    """The test database's URL, optionally through another host/port (a pooler)."""
    db = connection.settings_dict
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    address = f"{host or db.get('HOST') or '127.0.0.1'}:{port or db.get('PORT') or 5432}"
    return f"postgres://{user}{password}@{address}/{db['NAME']}"


def get(base: str, path: str, *, host: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    """GET `path` with a Host header; (status, body) whatever the status."""
    request = urllib.request.Request(base + path, headers={"Host": host, **(headers or {})})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback only
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@cache
def collected_static() -> str:
    """A STATIC_ROOT filled as the image build fills it (hashed, compressed, with the manifest), once a session.

    Production serves the hashed names WhiteNoise's manifest gives; without a collected tree every page
    that links a stylesheet fails, as it would in a deployment that skipped `collectstatic`.
    """
    root = tempfile.mkdtemp(prefix="fitwell-static-")
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.build", "STATIC_ROOT": root},
        cwd=ROOT,
        check=True,
    )
    return root


@contextmanager
def gunicorn(*, db_url: str | None = None, workers: int = 2, threads: int = 1, **env: str) -> Iterator[str]:
    """The platform under gunicorn (deploy/gunicorn.conf.py, production settings); yields its base URL."""
    port = free_port()
    server_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DATABASE_URL": db_url or database_url(),
        "REDIS_URL": settings.REDIS_URL,  # this test process's own database (one per xdist worker)
        "SECRET_KEY": settings.SECRET_KEY,
        "FIELD_ENCRYPTION_KEY": ",".join(settings.FIELD_ENCRYPTION_KEYS) or DEV_FIELD_ENCRYPTION_KEY,
        "SECURE_SSL_REDIRECT": "false",
        "PLATFORM_DOMAIN": settings.PLATFORM_DOMAIN,
        # Production refuses to start without Stripe keys; these requests never reach Stripe.
        "STRIPE_SECRET_KEY": settings.STRIPE_SECRET_KEY,
        "STRIPE_API_BASE": settings.STRIPE_API_BASE,
        "STRIPE_WEBHOOK_SECRET": settings.STRIPE_WEBHOOK_SECRET,
        "STRIPE_CONNECT_WEBHOOK_SECRET": settings.STRIPE_CONNECT_WEBHOOK_SECRET,
        "GUNICORN_WORKERS": str(workers),
        "GUNICORN_THREADS": str(threads),
        "GUNICORN_LOG_LEVEL": "warning",
        "LOG_LEVEL": "ERROR",
        "STATIC_ROOT": collected_static(),
        **env,
    }
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "-c",
        str(ROOT / "deploy" / "gunicorn.conf.py"),
        "--bind",
        f"127.0.0.1:{port}",
        "config.wsgi:application",
    ]
    server = subprocess.Popen(command, env=server_env, cwd=ROOT, start_new_session=True)  # noqa: S603
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120  # workers import every URLconf before they serve
        while get_status_or_none(base) != 200:
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not start")
            time.sleep(0.3)
        yield base
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def get_status_or_none(base: str) -> int | None:
    try:
        return get(base, "/healthz", host=settings.PLATFORM_DOMAIN)[0]
    except OSError:
        return None


PGBOUNCER_INI = """\
[databases]
* = host={pg_host} port={pg_port}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = trust
auth_file = {auth_file}
pool_mode = {pool_mode}
max_client_conn = 200
default_pool_size = 20
server_reset_query = DISCARD ALL
ignore_startup_parameters = extra_float_digits,options
"""


@contextmanager
def pgbouncer(*, pool_mode: str = "session") -> Iterator[int]:
    """Debian's PgBouncer in front of the test server, in `pool_mode`; yields its port."""
    require("pgbouncer")
    binary = pgbouncer_path()
    assert binary is not None
    db = connection.settings_dict
    port = free_port()
    with tempfile.TemporaryDirectory() as folder:
        os.chmod(folder, 0o755)  # noqa: S103 - read by pgbouncer's own user (it refuses to run as root)
        auth_file = Path(folder, "users.txt")
        auth_file.write_text(f'"{db.get("USER") or "postgres"}" ""\n')
        ini = Path(folder, "pgbouncer.ini")
        ini.write_text(
            PGBOUNCER_INI.format(
                pg_host=db.get("HOST") or "127.0.0.1",
                pg_port=db.get("PORT") or 5432,
                port=port,
                auth_file=auth_file,
                pool_mode=pool_mode,
            )
        )
        for path in (auth_file, ini):
            path.chmod(0o644)
        command = [binary, *(["-u", "postgres"] if os.geteuid() == 0 else []), str(ini)]
        bouncer = subprocess.Popen(  # noqa: S603 - our own command line
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            deadline = time.monotonic() + 20
            while not _accepts(port):
                if bouncer.poll() is not None or time.monotonic() > deadline:
                    output = bouncer.stdout.read().decode() if bouncer.stdout else ""
                    raise RuntimeError(f"pgbouncer did not start: {output}")
                time.sleep(0.1)
            yield port
        finally:
            os.killpg(bouncer.pid, signal.SIGTERM)
            bouncer.wait(timeout=10)


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False
