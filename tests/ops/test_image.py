"""The container image's recipe: linted, multi-stage, non-root, pinned; one entry point for every process.

No container engine runs on the CI machine (the docker CLI without a daemon, and no registry to pull the
base image from), so the image itself is not built here: docs/operations.md says how it was checked.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.pure
ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = (ROOT / "Dockerfile").read_text()


def _stages() -> dict[str, str]:
    """{stage name: its instructions} of the Dockerfile."""
    parts = re.split(r"^FROM\s+\S+\s+AS\s+(\w+)\s*$", DOCKERFILE, flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def _run(command: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    path = f"{Path(sys.executable).parent}:{os.environ['PATH']}"  # the virtualenv's tools (hadolint, gunicorn)
    return subprocess.run(  # noqa: S603 - our own command lines
        command, env={**os.environ, "PATH": path, **env}, capture_output=True, text=True, check=False, cwd=ROOT
    )


def test_the_dockerfile_is_clean_under_hadolint():
    hadolint = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    result = _run([hadolint, "--config", str(ROOT / ".hadolint.yaml"), str(ROOT / "Dockerfile")])
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_base_is_pinned_by_digest_and_the_runtime_has_no_compiler_and_runs_as_nobody_special():
    base = re.search(r"^ARG PYTHON_IMAGE=(\S+)$", DOCKERFILE, flags=re.MULTILINE)
    assert base
    assert re.search(r"python:3\.11[\w.-]*-slim[\w-]*@sha256:[0-9a-f]{64}$", base.group(1))
    stages = _stages()
    assert list(stages) == ["build", "runtime"]
    assert "build-essential" in stages["build"]
    runtime = stages["runtime"]
    assert "build-essential" not in runtime
    assert "gcc" not in runtime
    assert "COPY --from=build /opt/venv /opt/venv" in runtime
    assert re.search(r"^USER 10001:10001$", runtime, flags=re.MULTILINE)
    # Translations compiled and static files collected at build time, with the production storage.
    assert "compilemessages" in stages["build"]
    assert "collectstatic" in stages["build"]
    assert "config.settings.build" in stages["build"]


def test_the_build_context_leaves_out_secrets_history_and_tests():
    ignored = set((ROOT / ".dockerignore").read_text().split())
    assert {".git", ".venv", ".data", ".env", "tests", "**/__pycache__"} <= ignored


def _entrypoint(*args: str, **env: str) -> str:
    result = _run([str(ROOT / "deploy" / "entrypoint.sh"), *args], ENTRYPOINT_DRY_RUN="1", **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_one_image_runs_web_worker_beat_and_the_migrate_job_by_command():
    assert _entrypoint("web", WEB_SERVER="wsgi") == "gunicorn -c deploy/gunicorn.conf.py config.wsgi:application"
    assert _entrypoint("worker", CELERY_QUEUES="celery,videos").startswith(
        "celery -A config worker --loglevel INFO --queues celery,videos"
    )
    assert _entrypoint("beat").startswith("celery -A config beat")
    assert _entrypoint("migrate") == "python manage.py migrate_schemas --noinput && python manage.py studio_pool"
    assert _entrypoint("manage", "export_studio", "--slug", "iron") == "python manage.py export_studio --slug iron"


@pytest.mark.parametrize("web_server", [None, "auto", "wsgi"])
def test_production_http_is_gunicorn_whatever_asgi_server_is_installed(web_server):
    """uvicorn is installed (the `ws` command and `make run` need it), and `auto` picked it for `web`: under ASGI
    each executor thread kept its own database connection and an API list exhausted PostgreSQL's."""
    env = {"WEB_SERVER": web_server} if web_server else {}
    assert _entrypoint("web", **env) == "gunicorn -c deploy/gunicorn.conf.py config.wsgi:application"
    assert _entrypoint(**env) == "gunicorn -c deploy/gunicorn.conf.py config.wsgi:application"  # the image's CMD


def test_the_ws_command_is_uvicorn_on_the_asgi_application_without_persistent_connections():
    ws = _entrypoint("ws", PORT="9001", DB_CONN_MAX_AGE="300", WS_WORKERS="3")
    assert ws.startswith(
        "env DB_CONN_MAX_AGE=0 uvicorn config.asgi:application --host 0.0.0.0 --port 9001 --workers 3 "
    )
    assert "--ws websockets-sansio" in ws
    assert "--proxy-headers" in ws


def test_the_web_command_serves_asgi_only_when_asked_and_refuses_an_unknown_server():
    asgi = _entrypoint("web", WEB_SERVER="asgi", PORT="9000", DB_CONN_MAX_AGE="300")
    assert asgi.startswith("env DB_CONN_MAX_AGE=0 uvicorn config.asgi:application --host 0.0.0.0 --port 9000")
    result = _run([str(ROOT / "deploy" / "entrypoint.sh"), "web"], WEB_SERVER="x")
    assert result.returncode == 64
    assert "WEB_SERVER" in result.stderr


@pytest.mark.pure
def test_the_wsgi_module_warms_up_freezes_the_heap_and_leaves_no_connection_open():
    """config/wsgi.py, as gunicorn's master preloads it: URLconfs built, what it imported frozen out of the
    garbage collector's sight (the list endpoints' p95 went from 57-79 ms to 39-46 ms), no socket to fork."""
    code = (
        "import gc, config.wsgi; from django.db import connections;"
        "print(gc.get_freeze_count(), sum(c.connection is not None for c in connections.all()))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)  # noqa: S603 - our own interpreter
    frozen, open_connections = map(int, done.stdout.split()[-2:])
    assert frozen > 100_000
    assert open_connections == 0
