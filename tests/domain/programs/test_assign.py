"""Assigning a template: the client's own copy, sessions on studio dates, contraindication warnings."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from core.exceptions import NotFoundError, ValidationError
from core.models import AuditEvent
from domain.clients.services import HealthData, Injury, health_history_update
from domain.programs.models import ClientProgram, ProgressionRule, SessionExercise, WorkoutSession
from domain.programs.selectors import template_contraindications, warning_message
from domain.programs.services import (
    PhaseData,
    RuleData,
    TemplateData,
    WorkoutData,
    template_assign,
    template_create,
    template_update,
)
from tests.factories.library import starter
from tests.factories.programs import squat, template, template_data

pytestmark = [pytest.mark.django_db, pytest.mark.date_sensitive]


def test_assignment_schedules_every_session_of_every_week(trainer, client_user):
    plan = template(actor=trainer, phases=((2, 2), (1, 3)))
    result = template_assign(
        template_id=plan.pk,
        client_id=client_user.pk,
        actor=trainer,
        assignment_type="STATIC",
        start_date=date(2030, 3, 4),
    )
    program = result.program
    assert (program.current_phase, program.current_week, program.total_weeks) == (1, 1, 3)
    sessions = list(program.sessions.order_by("program_week", "workout_position"))
    # phase 1: 2 weeks x 2 workouts (days 1 and 3); phase 2: 1 week x 3 workouts (days 1, 3, 5)
    assert [(s.phase_position, s.week, s.program_week, s.scheduled_on) for s in sessions] == [
        (1, 1, 1, date(2030, 3, 4)),
        (1, 1, 1, date(2030, 3, 6)),
        (1, 2, 2, date(2030, 3, 11)),
        (1, 2, 2, date(2030, 3, 13)),
        (2, 1, 3, date(2030, 3, 18)),
        (2, 1, 3, date(2030, 3, 20)),
        (2, 1, 3, date(2030, 3, 22)),
    ]
    assert SessionExercise.objects.filter(session__client_program=program).count() == 7
    assert program.exercises.count() == 5  # one slot per template exercise
    assert set(ProgressionRule.objects.filter(client_program=program).values_list("kind", flat=True)) == {
        "load_increase",
        "deload",
    }
    assert AuditEvent.objects.filter(action="program.assign", target_id=str(program.pk)).exists()


def test_the_default_start_is_today_in_the_studios_time_zone(tenant, trainer, client_user, monkeypatch):
    # given a studio in Auckland, at 23:30 UTC on 1 June (already 2 June there, 11:30)
    tenant.timezone = "Pacific/Auckland"
    monkeypatch.setattr(timezone, "now", lambda: datetime(2030, 6, 1, 23, 30, tzinfo=UTC))
    plan = template(actor=trainer, phases=((1, 1),))
    # when a program is assigned without a start date
    program = template_assign(
        template_id=plan.pk, client_id=client_user.pk, actor=trainer, assignment_type="STATIC"
    ).program
    # then it starts on the studio's date, not UTC's
    assert program.start_date == date(2030, 6, 2)
    assert program.sessions.get().scheduled_on == date(2030, 6, 2)


def test_editing_the_template_later_does_not_change_an_assigned_program(trainer, client_user):
    plan = template(actor=trainer)
    program = template_assign(
        template_id=plan.pk, client_id=client_user.pk, actor=trainer, assignment_type="STATIC"
    ).program
    template_update(
        actor=trainer, template_id=plan.pk, data=template_data(phases=((1, 1),), exercises=(squat(sets=9),))
    )
    assert set(SessionExercise.objects.filter(session__client_program=program).values_list("sets", flat=True)) == {3}
    assert program.sessions.count() == 5  # 2 weeks x 2 + 1 week x 1


def test_exercises_contraindicated_by_the_health_history_are_flagged_with_the_reason(trainer, client_user):
    # given a client with a shoulder impingement and high blood pressure, and a healed knee
    health_history_update(
        actor=trainer,
        client_id=client_user.pk,
        data=HealthData(
            conditions=["High blood pressure"],
            injuries=[Injury(name="Right shoulder impingement"), Injury(name="ACL tear", active=False)],
        ),
    )
    bench, curl = starter("barbell-bench-press"), starter("dumbbell-biceps-curl")
    data = TemplateData(
        name="Push",
        phases=[
            PhaseData(
                name="Base",
                weeks=1,
                workouts=[
                    WorkoutData(
                        day=1,
                        name="Push",
                        exercises=[squat(exercise_id=bench.pk), squat(exercise_id=curl.pk), squat()],
                    )
                ],
            )
        ],
    )
    plan = template_create(actor=trainer, data=data)
    # when the trainer previews and then assigns it
    preview = template_contraindications(template_id=plan.pk, client_id=client_user.pk)
    result = template_assign(template_id=plan.pk, client_id=client_user.pk, actor=trainer, assignment_type="STATIC")
    # then the bench press is flagged for both reasons and the squat for blood pressure; the knee is healed
    found = {(w["exercise_name"], w["contraindication"], w["health_entry"]) for w in result.warnings}
    assert found == {
        ("Barbell bench press", "shoulder impingement", "Right shoulder impingement"),
        ("Barbell bench press", "hypertension", "High blood pressure"),
        ("Barbell back squat", "hypertension", "High blood pressure"),
    }
    assert {w.as_dict()["exercise_name"] for w in preview} == {"Barbell bench press", "Barbell back squat"}
    bench_warning = next(w for w in result.warnings if w["contraindication"] == "shoulder impingement")
    assert warning_message(bench_warning) == (
        "Barbell bench press is not advised with Shoulder impingement: the health history lists "
        "“Right shoulder impingement” as an injury."
    )
    assert ClientProgram.objects.get(pk=result.program.pk).warnings == result.warnings


def test_a_client_without_health_history_gets_no_warnings(trainer, client_user):
    plan = template(actor=trainer)
    assert (
        template_assign(template_id=plan.pk, client_id=client_user.pk, actor=trainer, assignment_type="STATIC").warnings
        == []
    )


def test_bad_assignments_are_refused_and_write_nothing(trainer, client_user):
    plan = template(actor=trainer)
    empty = template_create(actor=trainer, data=TemplateData(name="Empty", phases=[PhaseData(name="P", weeks=1)]))
    yesterday = timezone.localdate() - timedelta(days=2)
    with pytest.raises(ValidationError) as excinfo:
        template_assign(
            template_id=plan.pk,
            client_id=client_user.pk,
            actor=trainer,
            assignment_type="SOMETIMES",
            start_date=yesterday,
        )
    assert set(excinfo.value.extra["fields"]) == {"assignment_type", "start_date"}
    with pytest.raises(ValidationError) as excinfo:
        template_assign(template_id=empty.pk, client_id=client_user.pk, actor=trainer, assignment_type="STATIC")
    assert excinfo.value.code == "template_incomplete"
    with pytest.raises(NotFoundError):
        template_assign(template_id=10**9, client_id=client_user.pk, actor=trainer, assignment_type="STATIC")
    assert not ClientProgram.objects.filter(client=client_user).exists()
    assert not WorkoutSession.objects.filter(client_program__client=client_user).exists()


def test_template_rules_and_exercise_overrides_are_copied_to_the_program(trainer, client_user):
    override = RuleData(kind="load_increase", is_enabled=False, increment_kg=1, increment_percent=1)
    plan = template_create(
        actor=trainer, data=template_data(phases=((1, 1),), exercises=(squat(rules=[override]), squat()))
    )
    program = template_assign(
        template_id=plan.pk, client_id=client_user.pk, actor=trainer, assignment_type="DYNAMIC_PROGRESSIVE"
    ).program
    first_slot = program.exercises.get(position=1)
    assert ProgressionRule.objects.get(client_program=program, program_exercise=first_slot).is_enabled is False
    assert ProgressionRule.objects.filter(client_program=program, program_exercise__isnull=True).count() == 2
