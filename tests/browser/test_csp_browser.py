"""The key pages load in a real browser with the Content Security Policy enforced, without one violation.

Chromium enforces the header the server sends (django-csp); every page is opened as the person who uses
it (public visitor, owner, trainer, client) and fails on any blocked script, style, handler or source,
reported either as a `securitypolicyviolation` event or on the console. The rows the pages show are
committed in a connection of their own and removed afterwards (tests/browser/live.py).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import connection

from core.models import AuditEvent, User
from core.studio_time import studio_today
from domain.programs.models import ClientProgram, ProgramTemplate
from domain.progress.models import ProgressEntry
from domain.progress.services import ProgressEntryData, ValueData, progress_entry_record
from domain.scheduling.models import AppointmentType, TrainerAvailability
from tenants.models import Studio
from tests.browser.live import CspWatch, chromium, live_server_thread, served_world
from tests.concurrency import in_own_connection
from tests.conftest import STUDIO_SLUG
from tests.factories.clients import assigned_client
from tests.factories.core import DEFAULT_PASSWORD, OwnerFactory, TrainerFactory
from tests.factories.scheduling import AppointmentTypeFactory, AvailabilityFactory
from tests.factories.workouts import assign_program, first_session
from tests.needs import needs

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db,  # for the test database; the rows the pages need are committed by the fixture
    needs("chromium"),
]


@dataclass(frozen=True)
class World:
    port: int
    owner: str
    trainer: str
    client: str
    trainer_id: int
    client_id: int
    session_id: int
    template_id: int

    @property
    def studio(self) -> str:
        return f"http://{STUDIO_SLUG}.localhost:{self.port}"

    @property
    def public(self) -> str:
        return f"http://localhost:{self.port}"


def _on_studio() -> None:
    connection.set_tenant(Studio.objects.get(slug=STUDIO_SLUG))


def _make(suffix: str) -> dict[str, int | str]:
    _on_studio()
    owner = OwnerFactory(email=f"owner-{suffix}@csp.test")
    trainer = TrainerFactory(email=f"coach-{suffix}@csp.test")
    client = assigned_client(trainer, email=f"client-{suffix}@csp.test", first_name="Cleo")
    program = assign_program(client=client, actor=trainer)
    for weekday in range(7):  # bookable every day, so the booking page always lists slots
        AvailabilityFactory(trainer=trainer, weekday=weekday, start_time=time(7), end_time=time(21))
    AppointmentTypeFactory(trainer=trainer, name="Strength session")
    today = studio_today()
    for days_ago, weight in ((14, "81.5"), (7, "80.9"), (0, "80.2")):  # a line chart with its area
        progress_entry_record(
            actor=trainer,
            client_id=client.pk,
            data=ProgressEntryData(
                recorded_on=today - timedelta(days=days_ago),
                measurements=[ValueData(type="body_weight", value=Decimal(weight))],
            ),
        )
    return {
        "owner": owner.email,
        "trainer": trainer.email,
        "client": client.email,
        "trainer_id": trainer.pk,
        "client_id": client.pk,
        "session_id": first_session(program).pk,
        "template_id": program.template_id,
    }


def _remove(world: World) -> None:
    _on_studio()
    people = list(
        User.objects.filter(email__in=[world.owner, world.trainer, world.client]).values_list("pk", flat=True)
    )
    ProgressEntry.objects.filter(client_id=world.client_id).delete()
    ClientProgram.objects.filter(client_id=world.client_id).delete()
    ProgramTemplate.objects.filter(pk=world.template_id).delete()
    TrainerAvailability.objects.filter(trainer_id=world.trainer_id).delete()
    AppointmentType.objects.filter(trainer_id=world.trainer_id).delete()
    AuditEvent.objects.filter(actor_id__in=people).delete()
    for session in Session.objects.all():
        if session.get_decoded().get(SESSION_KEY) in {str(pk) for pk in people}:
            session.delete()
    User.objects.filter(pk__in=people).delete()


@pytest.fixture
def browser(db: None) -> Iterator[object]:
    """Started after the test's database setup: Playwright's loop makes Django refuse database work meanwhile."""
    with chromium() as browser:
        yield browser


@pytest.fixture
def world(django_db_blocker) -> Iterator[World]:
    suffix = uuid.uuid4().hex[:8]
    with (
        django_db_blocker.unblock(),
        served_world(lambda: _make(suffix), lambda made: _remove(World(port=0, **made))) as (port, made),
    ):
        yield World(port=port, **made)  # type: ignore[arg-type]
    with django_db_blocker.unblock():
        assert not in_own_connection(lambda: User.objects.filter(email__endswith=f"{suffix}@csp.test").exists())


def _pages(world: World) -> dict[str | None, list[str]]:
    """Who opens which pages (None: nobody signed in)."""
    client, trainer = world.client_id, world.trainer_id
    return {
        None: [
            f"{world.public}/",
            f"{world.public}/signup/",
            f"{world.public}/accounts/login/",
            f"{world.studio}/accounts/login/",
            f"{world.studio}/accounts/signup/",
            f"{world.studio}/api/v1/docs",
        ],
        world.owner: [
            f"{world.studio}/dashboard/",
            f"{world.studio}/people/",
            f"{world.studio}/clients/",
            f"{world.studio}/clients/{client}/",
            f"{world.studio}/clients/{client}/progress/",
            f"{world.studio}/schedule/",
            f"{world.studio}/schedule/week/",
            f"{world.studio}/settings/branding/",
            f"{world.studio}/billing/",
            f"{world.studio}/settings/billing/",
            f"{world.studio}/sales/",
            f"{world.studio}/library/",
            f"{world.studio}/templates/",
            f"{world.studio}/clients/{client}/nutrition/",
            f"{world.studio}/clients/{client}/videos/",
        ],
        world.trainer: [
            f"{world.studio}/dashboard/",
            f"{world.studio}/schedule/availability/",
            f"{world.studio}/templates/{world.template_id}/",
            f"{world.studio}/clients/{client}/progress/",
            f"{world.studio}/videos/review/",
        ],
        world.client: [
            f"{world.studio}/dashboard/",
            f"{world.studio}/me/workouts/{world.session_id}/log/",
            f"{world.studio}/me/progress/",
            f"{world.studio}/me/program/",
            f"{world.studio}/schedule/book/?trainer={trainer}",
            f"{world.studio}/schedule/bookings/",
            f"{world.studio}/me/today/",
            f"{world.studio}/me/nutrition/",
            f"{world.studio}/me/videos/",
            f"{world.studio}/shop/",
            f"{world.studio}/wallet/",
        ],
    }


def _sign_in(page, world: World, email: str) -> None:
    page.goto(f"{world.studio}/accounts/login/")
    page.fill("#id_login", email)
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/dashboard/")


def test_the_key_pages_load_under_the_enforced_policy_without_a_violation(world, browser):
    problems: dict[str, list[str]] = {}
    for person, urls in _pages(world).items():
        context = browser.new_context()
        watch = CspWatch(context)
        page = context.new_page()
        page.set_default_timeout(20_000)
        errors: list[str] = []
        page.on("pageerror", lambda error, errors=errors: errors.append(str(error)))
        if person:
            _sign_in(page, world, person)
            watch.problems(page)  # the sign-in page itself is checked with the anonymous pages
        for url in urls:
            # given the page as the server sends it, with the policy enforced (not report-only)
            response = page.goto(url)
            assert response is not None
            assert response.status == 200, (url, response.status)
            policy = response.headers.get("content-security-policy", "")
            assert "script-src 'self'" in policy, (url, policy)
            assert "unsafe-inline" not in policy, (url, policy)
            assert "unsafe-eval" not in policy, (url, policy)
            assert "content-security-policy-report-only" not in response.headers
            if url.endswith("/api/v1/docs"):
                # and the API docs render their operations from our own static files
                page.wait_for_selector(".opblock", timeout=60_000)  # the document is built on first use
                assert page.locator(".opblock").count() > 10
            # then nothing on it was blocked and no script failed
            found = watch.problems(page) + errors
            errors.clear()
            if found:
                problems[f"{person or 'visitor'} {url}"] = found
        context.close()
    assert problems == {}


def test_the_watch_reports_an_inline_handler_the_policy_blocks(django_db_blocker, browser):
    """The check above can fail: an inline handler added to a served page is blocked and reported."""
    with django_db_blocker.unblock(), live_server_thread() as port:
        context = browser.new_context()
        watch = CspWatch(context)
        page = context.new_page()
        page.goto(f"http://{STUDIO_SLUG}.localhost:{port}/accounts/login/")
        assert watch.problems(page) == []
        # when a page grows an inline handler and an inline style (what the templates must never do)
        page.evaluate(
            """() => { const b = document.createElement("button"); b.setAttribute("onclick", "window.ran = 1");
               document.body.append(b); b.click();
               const s = document.createElement("style"); s.textContent = "body{color:red}";
               document.head.append(s); }"""
        )
        page.wait_for_function("() => window.__cspViolations.length >= 2")
        # then neither ran and both were reported
        assert page.evaluate("() => window.ran") is None
        found = watch.problems(page)
        assert any("script-src" in item for item in found), found
        assert any("style-src" in item for item in found), found
        context.close()


def test_the_behaviours_that_replaced_inline_handlers_still_work(world, browser):
    context = browser.new_context()
    watch = CspWatch(context)
    page = context.new_page()
    page.set_default_timeout(20_000)
    _sign_in(page, world, world.owner)
    page.goto(f"{world.studio}/clients/{world.client_id}/")
    # when the owner cancels the archive question, nothing is sent
    questions: list[str] = []

    def answer(dialog) -> None:
        questions.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", answer)
    page.click("text=Archive client")
    page.wait_for_timeout(300)
    assert questions == ["Archive this client? The owner can restore them."]
    assert page.url.endswith(f"/clients/{world.client_id}/")
    # when they pick a template to assign, the form goes to that template's assign page for this client
    page.click("form[data-action-from] button[type=submit]")
    page.wait_for_url(re.compile(rf"/templates/\d+/assign/\?.*client={world.client_id}"))
    assert watch.problems(page) == []
    context.close()
    # and a client choosing a trainer on the booking page sees that trainer's sessions at once
    context = browser.new_context()
    watch = CspWatch(context)
    page = context.new_page()
    page.set_default_timeout(20_000)
    _sign_in(page, world, world.client)
    page.goto(f"{world.studio}/schedule/book/")
    page.select_option("select[name=trainer]", str(world.trainer_id))
    page.wait_for_url(f"**/schedule/book/?trainer={world.trainer_id}*")
    assert watch.problems(page) == []
    context.close()
