"""How programs move: STATIC only by hand; DYNAMIC_PROGRESSIVE by completed weeks, with rules as data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from core.exceptions import ValidationError
from core.models import AuditEvent
from core.studio_time import studio_today
from domain.programs.models import ClientProgram, ProgressionEvent, SessionExercise, WorkoutSession
from domain.programs.progression import SetResult
from domain.programs.services import (
    ExerciseResult,
    RuleData,
    client_program_apply_results,
    client_program_update,
    program_rule_set,
    program_week_complete,
    template_assign,
    template_create,
)
from tests.factories.programs import squat, template_data

pytestmark = [pytest.mark.django_db, pytest.mark.date_sensitive]


def assign(trainer, client, kind="DYNAMIC_PROGRESSIVE", **template_kwargs) -> ClientProgram:
    plan = template_create(actor=trainer, data=template_data(**template_kwargs))
    return template_assign(template_id=plan.pk, client_id=client.pk, actor=trainer, assignment_type=kind).program


def sessions_of(program: ClientProgram, phase: int, week: int) -> list[WorkoutSession]:
    return list(program.sessions.filter(phase_position=phase, week=week).order_by("workout_position"))


def log(program: ClientProgram, session: WorkoutSession, *, reps: int = 8, load: str | None = None, sets: int = 3):
    """Log every exercise of the session: `sets` sets of `reps` (at `load` kg when given)."""
    results = [
        ExerciseResult(
            session_exercise_id=item.pk,
            sets=[SetResult(reps=reps, load_kg=Decimal(load) if load else None) for _ in range(sets)],
        )
        for item in session.exercises.all()
    ]
    return client_program_apply_results(client_program_id=program.pk, session_id=session.pk, results=results)


def position(program: ClientProgram) -> tuple[int, int, str]:
    program.refresh_from_db()
    return program.current_phase, program.current_week, program.status


def next_load(program: ClientProgram) -> Decimal:
    """The load of the first workout's first exercise in its next scheduled session."""
    item = SessionExercise.objects.filter(
        session__client_program=program,
        session__status="scheduled",
        program_exercise__workout_position=1,
        program_exercise__position=1,
    ).order_by("session__scheduled_on", "session__id")
    return item.first().load_value


def test_a_static_program_never_moves_on_its_own(trainer, client_user):
    program = assign(trainer, client_user, kind="STATIC")
    # when every workout of week 1 is logged at the top of the range
    for session in sessions_of(program, 1, 1):
        outcome = log(program, session)
        assert outcome.events == []
        assert outcome.weeks_advanced == 0
    # then the sessions are done, but week, phase and prescription stay where they were
    assert program_week_complete(client_program_id=program.pk)
    assert position(program) == (1, 1, "active")
    assert next_load(program) == Decimal(100)
    assert not ProgressionEvent.objects.filter(client_program=program).exists()


def test_a_dynamic_program_advances_week_then_phase_then_completes_exactly_per_the_rule(trainer, client_user):
    # given phase 1 of 2 weeks x 2 workouts, phase 2 of 1 week x 1 workout
    program = assign(trainer, client_user, phases=((2, 2), (1, 1)))
    first, second = sessions_of(program, 1, 1)
    log(program, first, reps=6)
    assert position(program) == (1, 1, "active")  # half the week is not the week
    assert log(program, second, reps=6).weeks_advanced == 1
    assert position(program) == (1, 2, "active")
    for session in sessions_of(program, 1, 2):
        log(program, session, reps=6)
    assert position(program) == (2, 1, "active")  # past the phase's last week: next phase, week 1
    (last,) = sessions_of(program, 2, 1)
    log(program, last, reps=6)
    program.refresh_from_db()
    assert (program.status, program.current_phase, program.current_week) == ("completed", 2, 1)
    assert program.completed_at is not None


