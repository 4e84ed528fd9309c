"""A real browser signs a studio up on the public site and lands on the new studio's dashboard.

pytest-django's live_server would flush the database (wiping the session studios) and cannot
route subdomains, so this runs Django's own live-server thread (its own connections, committing
for real), lets Chromium resolve `<slug>.localhost` to it, checks the result over HTTP and, in a
thread of its own (outside this test's transaction), removes the studio it made.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.db import connection
from django.test.testcases import LiveServerThread
from playwright.sync_api import sync_playwright

from core.models import AuditEvent
from tenants import schema_pool
from tenants.models import Studio
from tests.browser.live import CHROMIUM, CHROMIUM_ARGS, browser_context
from tests.concurrency import in_own_connection
from tests.factories.tenants import STRONG_PASSWORD
from tests.needs import needs
from tests.tenants.helpers import snapshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db,  # for the test database; this thread itself never queries it
    needs("chromium"),
]


@dataclass
class LivePlatform:
    port: int
    slug: str

    @property
    def public_url(self) -> str:
        return f"http://localhost:{self.port}"

    @property
    def studio_url(self) -> str:
        return f"http://{self.slug}.localhost:{self.port}"


def studio_remove(slug: str) -> None:
    """Drop what a committed sign-up created: schema, studio, domain, hand-off and platform audit rows."""
    connection.set_schema_to_public()
    studio = Studio.objects.filter(slug=slug).first()
    if studio is not None:
        schema_pool.schema_drop(studio.schema_name)
        AuditEvent.objects.filter(target_type=Studio._meta.label_lower, target_id=str(studio.pk)).delete()
        studio.delete()  # domains and hand-off tokens go with it


def platform_state() -> dict[str, object]:
    return {**snapshot(), "audit": AuditEvent.objects.count()}


@pytest.fixture
def live_platform(django_db_blocker) -> Iterator[LivePlatform]:
    slug = f"browser-barbell-{uuid.uuid4().hex[:6]}"
    with django_db_blocker.unblock():
        before = in_own_connection(platform_state)
        server = LiveServerThread("127.0.0.1", StaticFilesHandler, port=0)
        server.daemon = True
        server.start()
        server.is_ready.wait()
        if server.error:
            raise server.error
        try:
            yield LivePlatform(port=server.port, slug=slug)
        finally:
            server.terminate()
            in_own_connection(lambda: studio_remove(slug))
            assert in_own_connection(platform_state) == before, "the browser test left something behind"


def test_owner_signs_up_in_a_browser_and_lands_on_their_studio_dashboard(live_platform):
    suffix = live_platform.slug.rsplit("-", 1)[1]
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser_context(browser, timezone_id="Europe/Paris").new_page()
            page.set_default_timeout(20_000)
            # given the sign-up page on the public site
            page.goto(f"{live_platform.public_url}/signup/")
            # then the time zone defaults to the browser's own
            assert page.input_value("#id_timezone") == "Europe/Paris"
            # when the owner types the studio's name, the address is suggested and checked as they type
            page.fill("#id_name", f"Browser Barbell {suffix}")
            assert page.input_value("#id_slug") == live_platform.slug
            page.wait_for_selector("#slug-status.ok")
            assert "is available" in page.inner_text("#slug-status")
            # and a taken address is flagged before submitting
            page.fill("#id_slug", "alpha")
            page.wait_for_selector("#slug-status.taken")
            assert "already taken" in page.inner_text("#slug-status")
            page.fill("#id_slug", live_platform.slug)
            page.wait_for_selector("#slug-status.ok")
            # when they fill in the rest and submit
            page.fill("#id_first_name", "Bea")
            page.fill("#id_last_name", "Barbell")
            page.fill("#id_email", "bea@barbell.test")
            page.fill("#id_password", STRONG_PASSWORD)
            page.select_option("#id_currency", "EUR")
            page.click("button[type=submit]")
            # then they land, signed in, on the dashboard at the studio's own address
            page.wait_for_url(f"{live_platform.studio_url}/dashboard/")
            assert "Hello, Bea" in page.inner_text("h1")
            assert page.is_visible("text=Get your studio ready")
            assert page.get_attribute('[data-item="branding"]', "data-done") == "false"
            # and the public site holds no session for them (the hand-off did not share a cookie)
            cookies = page.context.cookies()
            assert {cookie["domain"] for cookie in cookies if cookie["name"] == "sessionid"} == {
                f"{live_platform.slug}.localhost"
            }
            # and the studio has the owner's choices, and its API (called from the page) knows them as its owner
            get_json = "async (path) => (await fetch(path)).json()"
            facts = page.evaluate(get_json, "/api/v1/studio")
            assert (facts["timezone"], facts["currency"]) == ("Europe/Paris", "EUR")
            me = page.evaluate(get_json, "/api/v1/auth/me")
            assert (me["email"], me["role"]) == ("bea@barbell.test", "owner")
        finally:
            browser.close()
