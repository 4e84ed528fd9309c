"""Assigning a template to a client: the program copies the structure, rules and a session schedule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import AuditAction, audit_record
from core.error_codes import ErrorCode
from core.exceptions import NotFoundError
from core.models import User
from core.studio_time import studio_today
from core.validation import FieldErrors
from domain.clients.selectors import client_in_scope
from domain.programs.models import (
    AssignmentType,
    ClientProgram,
    ClientProgramExercise,
    ClientProgramPhase,
    ProgramPhase,
    ProgramTemplate,
    ProgressionRule,
    SessionExercise,
    TemplateExercise,
    WorkoutSession,
)
from domain.programs.selectors import contraindication_warnings


@dataclass(frozen=True)
class Assignment:
    program: ClientProgram
    warnings: list[dict[str, object]]


def _assignable_structure(template: ProgramTemplate) -> list[ProgramPhase]:
    phases = list(template.phases.prefetch_related("workouts__exercises__rules"))
    errors = FieldErrors()
    if not phases:
        errors.add("template", _("Add at least one phase before assigning this template."))
    for phase in phases:
        workouts = list(phase.workouts.all())
        if not workouts:
            errors.add(f"phases.{phase.position - 1}", _("Phase “%(name)s” has no workouts.") % {"name": phase.name})
        for workout in workouts:
            if not workout.exercises.all():
                errors.add(
                    f"phases.{phase.position - 1}.workouts.{workout.position - 1}",
                    _("Workout “%(name)s” has no exercises.") % {"name": workout.name},
                )
    errors.raise_if_any(
        code=ErrorCode.TEMPLATE_INCOMPLETE,
        message=_("This template is not ready to assign.") + " " + " ".join(errors.fields.values()),
    )
    return phases


@transaction.atomic
def template_assign(
    *,
    template_id: int,
    client_id: int,
    actor: User,
    assignment_type: str,
    start_date: date | None = None,
) -> Assignment:
    """Copy the template into a program of the client's and schedule every workout session.

    Session dates are calendar dates of the studio's time zone: week n, day d falls on
    start_date + 7(n-1) + (d-1). Exercises contraindicated by the client's health history are
    returned (and kept on the program) as warnings for the trainer; they do not block.
    """
    client = client_in_scope(actor=actor, client_id=client_id, action="programs.assign")
    errors = FieldErrors()
    errors.choice("assignment_type", assignment_type, AssignmentType)
    today = studio_today()
    start = start_date or today
    if start < today:
        errors.add("start_date", _("The program cannot start in the past."))
    errors.raise_if_any(code=ErrorCode.ASSIGNMENT_INVALID)
    template = ProgramTemplate.objects.filter(pk=template_id, is_archived=False).first()
    if template is None:
        raise NotFoundError(_("Program template not found."))
    phases = _assignable_structure(template)
    program = ClientProgram.objects.create(
        client=client,
        template=template,
        name=template.name,
        goal=template.goal,
        level=template.level,
        assignment_type=assignment_type,
        start_date=start,
        total_weeks=sum(phase.weeks for phase in phases),
        assigned_by=actor,
    )
    ClientProgramPhase.objects.bulk_create(
        ClientProgramPhase(client_program=program, position=p.position, name=p.name, weeks=p.weeks, focus=p.focus)
        for p in phases
    )
    slots: dict[int, ClientProgramExercise] = {}  # template exercise id -> the client's slot
    for phase in phases:
        for workout in phase.workouts.all():
            for item in workout.exercises.all():
                slots[item.pk] = ClientProgramExercise(
                    client_program=program,
                    phase_position=phase.position,
                    workout_position=workout.position,
                    position=item.position,
                    source=item,
                    **item.prescription(),
                )
    ClientProgramExercise.objects.bulk_create(slots.values())
    _copy_rules(template=template, program=program, slots=slots, phases=phases)
    _schedule_sessions(program=program, phases=phases, slots=slots)
    warnings = contraindication_warnings(client_id=client.pk, exercise_ids={s.exercise_id for s in slots.values()})
    program.warnings = [w.as_dict() for w in warnings]
    program.save(update_fields=["warnings", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.PROGRAM_ASSIGN,
        target=program,
        template_id=template.pk,
        client_id=client.pk,
        assignment_type=assignment_type,
        warnings=len(warnings),
    )
    return Assignment(program=program, warnings=program.warnings)


def _copy_rules(
    *,
    template: ProgramTemplate,
    program: ClientProgram,
    slots: dict[int, ClientProgramExercise],
    phases: list[ProgramPhase],
) -> None:
    rules = [
        ProgressionRule(client_program=program, **_rule_fields(rule))
        for rule in template.rules.filter(template_exercise__isnull=True)
    ]
    for phase in phases:
        for workout in phase.workouts.all():
            for item in workout.exercises.all():
                rules += [
                    ProgressionRule(client_program=program, program_exercise=slots[item.pk], **_rule_fields(rule))
                    for rule in item.rules.all()
                ]
    ProgressionRule.objects.bulk_create(rules)


def _rule_fields(rule: ProgressionRule) -> dict[str, object]:
    return {name: getattr(rule, name) for name in ProgressionRule.RULE_FIELDS}


def _schedule_sessions(
    *, program: ClientProgram, phases: list[ProgramPhase], slots: dict[int, ClientProgramExercise]
) -> None:
    sessions: list[WorkoutSession] = []
    session_items: list[list[TemplateExercise]] = []
    program_week = 0
    for phase in phases:
        workouts = sorted(phase.workouts.all(), key=lambda w: (w.day, w.position))
        for week in range(1, phase.weeks + 1):
            program_week += 1
            for workout in workouts:
                sessions.append(
                    WorkoutSession(
                        client_program=program,
                        phase_position=phase.position,
                        week=week,
                        program_week=program_week,
                        workout_position=workout.position,
                        day=workout.day,
                        name=workout.name,
                        scheduled_on=program.start_date + timedelta(days=7 * (program_week - 1) + workout.day - 1),
                    )
                )
                session_items.append(list(workout.exercises.all()))
    WorkoutSession.objects.bulk_create(sessions, batch_size=500)
    SessionExercise.objects.bulk_create(
        (
            SessionExercise(
                session=session, program_exercise=slots[item.pk], position=item.position, **item.prescription()
            )
            for session, items in zip(sessions, session_items, strict=True)
            for item in items
        ),
        batch_size=1000,
    )