def test_every_set_at_the_top_of_the_range_adds_load_to_the_next_prescription(trainer, client_user):
    program = assign(trainer, client_user)
    first = sessions_of(program, 1, 1)[0]
    outcome = log(program, first, reps=8, load="100")
    (event,) = outcome.events
    assert (event.kind, event.old_load, event.new_load) == ("load_increase", Decimal(100), Decimal("102.5"))
    # the slot's live prescription and its remaining sessions changed; the logged session did not
    slot = first.exercises.get().program_exercise
    slot.refresh_from_db()
    assert slot.load_value == Decimal("102.5")
    future = SessionExercise.objects.filter(program_exercise=slot, session__status="scheduled")
    assert set(future.values_list("load_value", flat=True)) == {Decimal("102.5")}
    assert first.exercises.get().load_value == Decimal(100)


def test_within_the_range_keeps_the_load_and_a_lighter_load_is_a_miss(trainer, client_user):
    program = assign(trainer, client_user, phases=((2, 1),))
    (first,), (second,) = sessions_of(program, 1, 1), sessions_of(program, 1, 2)
    assert log(program, first, reps=6).events == []
    slot = first.exercises.get().program_exercise
    slot.refresh_from_db()
    assert (slot.load_value, slot.miss_streak) == (Decimal(100), 0)
    log(program, second, reps=8, load="95")  # top reps, but lighter than prescribed
    slot.refresh_from_db()
    assert (slot.load_value, slot.miss_streak) == (Decimal(100), 1)


def test_two_missed_targets_in_a_row_deload_and_a_success_in_between_resets_the_count(trainer, client_user):
    program = assign(trainer, client_user, phases=((5, 1),), exercises=(squat(load_value=Decimal("67.5")),))
    s1, s2, s3, s4 = (sessions_of(program, 1, week)[0] for week in (1, 2, 3, 4))
    log(program, s1, reps=3)  # miss
    log(program, s2, reps=5)  # met: the streak restarts
    assert log(program, s3, reps=3).events == []  # one miss in a row
    (event,) = log(program, s4, reps=4).events  # two in a row: -10 %, rounded down to 0.5 kg
    assert (event.kind, event.old_load, event.new_load) == ("deload", Decimal("67.5"), Decimal("60.5"))
    assert next_load(program) == Decimal("60.5")


def test_an_exercise_with_no_logged_sets_missed_its_target(trainer, client_user):
    program = assign(trainer, client_user, exercises=(squat(), squat(sets=2)))
    first = sessions_of(program, 1, 1)[0]
    only_first = [ExerciseResult(session_exercise_id=first.exercises.get(position=1).pk, sets=[SetResult(reps=8)] * 3)]
    client_program_apply_results(client_program_id=program.pk, session_id=first.pk, results=only_first)
    missed = first.exercises.get(position=2).program_exercise
    missed.refresh_from_db()
    assert missed.miss_streak == 1


def test_a_rule_overridden_for_one_exercise_changes_only_that_exercise(trainer, client_user):
    program = assign(trainer, client_user, phases=((2, 1),), exercises=(squat(), squat(load_value=Decimal(60))))
    heavy, light = program.exercises.order_by("position")
    program_rule_set(
        actor=trainer,
        client_program_id=program.pk,
        program_exercise_id=light.pk,
        data=RuleData(kind="load_increase", increment_kg=Decimal(5), increment_percent=Decimal(1)),
    )
    program_rule_set(
        actor=trainer,
        client_program_id=program.pk,
        program_exercise_id=heavy.pk,
        data=RuleData(kind="load_increase", is_enabled=False, increment_kg=Decimal(1), increment_percent=Decimal(1)),
    )
    (first,) = sessions_of(program, 1, 1)
    events = log(program, first, reps=8).events
    assert [(e.program_exercise_id, e.new_load) for e in events] == [(light.pk, Decimal(65))]
    assert AuditEvent.objects.filter(action="progression_rule.set").count() == 2


def test_percent_of_one_rep_max_moves_by_percentage_points(trainer, client_user):
    program = assign(trainer, client_user, exercises=(squat(load_type="percent_1rm", load_value=Decimal(75)),))
    (event,) = log(program, sessions_of(program, 1, 1)[0], reps=8).events
    assert event.new_load == Decimal("77.5")


