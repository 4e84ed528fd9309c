"""A client logs a workout on a phone-sized headless Chromium while the connection drops and comes back.

The data the page needs (a trainer, a client with a program starting today) is committed in a
connection of its own and removed afterwards; the server runs in its own thread (tests/browser/live.py).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import connection
from playwright.sync_api import sync_playwright

from core.models import AuditEvent, User
from domain.programs.models import ClientProgram, ProgramTemplate
from domain.workouts.models import LoggedSet, WorkoutCompletion
from tenants.models import Studio
from tests.browser.live import CHROMIUM, CHROMIUM_ARGS, browser_context, served_world
from tests.concurrency import in_own_connection
from tests.conftest import STUDIO_SLUG
from tests.factories.clients import assigned_client
from tests.factories.core import DEFAULT_PASSWORD, TrainerFactory
from tests.factories.workouts import assign_program, first_session
from tests.needs import needs

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db,  # for the test database; the rows this test needs are committed by the fixture
    needs("chromium"),
]


@dataclass(frozen=True)
class World:
    port: int
    client_id: int
    trainer_id: int
    email: str
    session_id: int
    template_id: int
    squat_id: int
    bench_id: int

    @property
    def url(self) -> str:
        return f"http://{STUDIO_SLUG}.localhost:{self.port}"


def _on_studio() -> None:
    connection.set_tenant(Studio.objects.get(slug=STUDIO_SLUG))


def _make(suffix: str) -> dict[str, int | str]:
    _on_studio()
    trainer = TrainerFactory(email=f"coach-{suffix}@browser.test")
    client = assigned_client(trainer, email=f"lifter-{suffix}@browser.test", first_name="Lou")
    program = assign_program(client=client, actor=trainer)  # starts today: the first workout is today's
    session = first_session(program)
    squat, bench = session.exercises.order_by("position")
    return {
        "client_id": client.pk,
        "trainer_id": trainer.pk,
        "email": client.email,
        "session_id": session.pk,
        "template_id": program.template_id,
        "squat_id": squat.pk,
        "bench_id": bench.pk,
    }


def _remove(world: World) -> None:
    _on_studio()
    people = [world.client_id, world.trainer_id]
    WorkoutCompletion.objects.filter(client_id=world.client_id).delete()  # exercises, sets, records with it
    ClientProgram.objects.filter(client_id=world.client_id).delete()  # sessions, slots, rules, events
    ProgramTemplate.objects.filter(pk=world.template_id).delete()
    AuditEvent.objects.filter(actor_id__in=people).delete()
    for session in Session.objects.all():
        if session.get_decoded().get(SESSION_KEY) in {str(pk) for pk in people}:
            session.delete()
    User.objects.filter(pk__in=people).delete()


def _logged(world: World) -> list[tuple[int, list[tuple[str, int | None, bool]]]]:
    """(completion id, [(exercise, reps, completed)]) of each completion of the workout, read from the database."""
    _on_studio()
    result = []
    for completion in WorkoutCompletion.objects.filter(session_id=world.session_id):
        sets = LoggedSet.objects.filter(exercise_completion__completion=completion).order_by(
            "exercise_completion__position", "set_number"
        )
        result.append((completion.pk, [(s.exercise.slug, s.reps, s.completed) for s in sets]))
    return result


@pytest.fixture
def world(django_db_blocker) -> Iterator[World]:
    suffix = uuid.uuid4().hex[:8]
    with django_db_blocker.unblock():
        with served_world(lambda: _make(suffix), lambda made: _remove(World(port=0, **made))) as (port, made):
            yield World(port=port, **made)
        assert not in_own_connection(lambda: User.objects.filter(email__endswith=f"{suffix}@browser.test").exists())


def test_a_client_logs_a_workout_offline_and_it_arrives_once_when_back_online(world):
    outbox = f"fitwell.outbox.v1.{world.client_id}"
    queued = f"() => JSON.parse(localStorage.getItem('{outbox}') || '[]')"
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser_context(
                browser,
                viewport={"width": 390, "height": 844},
                is_mobile=True,
                has_touch=True,
                timezone_id="Europe/London",
            )
            page = context.new_page()
            page.set_default_timeout(20_000)
            # given the client signs in and opens today's workout on their phone
            page.goto(f"{world.url}/accounts/login/?next=/me/workouts/{world.session_id}/log/")
            page.fill("#id_login", world.email)
            page.fill("#id_password", DEFAULT_PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(f"**/me/workouts/{world.session_id}/log/")
            page.wait_for_selector(".set-row")
            assert page.locator(".set-row").count() == 6  # squat 3 x 5, bench 3 x 8-10
            # and the page's service worker takes over (the next visit of the page is kept for offline use)
            page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
            page.reload()
            page.wait_for_function("() => navigator.serviceWorker.controller !== null")
            # when the gym's connection drops
            context.set_offline(True)
            page.wait_for_selector("#net.offline")
            # and they tick every set, doing 9 reps instead of 10 on the first bench set
            first_bench = f'[data-exercise="{world.bench_id}"] [data-set="1"] input[name="reps"]'
            page.fill(first_bench, "9")
            for index in range(6):
                page.locator(".tick").nth(index).click()
            assert page.locator(".set-row.done").count() == 6
            # then the page opens again without a connection, with every set as they left it
            page.reload()
            page.wait_for_selector(".set-row")
            assert page.locator(".set-row.done").count() == 6
            assert page.input_value(first_bench) == "9"
            # when they finish while still offline
            page.click("#finish")
            page.wait_for_selector("#notice.warn")
            assert "Saved on this phone" in page.inner_text("#notice")
            # then the log waits on the phone and nothing has reached the studio yet
            assert len(page.evaluate(queued)) == 1
            assert in_own_connection(lambda: _logged(world)) == []
            waiting = page.evaluate(queued)
            # when the connection comes back, the log is sent by itself
            context.set_offline(False)
            page.wait_for_selector("#result:not([hidden])")
            assert "Workout logged" in page.inner_text("#result")
            assert "Barbell back squat" in page.inner_text("#result")  # first records
            page.wait_for_function(f"() => ({queued})().length === 0")
            # and when the same log is sent again (a retry after an answer lost on the way back)
            resend = (
                "([key, items]) => { localStorage.setItem(key, JSON.stringify(items)); return fitwellLogger.flush(); }"
            )
            page.evaluate(resend, [outbox, waiting])
            page.wait_for_function(f"() => ({queued})().length === 0")
        finally:
            browser.close()
    # then the studio has the workout exactly once, with every set as typed
    (completion,) = in_own_connection(lambda: _logged(world))
    _id, sets = completion
    assert sets == [
        ("barbell-back-squat", 5, True),
        ("barbell-back-squat", 5, True),
        ("barbell-back-squat", 5, True),
        ("barbell-bench-press", 9, True),
        ("barbell-bench-press", 10, True),
        ("barbell-bench-press", 10, True),
    ]
