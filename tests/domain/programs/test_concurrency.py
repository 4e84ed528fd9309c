"""Two workouts of the same week logged at the same moment advance the week exactly once.

Without the lock on the program row, each transaction would see the other's workout as still to do
and neither would advance: the week would be lost. Runs on committed rows in threads (own connections)
and removes what it made.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from core.models import AuditEvent, Role, User
from domain.clients.models import ClientTrainer
from domain.programs.models import ClientProgram, ProgramTemplate
from domain.programs.progression import SetResult
from domain.programs.services import ExerciseResult, client_program_apply_results, template_assign, template_create
from tests.concurrency import in_own_connection, in_threads
from tests.factories.programs import template_data

pytestmark = pytest.mark.django_db

EMAILS = ("race-trainer@example.test", "race-client@example.test")


def _setup(schema: str) -> tuple[int, list[tuple[int, list[int]]]]:
    with schema_context(schema):
        trainer = User.objects.create_user(email=EMAILS[0], role=Role.TRAINER)
        client = User.objects.create_user(email=EMAILS[1], role=Role.CLIENT)
        ClientTrainer.objects.create(client=client, trainer=trainer, is_primary=True)  # the trainer's own client
        plan = template_create(actor=trainer, data=template_data(phases=((3, 2),)))
        program = template_assign(
            template_id=plan.pk, client_id=client.pk, actor=trainer, assignment_type="DYNAMIC_PROGRESSIVE"
        ).program
        week = program.sessions.filter(phase_position=1, week=1).order_by("workout_position")
        return program.pk, [(s.pk, list(s.exercises.values_list("pk", flat=True))) for s in week]


def _teardown(schema: str) -> None:
    with schema_context(schema):
        people = User.objects.filter(email__in=EMAILS)
        ClientProgram.objects.filter(client__in=people).delete()
        ProgramTemplate.objects.filter(created_by__in=people).delete()
        AuditEvent.objects.filter(actor_id__in=people.values("pk")).delete()
        people.delete()


def _position(schema: str, program_id: int) -> tuple[int, int, list[str]]:
    with schema_context(schema):
        program = ClientProgram.objects.get(pk=program_id)
        return (
            program.current_phase,
            program.current_week,
            sorted(program.sessions.filter(week=1).values_list("status", flat=True)),
        )


def _left_behind(schema: str) -> bool:
    with schema_context(schema):
        return User.objects.filter(email__in=EMAILS).exists()


@pytest.fixture
def race(studio, django_db_blocker) -> Iterator[tuple[str, int, list[tuple[int, list[int]]]]]:
    schema = studio.schema_name
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        program_id, sessions = in_own_connection(lambda: _setup(schema))
        try:
            yield schema, program_id, sessions
        finally:
            in_own_connection(lambda: _teardown(schema))
            assert not in_own_connection(lambda: _left_behind(schema))


def test_the_last_two_workouts_of_a_week_logged_together_advance_it_once(race):
    schema, program_id, sessions = race

    def log(session_id: int, items: list[int]):
        def work():
            with schema_context(schema):
                results = [ExerciseResult(session_exercise_id=i, sets=[SetResult(reps=6)] * 3) for i in items]
                return client_program_apply_results(
                    client_program_id=program_id, session_id=session_id, results=results
                )

        return work

    outcomes = in_threads([log(session_id, items) for session_id, items in sessions])
    assert not [o for o in outcomes if isinstance(o, BaseException)]
    assert sorted(o.weeks_advanced for o in outcomes) == [0, 1]
    assert in_own_connection(lambda: _position(schema, program_id)) == (1, 2, ["completed", "completed"])
