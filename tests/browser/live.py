"""A real server for browser tests: Django's live-server thread on a free port, with its own connections.

pytest-django's `live_server` would flush the database (wiping the session studios), so browser tests
run this instead and commit (then remove) the rows they need themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import time_machine
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.test.testcases import LiveServerThread
from playwright.sync_api import Browser, BrowserContext

from tests.concurrency import in_own_connection
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


SHIFTED_DATE = """
(() => {
  const shift = %d;  // ms from the machine's clock to the tests' pinned one
  const RealDate = Date;
  class PinnedDate extends RealDate {
    constructor(...args) { if (args.length === 0) { super(RealDate.now() + shift); } else { super(...args); } }
    static now() { return RealDate.now() + shift; }
  }
  globalThis.Date = PinnedDate;
})();
"""


@contextmanager
def chromium() -> Iterator[Browser]:
    """Debian's headless Chromium through Playwright, closed on the way out. Start it after the test's
    database setup (inside the test, or in a fixture that takes `db`): Playwright's loop makes the thread
    async, and Django then refuses database work in it."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def browser_context(browser: Browser, **options: Any) -> BrowserContext:
    """A new browser context (`options` as for `Browser.new_context`) whose pages read the tests' pinned
    clock (tests/clock.py) through `Date`, ticking on, as the server does: times a page sends agree with it.

    Only `Date` moves (timers run in real time: Playwright's `clock.install` fakes them too, which stalls
    pages that wait on them)."""
    context = browser.new_context(**options)
    shift = datetime.now(UTC).timestamp() - time_machine.escape_hatch.time.time()
    context.add_init_script(SHIFTED_DATE % round(shift * 1000))
    return context


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


# Records every Content Security Policy violation of the page (the event fires for blocked inline
# scripts, styles, handlers and sources alike); added before any page script runs.
_CSP_WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"} ` +
    `at ${event.sourceFile || location.href}:${event.lineNumber}`);
});
"""


class CspWatch:
    """Collects the CSP violations of every page of a Playwright browser context, with the console's word.

    `watch = CspWatch(context)` before opening pages; `watch.problems(page)` lists what was blocked on
    that page since the last call (violation events plus "Content Security Policy" console messages).
    """

    def __init__(self, context) -> None:
        self.console: list[str] = []
        context.add_init_script(_CSP_WATCH)
        context.on("console", self._on_console)

    def _on_console(self, message) -> None:
        if "Content Security Policy" in message.text:
            self.console.append(message.text)

    def problems(self, page) -> list[str]:
        seen = page.evaluate("() => window.__cspViolations.splice(0)") + self.console
        self.console = []
        return seen
