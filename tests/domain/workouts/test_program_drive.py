"""Completing a workout drives the program: DYNAMIC_PROGRESSIVE programs progress and advance, STATIC ones stay."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from core.exceptions import ConflictError
from domain.programs.models import ProgramStatus, ProgressionEvent, RuleKind, SessionExercise
from domain.workouts.models import LoggedSet, WorkoutCompletion
from domain.workouts.services import workout_complete
from tests.factories.programs import squat
from tests.factories.workouts import assign_program, first_session, log_for, sets_of

pytestmark = pytest.mark.date_sensitive  # make test-instants runs it at each fixed instant


def _loads(program) -> dict[str, Decimal]:
    return {slot.exercise.slug: slot.load_value for slot in program.exercises.select_related("exercise")}


def test_a_dynamic_program_advances_and_adds_load_when_every_set_hits_the_top(client_user, dynamic_program):
    # given week 1 of a two-week program with one workout a week
    session = first_session(dynamic_program)
    # when the client logs it with every set at the top of the range
    logged = workout_complete(actor=client_user, session_id=session.pk, data=log_for(session))
    # then the program moves to week 2
    dynamic_program.refresh_from_db()
    assert (dynamic_program.current_phase, dynamic_program.current_week) == (1, 2)
    assert logged.program is not None
    assert logged.program.weeks_advanced == 1
    # and the default rule added 2.5 kg to both lifts, for the slot and the workouts still to come
    assert _loads(dynamic_program) == {"barbell-back-squat": Decimal("102.50"), "barbell-bench-press": Decimal("62.50")}
    upcoming = SessionExercise.objects.filter(session__client_program=dynamic_program).exclude(session=session)
    assert {item.load_value for item in upcoming if item.exercise.slug == "barbell-back-squat"} == {Decimal("102.50")}
    assert ProgressionEvent.objects.filter(client_program=dynamic_program, kind=RuleKind.LOAD_INCREASE).count() == 2


def test_a_dynamic_program_keeps_the_load_when_the_target_is_only_met(client_user, dynamic_program):
    session = first_session(dynamic_program)
    # bench 8 reps: inside 8-10 but not at the top; squat 5 x 5 is at the top
    data = log_for(session)
    squat, bench = data.exercises
    data = replace(data, exercises=[squat, replace(bench, sets=sets_of(8, "60"))])
    workout_complete(actor=client_user, session_id=session.pk, data=data)
    dynamic_program.refresh_from_db()
    assert _loads(dynamic_program) == {"barbell-back-squat": Decimal("102.50"), "barbell-bench-press": Decimal("60.00")}


def test_the_last_workout_completes_a_dynamic_program(client_user, dynamic_program):
    for session in dynamic_program.sessions.order_by("scheduled_on"):
        workout_complete(actor=client_user, session_id=session.pk, data=log_for(session))
    dynamic_program.refresh_from_db()
    assert dynamic_program.status == ProgramStatus.COMPLETED


def test_a_static_program_does_not_move_or_change_loads(client_user, static_program):
    # given a static program
    session = first_session(static_program)
    # when its first week's workout is logged at the top of every range
    logged = workout_complete(actor=client_user, session_id=session.pk, data=log_for(session))
    # then the session is done but the program stays where the trainer put it, loads unchanged
    static_program.refresh_from_db()
    assert (static_program.current_phase, static_program.current_week) == (1, 1)
    assert logged.program is not None
    assert logged.program.weeks_advanced == 0
    assert _loads(static_program) == {"barbell-back-squat": Decimal("100.00"), "barbell-bench-press": Decimal("60.00")}
    assert not ProgressionEvent.objects.filter(client_program=static_program).exists()


def test_a_cancelled_program_refuses_the_log_and_nothing_is_written(client_user, dynamic_program):
    dynamic_program.status = ProgramStatus.CANCELLED
    dynamic_program.save()
    session = first_session(dynamic_program)
    with pytest.raises(ConflictError):
        workout_complete(actor=client_user, session_id=session.pk, data=log_for(session))
    assert not WorkoutCompletion.objects.exists()


def test_a_load_typed_in_pounds_as_shown_counts_as_the_prescribed_load(client_user, trainer):
    # given a squat prescribed at 100.03 kg, which the logger shows as 220.5 lb (220.53)
    program = assign_program(
        client=client_user, actor=trainer, exercises=[squat(reps_min=5, reps_max=5, load_value=Decimal("100.03"))]
    )
    session = first_session(program)
    # when the client logs 3 x 5 at 220.5 lb (100.017 kg: a hair lighter than prescribed)
    data = replace(log_for(session, load=Decimal("220.5")), load_unit="lb")
    workout_complete(actor=client_user, session_id=session.pk, data=data)
    # then the prescribed load is stored and the top of the range counts: the load goes up by 2.5 kg
    assert set(LoggedSet.objects.values_list("load_kg", flat=True)) == {Decimal("100.03")}
    assert _loads(program) == {"barbell-back-squat": Decimal("102.53")}
