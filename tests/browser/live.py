"""A real server for browser tests: Django's live-server thread on a free port, with its own connections.

pytest-django's `live_server` would flush the database (wiping the session studios), so browser tests
run this instead and commit (then remove) the rows they need themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.test.testcases import LiveServerThread

from tests.threads import in_own_connection

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextmanager
def live_server_thread() -> Iterator[int]:
    """Serve the whole platform (static files included) on 127.0.0.1; yields the port."""
    server = LiveServerThread("127.0.0.1", StaticFilesHandler, port=0)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    try:
        yield server.port
    finally:
        server.terminate()


def require_chromium() -> None:
    """Skip a browser test where Chromium is missing on a developer's machine; in CI (CI=true) fail instead."""
    import os
    import shutil

    import pytest

    if shutil.which(CHROMIUM) is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing: .ci/run must install Debian's chromium")
        pytest.skip("Debian's chromium is not installed")


@contextmanager
def served_world(make: Callable[[], Any], remove: Callable[[Any], None]) -> Iterator[tuple[int, Any]]:
    """Commit what the pages need (`make`, on a connection of its own), serve the platform, and remove it
    again (`remove(made)`) however the test ends. Yields (port, made). Call inside django_db_blocker.unblock()."""
    made = in_own_connection(make)
    with live_server_thread() as port:
        try:
            yield port, made
        finally:
            in_own_connection(lambda: remove(made))
