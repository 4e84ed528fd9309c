"""The API docs page works offline: Swagger UI comes from our static files and lists the operations.

Every request the page makes to anywhere but the test server is aborted (no CDN reachable), and the page
must still render the operations of the document.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import sync_playwright

from tests.browser.live import CHROMIUM, CHROMIUM_ARGS, live_server_thread
from tests.conftest import STUDIO_SLUG
from tests.needs import needs

pytestmark = [pytest.mark.browser, pytest.mark.django_db, needs("chromium")]


def test_the_docs_page_lists_the_operations_without_internet():
    outside: list[str] = []
    with live_server_thread() as port, sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()

            def only_our_server(route, request) -> None:
                host = urlsplit(request.url).hostname or ""
                if host == "127.0.0.1" or host.endswith("localhost"):
                    route.continue_()
                else:
                    outside.append(request.url)
                    route.abort()

            page.route("**/*", only_our_server)
            page.goto(f"http://{STUDIO_SLUG}.localhost:{port}/api/v1/docs")
            page.wait_for_selector(".opblock", timeout=180_000)
            summaries = page.locator(".opblock-summary-path").all_inner_texts()
            assert len(summaries) > 50
            assert any("/api/v1/auth/login" in text.replace("\u200b", "") for text in summaries)
        finally:
            browser.close()
    assert outside == []
