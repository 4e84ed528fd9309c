"""Logging a workout through the service: all-or-nothing, idempotent, records on save, the program moves."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

import pytest

from core.exceptions import ConflictError, NotFoundError, ValidationError
from core.models import AuditEvent
from core.studio_time import studio_today
from domain.programs.models import SessionStatus
from domain.workouts.models import LoggedSet, RecordKind, WorkoutCompletion
from domain.workouts.services import ExerciseLogData, SetData, workout_complete
from tests.factories.core import ClientFactory, TrainerFactory
from tests.factories.workouts import exercise, first_session, log_adhoc, log_for, rows_written

pytestmark = pytest.mark.date_sensitive  # make test-instants runs it at each fixed instant


def test_a_client_logs_a_scheduled_workout_with_every_set(client_user, dynamic_program):
    # given the first workout: squat 3 x 5 at 100 kg, bench 3 x 8-10 at 60 kg
    session = first_session(dynamic_program)
    # when the client logs it as prescribed (top of the range)
    logged = workout_complete(actor=client_user, session_id=session.pk, data=log_for(session, duration_minutes=50))
    # then one completion holds both exercises and all six sets, with its volume
    completion = logged.completion
    assert logged.created
    assert (completion.client, completion.session, completion.name) == (client_user, session, session.name)
    assert completion.sets_completed == 6
    assert completion.volume_kg == 3 * 5 * 100 + 3 * 10 * 60
    assert [e.exercise.slug for e in completion.exercises.order_by("position")] == [
        "barbell-back-squat",
        "barbell-bench-press",
    ]
    # and the estimated 1RM of each set is stored (Brzycki: 100 x 36/32 = 112.50)
    assert set(LoggedSet.objects.filter(exercise__slug="barbell-back-squat").values_list("e1rm_kg", flat=True)) == {
        Decimal("112.50")
    }
    # and the session is completed
    session.refresh_from_db()
    assert session.status == SessionStatus.COMPLETED


def test_resubmitting_the_same_log_returns_the_same_completion(client_user, dynamic_program):
    # given a workout already logged with a key
    session = first_session(dynamic_program)
    data = log_for(session)
    first = workout_complete(actor=client_user, session_id=session.pk, data=data)
    before = rows_written()
    # when the same log arrives again (the phone never saw the answer)
    again = workout_complete(actor=client_user, session_id=session.pk, data=data)
    # then it is the same completion and nothing new was written
    assert not again.created
    assert again.completion.pk == first.completion.pk
    assert rows_written() == before


def test_a_second_log_of_the_same_session_with_another_key_is_refused(client_user, dynamic_program):
    session = first_session(dynamic_program)
    workout_complete(actor=client_user, session_id=session.pk, data=log_for(session))
    before = rows_written()
    with pytest.raises(ConflictError) as caught:
        workout_complete(actor=client_user, session_id=session.pk, data=log_for(session))
    assert caught.value.code == "workout_already_logged"
    assert rows_written() == before


def test_a_key_reused_for_another_workout_is_refused(client_user, dynamic_program):
    sessions = list(dynamic_program.sessions.order_by("scheduled_on"))
    data = log_for(sessions[0])
    workout_complete(actor=client_user, session_id=sessions[0].pk, data=data)
    with pytest.raises(ConflictError) as caught:
        workout_complete(
            actor=client_user,
            session_id=sessions[1].pk,
            data=replace(log_for(sessions[1]), idempotency_key=data.idempotency_key),
        )
    assert caught.value.code == "idempotency_key_reused"
    sessions[1].refresh_from_db()
    assert sessions[1].status == SessionStatus.SCHEDULED


def test_an_invalid_log_writes_nothing_and_names_every_problem(client_user, dynamic_program):
    # given a log with a bad set deep inside, an exercise from another workout and a future finish
    session = first_session(dynamic_program)
    good = log_for(session)
    broken = replace(
        good,
        exercises=[
            replace(good.exercises[0], sets=[SetData(reps=5, load=Decimal(100)), SetData(reps=5, rpe=Decimal("7.3"))]),
            ExerciseLogData(session_exercise_id=999_999, sets=[SetData(reps=5)]),
            ExerciseLogData(exercise_id=exercise("pull-up").pk, sets=[SetData(completed=True)]),
        ],
        perceived_effort=11,
    )
    before = rows_written()
    # when it is submitted
    with pytest.raises(ValidationError) as caught:
        workout_complete(actor=client_user, session_id=session.pk, data=broken)
    # then every problem is named by its path and nothing was written
    assert set(caught.value.extra["fields"]) == {
        "exercises.0.sets.1.rpe",
        "exercises.1.session_exercise_id",
        "exercises.2.sets.0.reps",
        "perceived_effort",
    }
    assert rows_written() == before
    session.refresh_from_db()
    assert session.status == SessionStatus.SCHEDULED


def test_loads_typed_in_pounds_are_stored_in_kilograms(client_user, dynamic_program):
    session = first_session(dynamic_program)
    data = replace(log_for(session, load=Decimal("225")), load_unit="lb")
    workout_complete(actor=client_user, session_id=session.pk, data=data)
    # 225 lb x 0.45359237 = 102.058... kg
    assert set(LoggedSet.objects.values_list("load_kg", flat=True)) == {Decimal("102.06")}


def test_a_trainer_logs_on_behalf_of_their_client_and_it_is_audited(client_user, trainer, dynamic_program):
    session = first_session(dynamic_program)
    logged = workout_complete(actor=trainer, session_id=session.pk, data=log_for(session))
    assert (logged.completion.client, logged.completion.logged_by) == (client_user, trainer)
    event = AuditEvent.objects.get(action="workout.log")
    assert (event.actor, event.metadata["on_behalf"]) == (trainer, True)


@pytest.mark.parametrize("who", ["another client", "another trainer"])
def test_people_who_cannot_see_the_client_cannot_log_their_workout(tenant, dynamic_program, who):
    stranger = ClientFactory() if who == "another client" else TrainerFactory()
    session = first_session(dynamic_program)
    with pytest.raises(NotFoundError):
        workout_complete(actor=stranger, session_id=session.pk, data=log_for(session))
    assert rows_written() == (0, 0, 0, 0)


def test_an_adhoc_workout_is_logged_outside_any_program(client_user):
    logged = log_adhoc(actor=client_user, client=client_user, slug="pull-up", sets=[(10, None), (8, None)])
    assert logged.completion.is_adhoc
    assert logged.completion.name == "Hotel gym"
    assert logged.completion.volume_kg == 0
    assert [(r.kind, r.value) for r in logged.records] == [(RecordKind.MOST_REPS, Decimal(10))]


def test_an_adhoc_workout_needs_a_name(client_user):
    with pytest.raises(ValidationError) as caught:
        log_adhoc(actor=client_user, client=client_user, slug="pull-up", sets=[(10, None)], name=" ")
    assert "name" in caught.value.extra["fields"]
    assert rows_written() == (0, 0, 0, 0)


def test_records_are_detected_on_save_against_earlier_workouts(client_user):
    # given an earlier squat workout: 5 x 100 kg (e1RM 112.50)
    log_adhoc(actor=client_user, client=client_user, slug="barbell-back-squat", sets=[(5, "100"), (5, "100")])
    # when the client squats 6 x 100 and 2 x 110
    logged = log_adhoc(actor=client_user, client=client_user, slug="barbell-back-squat", sets=[(6, "100"), (2, "110")])
    # then: heaviest load 110 (was 100); best e1RM 100 x 36/31 = 116.13 (was 112.50; 110 x 2 gives 113.14);
    # most reps at 100 kg 6 (was 5); 2 at 110 kg is a first at that load (nothing at 110 or heavier before)
    assert {(r.kind, r.value, r.previous_value, r.load_kg) for r in logged.records} == {
        (RecordKind.HEAVIEST_LOAD, Decimal("110.00"), Decimal("100.00"), Decimal("110.00")),
        (RecordKind.BEST_E1RM, Decimal("116.13"), Decimal("112.50"), Decimal("100.00")),
        (RecordKind.MOST_REPS, Decimal("6"), Decimal("5"), Decimal("100.00")),
        (RecordKind.MOST_REPS, Decimal("2"), None, Decimal("110.00")),
    }


def test_a_fresh_key_is_a_new_workout(client_user):
    first = log_adhoc(actor=client_user, client=client_user, slug="pull-up", sets=[(5, None)])
    second = log_adhoc(actor=client_user, client=client_user, slug="pull-up", sets=[(5, None)])
    assert first.completion.pk != second.completion.pk


def test_the_database_refuses_a_second_completion_of_a_session(client_user, dynamic_program):
    from django.db import IntegrityError, transaction

    session = first_session(dynamic_program)
    workout_complete(actor=client_user, session_id=session.pk, data=log_for(session))
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkoutCompletion.objects.create(
            client=client_user,
            session=session,
            idempotency_key=uuid.uuid4(),
            name="again",
            performed_on=session.scheduled_on,
            completed_at=session.completed_at,
        )


def test_times_without_an_offset_are_the_studios_wall_clock(tenant, client_user):
    # given a studio in Tokyo (UTC+9, no daylight saving), and a log stamped 07:30-08:30 without an offset
    tenant.timezone = "Asia/Tokyo"
    day = studio_today() - timedelta(days=3)
    logged = log_adhoc(
        actor=client_user,
        client=client_user,
        slug="pull-up",
        sets=[(8, None)],
        started_at=datetime.combine(day, time(7, 30)),
        completed_at=datetime.combine(day, time(8, 30)),
    )
    # then those are Tokyo times (23:30 and 22:30 UTC the day before), and the workout is on that Tokyo day
    completion = logged.completion
    assert completion.completed_at == datetime.combine(day - timedelta(days=1), time(23, 30), tzinfo=UTC)
    assert completion.started_at == datetime.combine(day - timedelta(days=1), time(22, 30), tzinfo=UTC)
    assert completion.performed_on == day
