"""A REAL Celery worker process for tests of behaviour that depends on the broker (redelivery after a
worker dies, once-only effects): started on the test database and a queue of its own against the running
Redis, with the test process's task calls routed to that queue; stopped and its queue purged afterwards."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

from config.celery import app
from tests.clock import ENV as CLOCK_ENV

ROOT = Path(__file__).resolve().parents[1]


def wait_for(condition: Callable[[], object], *, timeout: float = 30, what: str = "condition") -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@contextmanager
def celery_worker(
    *, name: str, log: Path, env: dict[str, str], concurrency: int = 2
) -> Iterator[subprocess.Popen[bytes]]:
    """`celery worker` (prefork) with `env` on top of the test's environment; yields the process."""
    queue = f"test-{name}-{uuid.uuid4().hex[:8]}"
    database_url = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/" + connection.settings_dict["NAME"]
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": database_url,
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "CACHE_BACKEND": "locmem",
        "SENTRY_DSN": "",
        "LOG_LEVEL": "INFO",
        CLOCK_ENV: timezone.now().isoformat(),  # the worker runs on the tests' clock (tests/clocked.py)
        **env,
    }
    command = [sys.executable, "-m", "tests.clocked", "celery", "-A", "config", "worker", "--pool", "prefork",
               "--concurrency", str(concurrency), "--queues", queue, "--without-gossip", "--without-mingle",
               "--loglevel", "INFO"]  # fmt: skip
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603
    previous = (app.conf.task_always_eager, app.conf.task_default_queue)
    app.conf.task_always_eager, app.conf.task_default_queue = False, queue
    try:
        wait_for(lambda: b"ready" in log.read_bytes() or process.poll() is not None, timeout=180, what="worker start")
        assert process.poll() is None, log.read_text()
        yield process
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = previous
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        with app.connection_for_write() as conn:  # leave nothing behind in Redis
            conn.default_channel.queue_purge(queue)
