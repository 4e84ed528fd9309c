"""The installable app and accessibility, in headless Chromium against one served studio (issue 18).

- The PWA: the manifest is valid and Chromium finds no installability error, the studio's service worker
  controls the client's pages, and today's page opens from the offline shell with the network gone.
- Accessibility: axe-core finds no serious or critical violation on the key pages of each role.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone
from playwright.sync_api import Browser, Page

from billing.payments.models import Package
from core.models import AuditEvent, User
from domain.programs.models import ProgramTemplate
from domain.programs.services import template_assign
from domain.scheduling.models import ClassType, GroupSession
from tenants.models import Studio
from tests.browser.live import browser_context, chromium, served_world
from tests.conftest import STUDIO_SLUG
from tests.factories.clients import assigned_client
from tests.factories.core import DEFAULT_PASSWORD, OwnerFactory, TrainerFactory
from tests.factories.payments import PackFactory
from tests.factories.programs import template
from tests.factories.scheduling import GroupSessionFactory
from tests.needs import needs

pytestmark = [pytest.mark.browser, pytest.mark.django_db, needs("chromium")]


@dataclass(frozen=True)
class World:
    port: int
    emails: dict[str, str]
    people: list[int]
    workout_id: int

    def url(self, path: str) -> str:
        return f"http://{STUDIO_SLUG}.localhost:{self.port}{path}"


def _on_studio() -> None:
    connection.set_tenant(Studio.objects.get(slug=STUDIO_SLUG))


def _make() -> dict[str, object]:
    _on_studio()
    suffix = uuid.uuid4().hex[:8]
    owner = OwnerFactory(email=f"owner-{suffix}@app.test", first_name="Olive")
    trainer = TrainerFactory(email=f"coach-{suffix}@app.test", first_name="Tess")
    client = assigned_client(trainer, email=f"member-{suffix}@app.test", first_name="Cleo")
    program = template_assign(
        template_id=template(actor=trainer, name=f"App {suffix}").pk,
        client_id=client.pk,
        actor=trainer,
        assignment_type="STATIC",
    ).program
    GroupSessionFactory(
        instructor=trainer,
        class_type__name=f"Yoga {suffix}",
        starts_at=timezone.now() + timedelta(days=2),
        ends_at=timezone.now() + timedelta(days=2, minutes=45),
    )
    PackFactory(name=f"Pack {suffix}", currency=connection.tenant.currency)
    return {
        "emails": {"owner": owner.email, "trainer": trainer.email, "client": client.email},
        "people": [owner.pk, trainer.pk, client.pk],
        "workout_id": program.sessions.order_by("scheduled_on").first().pk,
    }


def _remove(made: dict[str, object]) -> None:
    _on_studio()
    people = {str(pk) for pk in made["people"]}  # type: ignore[attr-defined]
    suffix = made["emails"]["owner"].split("-")[1].split("@")[0]  # type: ignore[index]
    AuditEvent.objects.filter(actor_id__in=made["people"]).delete()
    for session in Session.objects.all():
        if session.get_decoded().get(SESSION_KEY) in people:
            session.delete()
    GroupSession.objects.filter(class_type__name=f"Yoga {suffix}").delete()  # protects its type and instructor
    ClassType.objects.filter(name=f"Yoga {suffix}").delete()
    Package.objects.filter(name=f"Pack {suffix}").delete()
    ProgramTemplate.objects.filter(name=f"App {suffix}").delete()
    User.objects.filter(pk__in=made["people"]).delete()


@pytest.fixture(scope="module")
def world(django_db_blocker) -> Iterator[World]:
    with django_db_blocker.unblock(), served_world(_make, _remove) as (port, made):
        yield World(port=port, **made)  # type: ignore[arg-type]


@pytest.fixture
def browser(db: None) -> Iterator[Browser]:
    with chromium() as started:
        yield started


def _signed_in(browser: Browser, world: World, role: str, **options) -> tuple[Page, list[str]]:
    context = browser_context(browser, timezone_id="Europe/London", **options)
    page = context.new_page()
    page.set_default_timeout(20_000)
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(world.url("/accounts/login/"))
    page.fill("#id_login", world.emails[role])
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/dashboard/")
    return page, errors


def test_the_client_installs_the_app_and_today_opens_offline(world, browser):
    page, errors = _signed_in(browser, world, "client", viewport={"width": 390, "height": 844}, is_mobile=True)
    # the dashboard tells them how to install it, on iPhone and on Android
    guidance = page.locator("[data-install-app]")
    assert "Add to Home Screen" in guidance.inner_text()
    assert "Install app" in guidance.inner_text()
    # the manifest is what Chromium wants for an installable app
    cdp = page.context.new_cdp_session(page)
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["errors"] == []
    data = page.evaluate("() => fetch('/manifest.webmanifest').then((r) => r.json())")
    assert data["display"] == "standalone"
    assert data["start_url"] == "/"
    assert data["name"]
    assert data["short_name"]
    assert {icon["sizes"] for icon in data["icons"]} >= {"192x192", "512x512"}
    # the studio's worker takes control of the client's pages
    page.goto(world.url("/me/today/"))
    scope = page.evaluate("() => navigator.serviceWorker.ready.then((r) => r.scope)")
    assert scope == world.url("/")
    page.reload()
    assert page.evaluate("() => navigator.serviceWorker.controller && navigator.serviceWorker.controller.scriptURL")
    installability = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    # Playwright's contexts are incognito, where Chromium never installs: that one is the test's, not the app's
    assert [error["errorId"] for error in installability if error["errorId"] != "in-incognito"] == []
    heading = page.locator("main h1").inner_text()
    assert not errors, errors
    # with the network gone, today's page still opens, from the offline shell
    page.context.set_offline(True)
    page.reload()
    assert page.locator("main h1").inner_text() == heading
    page.context.set_offline(False)
    page.context.close()


PAGES = {
    "client": [
        "/dashboard/",
        "/me/today/",
        "/me/workouts/{workout_id}/log/",
        "/schedule/classes/",
        "/me/progress/",
        "/shop/",
    ],
    "trainer": ["/dashboard/", "/clients/", "/schedule/"],
    "owner": ["/dashboard/", "/people/", "/analytics/"],
}


def _serious(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{page.url}: {violation['id']} ({violation['impact']}): "
        + "; ".join(node["target"][0] for node in violation["nodes"][:3])
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


def test_the_key_pages_have_no_serious_accessibility_violations(world, browser):
    context = browser_context(browser)
    page = context.new_page()
    page.goto(world.url("/accounts/login/"))
    found = _serious(page)
    context.close()
    for role, paths in PAGES.items():
        page, _errors = _signed_in(browser, world, role)
        found += _serious(page)  # the dashboard, as each role lands on it
        for path in paths[1:]:
            page.goto(world.url(path.format(workout_id=world.workout_id)))
            found += _serious(page)
        page.context.close()
    assert not found, "\n".join(found)
