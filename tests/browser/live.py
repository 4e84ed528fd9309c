"""A real server for browser tests: Django's live-server thread on a free port, with its own connections.

pytest-django's `live_server` would flush the database (wiping the session studios), so browser tests
run this instead and commit (then remove) the rows they need themselves.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.test.testcases import LiveServerThread
from playwright.sync_api import Browser, BrowserContext

from tests.needs import CHROMIUM as CHROMIUM  # one path for the launch and the `needs("chromium")` check

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


def browser_context(browser: Browser, **options: Any) -> BrowserContext:
    """A new browser context (`options` as for `Browser.new_context`) whose pages read the tests' pinned
    clock (tests/clock.py), ticking on from it, as the server does: times a page sends agree with it."""
    context = browser.new_context(**options)
    context.clock.install(time=datetime.now(UTC))
    return context
