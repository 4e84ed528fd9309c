"""A trainer builds a program template in a real browser: add a phase, a workout and an exercise,
reorder, save; a bad value is shown on its field and saves nothing.

Like the sign-up browser test, this runs Django's own live-server thread against committed rows
(a trainer and a template in the session studio), then removes exactly what it created.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.db import connection
from django.test.testcases import LiveServerThread
from django_tenants.utils import schema_context
from playwright.sync_api import sync_playwright

from core.models import AuditEvent, Role, User
from domain.programs.models import ProgramTemplate
from tests.browser.live import CHROMIUM, CHROMIUM_ARGS, browser_context
from tests.concurrency import in_own_connection
from tests.factories.programs import template_data
from tests.needs import needs

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db,
    needs("chromium"),
]

EMAIL = "builder-trainer@browser.test"


@dataclass
class Setup:
    url: str
    template_id: int
    session_key: str


def _create(schema: str) -> tuple[int, str]:
    from domain.programs.services import template_create

    with schema_context(schema):
        trainer = User.objects.create_user(email=EMAIL, password=None, first_name="Bo", role=Role.TRAINER)
        template = template_create(actor=trainer, data=template_data(phases=((3, 1),), name="Browser base"))
        session = import_module(settings.SESSION_ENGINE).SessionStore()
        session[SESSION_KEY] = str(trainer.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = trainer.get_session_auth_hash()
        session.save()
        return template.pk, session.session_key


def _remove(schema: str, session_key: str) -> None:
    with schema_context(schema):
        trainer = User.objects.filter(email=EMAIL).first()
        if trainer is not None:
            ProgramTemplate.objects.filter(created_by=trainer).delete()
            AuditEvent.objects.filter(actor_id=trainer.pk).delete()
            trainer.delete()
        import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key).delete()


def _state(schema: str) -> tuple[int, int, int]:
    with schema_context(schema):
        return User.objects.count(), ProgramTemplate.objects.count(), AuditEvent.objects.count()


@pytest.fixture
def live(studio, django_db_blocker) -> Iterator[Setup]:
    schema = studio.schema_name
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        before = in_own_connection(lambda: _state(schema))
        template_id, session_key = in_own_connection(lambda: _create(schema))
        server = LiveServerThread("127.0.0.1", StaticFilesHandler, port=0)
        server.daemon = True
        server.start()
        server.is_ready.wait()
        try:
            if server.error:
                raise server.error
            yield Setup(
                url=f"http://{studio.slug}.localhost:{server.port}", template_id=template_id, session_key=session_key
            )
        finally:
            server.terminate()
            in_own_connection(lambda: _remove(schema, session_key))
            assert in_own_connection(lambda: _state(schema)) == before, "the browser test left something behind"


def _document(schema: str, template_id: int) -> list[tuple[str, int, list[tuple[str, list[str]]]]]:
    with schema_context(schema):
        template = ProgramTemplate.objects.get(pk=template_id)
        return [
            (
                phase.name,
                phase.weeks,
                [
                    (w.name, [e.exercise.name for e in w.exercises.select_related("exercise")])
                    for w in phase.workouts.all()
                ],
            )
            for phase in template.phases.all()
        ]


def test_a_trainer_builds_reorders_and_saves_a_template(live, studio):
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser_context(browser, viewport={"width": 420, "height": 900})  # a phone-sized screen
            context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": live.session_key, "url": live.url}])
            page = context.new_page()
            page.set_default_timeout(20_000)
            # given the builder of a one-phase template
            page.goto(f"{live.url}/templates/{live.template_id}/")
            page.wait_for_selector('[data-path="phases.0.name"]')
            # when the trainer adds a phase with a workout and an exercise
            page.click("text=Add phase")
            page.fill('[data-path="phases.1.name"]', "Peak")
            page.fill('[data-path="phases.1.weeks"]', "2")
            page.locator("section.phase").nth(1).locator("text=Add workout").click()
            page.fill('[data-path="phases.1.workouts.0.name"]', "Heavy press")
            page.locator("section.phase").nth(1).locator("text=Add exercise").click()
            page.fill('[data-path="phases.1.workouts.0.exercises.0.exercise_id"]', "Barbell bench press")
            page.fill('[data-path="phases.1.workouts.0.exercises.0.sets"]', "5")
            page.fill('[data-path="phases.1.workouts.0.exercises.0.reps_min"]', "3")
            page.fill('[data-path="phases.1.workouts.0.exercises.0.reps_max"]', "5")
            # and moves the new phase first
            page.locator("section.phase").nth(1).locator("button[title='Move up']").first.click()
            assert page.input_value('[data-path="phases.0.name"]') == "Peak"
            page.click("#builder-save")
            page.wait_for_selector("#builder-status.ok")
            # then the template is saved in that order
            saved = in_own_connection(lambda: _document(studio.schema_name, live.template_id))
            assert saved == [
                ("Peak", 2, [("Heavy press", ["Barbell bench press"])]),
                ("Phase 1", 3, [("Workout A", ["Barbell back squat"])]),
            ]
            # when a value is out of range, the field says so and nothing is saved
            page.fill('[data-path="phases.0.weeks"]', "0")
            page.click("#builder-save")
            page.wait_for_selector("#builder-status.error")
            assert "invalid" in (page.get_attribute('[data-path="phases.0.weeks"]', "class") or "")
            assert page.inner_text('[data-error="phases.0.weeks"]')
            assert in_own_connection(lambda: _document(studio.schema_name, live.template_id)) == saved
        finally:
            browser.close()