def test_applying_the_same_workout_twice_changes_nothing_the_second_time(trainer, client_user):
    program = assign(trainer, client_user)
    first = sessions_of(program, 1, 1)[0]
    log(program, first, reps=8)
    again = log(program, first, reps=8)
    assert again.already_applied
    assert again.events == []
    assert next_load(program) == Decimal("102.5")
    assert ProgressionEvent.objects.filter(client_program=program).count() == 1


def test_invalid_results_are_refused_and_nothing_changes(trainer, client_user):
    program = assign(trainer, client_user)
    first, second = sessions_of(program, 1, 1)
    foreign = second.exercises.get()
    bad = [
        ExerciseResult(session_exercise_id=foreign.pk, sets=[SetResult(reps=8)]),
        ExerciseResult(session_exercise_id=first.exercises.get().pk, sets=[SetResult(reps=-1, load_kg=Decimal(5000))]),
    ]
    with pytest.raises(ValidationError) as excinfo:
        client_program_apply_results(client_program_id=program.pk, session_id=first.pk, results=bad)
    assert set(excinfo.value.extra["fields"]) == {
        "results.0.session_exercise_id",
        "results.1.sets.0.reps",
        "results.1.sets.0.load_kg",
    }
    first.refresh_from_db()
    assert first.status == "scheduled"
    assert next_load(program) == Decimal(100)


def test_a_client_who_fell_behind_starts_the_next_week_today(tenant, trainer, client_user, monkeypatch):
    program = assign(trainer, client_user, phases=((3, 2),))
    week2 = sessions_of(program, 1, 2)
    planned = [s.scheduled_on for s in week2]
    # when week 1 is finished 10 days after it started (week 2 was due 3 days ago)
    late = timezone.now() + timedelta(days=10)
    monkeypatch.setattr(timezone, "now", lambda: late)
    for session in sessions_of(program, 1, 1):
        log(program, session, reps=6)
    # then week 2 (and everything after it) moved so that it starts today, keeping its spacing
    moved = [s.scheduled_on for s in sessions_of(program, 1, 2)]
    assert moved[0] == studio_today()
    assert moved[1] - moved[0] == planned[1] - planned[0]
    week3 = sessions_of(program, 1, 3)
    assert week3[0].scheduled_on - moved[0] == timedelta(days=7)


def test_the_trainer_moves_a_program_by_hand_within_its_bounds(trainer, client_user):
    program = assign(trainer, client_user, kind="STATIC", phases=((2, 1), (3, 1)))
    client_program_update(actor=trainer, client_program_id=program.pk, current_phase=2, current_week=3, status="active")
    assert position(program) == (2, 3, "active")
    with pytest.raises(ValidationError) as excinfo:
        client_program_update(
            actor=trainer, client_program_id=program.pk, current_phase=1, current_week=3, status="active"
        )
    assert set(excinfo.value.extra["fields"]) == {"current_week"}
    with pytest.raises(ValidationError):
        client_program_update(
            actor=trainer, client_program_id=program.pk, current_phase=3, current_week=1, status="done"
        )
    assert position(program) == (2, 3, "active")
    client_program_update(
        actor=trainer, client_program_id=program.pk, current_phase=2, current_week=3, status="completed"
    )
    program.refresh_from_db()
    assert program.completed_at is not None
    assert AuditEvent.objects.filter(action="program.update", target_id=str(program.pk)).count() == 2


def test_dates_are_calendar_dates_of_the_studio(tenant, trainer, client_user, monkeypatch):
    tenant.timezone = "America/Los_Angeles"
    monkeypatch.setattr(timezone, "now", lambda: datetime(2030, 1, 1, 3, 0, tzinfo=UTC))  # 31 Dec 19:00 there
    program = assign(trainer, client_user, phases=((1, 1),))
    assert program.start_date.isoformat() == "2029-12-31"
