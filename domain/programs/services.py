"""Writes of programs: templates (whole documents), assignment, progress, rules, and applying results.

`client_program_apply_results` is the entry point the workout log calls once a workout is logged:
it marks the session done and, for DYNAMIC_PROGRESSIVE programs, runs the progression rules on the
logged sets and advances the program when the week is complete. STATIC programs never move by themselves.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.exceptions import ConflictError, NotFoundError
from core.models import User
from core.queries import locked_or_404
from core.studio_time import studio_today
from core.validation import FieldErrors
from domain.library.models import Exercise
from domain.library.vocabulary import Difficulty
from domain.programs import progression
from domain.programs.models import (
    DONE_STATUSES,
    MAX_DURATION_SECONDS,
    MAX_LOAD,
    MAX_PHASE_WEEKS,
    MAX_REPS,
    MAX_REST_SECONDS,
    MAX_SETS,
    MIN_LOAD,
    SUPERSET_PATTERN,
    TEMPO_PATTERN,
    AssignmentType,
    ClientProgram,
    ClientProgramExercise,
    ClientProgramPhase,
    LoadType,
    ProgramGoal,
    ProgramPhase,
    ProgramStatus,
    ProgramTemplate,
    ProgressionEvent,
    ProgressionRule,
    RuleKind,
    SessionExercise,
    SessionStatus,
    TemplateExercise,
    TemplateWorkout,
    WorkoutSession,
)
from domain.programs.progression import Outcome, SetResult
from domain.programs.selectors import contraindication_warnings, effective_rules

MAX_PHASES = 12
MAX_WORKOUTS_PER_WEEK = 14
MAX_EXERCISES_PER_WORKOUT = 30

# --- the template document ----------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class RuleData:
    kind: str
    is_enabled: bool = True
    increment_kg: Decimal | None = None
    increment_percent: Decimal | None = None
    miss_threshold: int | None = None
    deload_percent: Decimal | None = None


@dataclass(frozen=True, kw_only=True)
class PrescriptionData:
    exercise_id: int
    sets: int
    reps_min: int | None = None
    reps_max: int | None = None
    duration_seconds: int | None = None
    load_type: str = LoadType.NONE
    load_value: Decimal | None = None
    tempo: str = ""
    rest_seconds: int | None = None
    notes: str = ""
    superset_group: str = ""
    rules: Sequence[RuleData] = ()  # overrides of the template's rules for this exercise


@dataclass(frozen=True, kw_only=True)
class WorkoutData:
    day: int
    name: str
    exercises: Sequence[PrescriptionData] = ()


@dataclass(frozen=True, kw_only=True)
class PhaseData:
    name: str
    weeks: int
    focus: str = ""
    workouts: Sequence[WorkoutData] = ()


@dataclass(frozen=True, kw_only=True)
class TemplateData:
    """A whole template as the builder edits it; list order is the order of phases, workouts, exercises."""

    name: str
    goal: str = ProgramGoal.GENERAL_FITNESS
    level: str = Difficulty.BEGINNER
    description: str = ""
    phases: Sequence[PhaseData] = ()
    rules: Sequence[RuleData] | None = None  # None on create: the default rules


def _clean_rule(errors: FieldErrors, path: str, rule: RuleData) -> dict[str, object]:
    errors.choice(f"{path}.kind", rule.kind, RuleKind)
    cleaned: dict[str, object] = {"kind": rule.kind, "is_enabled": rule.is_enabled}
    if rule.kind == RuleKind.LOAD_INCREASE:
        for name, maximum in (("increment_kg", Decimal(50)), ("increment_percent", Decimal(20))):
            value = getattr(rule, name)
            if value is None or not Decimal(0) < value <= maximum:
                errors.add(f"{path}.{name}", _("Enter an increase above 0 and at most %(max)s.") % {"max": maximum})
            cleaned[name] = value
    elif rule.kind == RuleKind.DELOAD:
        if rule.miss_threshold is None or not 1 <= rule.miss_threshold <= 10:
            errors.add(f"{path}.miss_threshold", _("Enter a number of sessions between 1 and 10."))
        if rule.deload_percent is None or not Decimal(0) < rule.deload_percent <= 50:
            errors.add(f"{path}.deload_percent", _("Enter a reduction above 0 and at most 50 %."))
        cleaned["miss_threshold"] = rule.miss_threshold
        cleaned["deload_percent"] = rule.deload_percent
    return cleaned


def _clean_rules(errors: FieldErrors, path: str, rules: Sequence[RuleData]) -> list[dict[str, object]]:
    cleaned = [_clean_rule(errors, f"{path}.{i}", rule) for i, rule in enumerate(rules)]
    kinds = [rule["kind"] for rule in cleaned]
    if len(kinds) != len(set(kinds)):
        errors.add(path, _("Give each kind of rule once."))
    return cleaned


def _clean_prescription(errors: FieldErrors, path: str, data: PrescriptionData, known: set[int]) -> dict[str, object]:
    if data.exercise_id not in known:
        errors.add(f"{path}.exercise_id", _("Choose an exercise from the library."))
    if not 1 <= data.sets <= MAX_SETS:
        errors.add(f"{path}.sets", _("Enter between 1 and %(n)d sets.") % {"n": MAX_SETS})
    reps_min, reps_max, duration = data.reps_min, data.reps_max, data.duration_seconds
    if reps_min is not None and reps_max is None:
        reps_max = reps_min
    if duration is not None and (reps_min is not None or reps_max is not None):
        errors.add(f"{path}.reps_min", _("Prescribe either reps or a duration, not both."))
    elif duration is not None:
        if not 1 <= duration <= MAX_DURATION_SECONDS:
            errors.add(f"{path}.duration_seconds", _("Enter a duration between 1 s and 2 h."))
    elif reps_min is None or reps_max is None:
        errors.add(f"{path}.reps_min", _("Prescribe reps (or a rep range) or a duration."))
    elif not 1 <= reps_min <= reps_max <= MAX_REPS:
        errors.add(
            f"{path}.reps_max",
            _("The rep range must go from at least 1 up to at most %(n)d, low end first.") % {"n": MAX_REPS},
        )
    load_value = data.load_value
    errors.choice(f"{path}.load_type", data.load_type, LoadType)
    if data.load_type == LoadType.NONE:
        load_value = None
    elif data.load_type in LoadType.values:
        low, high = MIN_LOAD[LoadType(data.load_type)], MAX_LOAD[LoadType(data.load_type)]
        if load_value is None or not low <= load_value <= high:
            errors.add(f"{path}.load_value", _("Enter a load between %(min)s and %(max)s.") % {"min": low, "max": high})
    tempo = (data.tempo or "").strip().upper()
    if tempo and not re.match(TEMPO_PATTERN, tempo):
        errors.add(f"{path}.tempo", _("Write the tempo as four parts such as 3-1-X-0."))
    superset = (data.superset_group or "").strip().upper()
    if not re.match(SUPERSET_PATTERN, superset):
        errors.add(f"{path}.superset_group", _("Use one letter (A-Z) for a superset group."))
    if data.rest_seconds is not None and not 0 <= data.rest_seconds <= MAX_REST_SECONDS:
        errors.add(f"{path}.rest_seconds", _("Enter a rest of at most 30 minutes."))
    return {
        "exercise_id": data.exercise_id,
        "sets": data.sets,
        "reps_min": reps_min if duration is None else None,
        "reps_max": reps_max if duration is None else None,
        "duration_seconds": duration,
        "load_type": data.load_type,
        "load_value": load_value,
        "tempo": tempo,
        "rest_seconds": data.rest_seconds,
        "notes": errors.text(f"{path}.notes", data.notes, max_length=2000, required=False),
        "superset_group": superset,
    }


@dataclass
class _CleanTemplate:
    fields: dict[str, object]
    rules: list[dict[str, object]] | None
    phases: list[Any] = field(default_factory=list)  # [(phase fields, [(workout fields, [(item, rules)])])]


def _clean_template(data: TemplateData) -> _CleanTemplate:
    """Every problem of the document at once, keyed by its path (phases.0.workouts.1.exercises.2.sets)."""
    errors = FieldErrors()
    fields = {
        "name": errors.text("name", data.name, max_length=120),
        "description": errors.text("description", data.description, max_length=5000, required=False),
        "goal": data.goal,
        "level": data.level,
    }
    errors.choice("goal", data.goal, ProgramGoal)
    errors.choice("level", data.level, Difficulty)
    rules = _clean_rules(errors, "rules", data.rules) if data.rules is not None else None
    if len(data.phases) > MAX_PHASES:
        errors.add("phases", _("A template has at most %(n)d phases.") % {"n": MAX_PHASES})
    exercise_ids = {e.exercise_id for p in data.phases for w in p.workouts for e in w.exercises}
    known = set(Exercise.objects.filter(pk__in=exercise_ids).values_list("pk", flat=True))
    clean = _CleanTemplate(fields=fields, rules=rules)
    for p, phase in enumerate(data.phases):
        path = f"phases.{p}"
        if not 1 <= phase.weeks <= MAX_PHASE_WEEKS:
            errors.add(f"{path}.weeks", _("A phase lasts 1 to %(n)d weeks.") % {"n": MAX_PHASE_WEEKS})
        if len(phase.workouts) > MAX_WORKOUTS_PER_WEEK:
            errors.add(f"{path}.workouts", _("At most %(n)d workouts a week.") % {"n": MAX_WORKOUTS_PER_WEEK})
        phase_fields = {
            "name": errors.text(f"{path}.name", phase.name, max_length=80),
            "weeks": phase.weeks,
            "focus": errors.text(f"{path}.focus", phase.focus, max_length=200, required=False),
        }
        workouts = []
        for w, workout in enumerate(phase.workouts):
            wpath = f"{path}.workouts.{w}"
            if not 1 <= workout.day <= 7:
                errors.add(f"{wpath}.day", _("Choose a day from 1 to 7."))
            if len(workout.exercises) > MAX_EXERCISES_PER_WORKOUT:
                errors.add(f"{wpath}.exercises", _("At most %(n)d exercises.") % {"n": MAX_EXERCISES_PER_WORKOUT})
            exercises = [
                (
                    _clean_prescription(errors, f"{wpath}.exercises.{e}", item, known),
                    _clean_rules(errors, f"{wpath}.exercises.{e}.rules", item.rules),
                )
                for e, item in enumerate(workout.exercises)
            ]
            workout_fields = {"day": workout.day, "name": errors.text(f"{wpath}.name", workout.name, max_length=80)}
            workouts.append((workout_fields, exercises))
        clean.phases.append((phase_fields, workouts))
    errors.raise_if_any(code="template_invalid")
    return clean


def _write_structure(template: ProgramTemplate, clean: _CleanTemplate) -> None:
    """Insert phases, workouts, exercises and rules with one bulk insert per level."""
    phases = ProgramPhase.objects.bulk_create(
        ProgramPhase(template=template, position=i + 1, **fields) for i, (fields, _w) in enumerate(clean.phases)
    )
    workouts: list[TemplateWorkout] = []
    workout_items = []
    for phase, (_fields, phase_workouts) in zip(phases, clean.phases, strict=True):
        for i, (fields, exercises) in enumerate(phase_workouts):
            workouts.append(TemplateWorkout(phase=phase, position=i + 1, **fields))
            workout_items.append(exercises)
    TemplateWorkout.objects.bulk_create(workouts)
    exercises: list[TemplateExercise] = []
    exercise_rules: list[list[dict[str, object]]] = []
    for workout, items in zip(workouts, workout_items, strict=True):
        for i, (fields, rules) in enumerate(items):
            exercises.append(TemplateExercise(workout=workout, position=i + 1, **fields))
            exercise_rules.append(rules)
    TemplateExercise.objects.bulk_create(exercises)
    rules = [
        ProgressionRule(template=template, template_exercise=exercise, **rule)
        for exercise, rule_list in zip(exercises, exercise_rules, strict=True)
        for rule in rule_list
    ]
    if clean.rules is not None:
        rules += [ProgressionRule(template=template, **rule) for rule in clean.rules]
    ProgressionRule.objects.bulk_create(rules)
    template.duration_weeks = sum(int(fields["weeks"]) for fields, _w in clean.phases)
    template.save(update_fields=["duration_weeks", "updated_at"])


@transaction.atomic
def template_create(*, actor: User, data: TemplateData, copied_from: ProgramTemplate | None = None) -> ProgramTemplate:
    if data.rules is None:
        data = replace(data, rules=[RuleData(**rule) for rule in progression.DEFAULT_RULES])  # type: ignore[arg-type]
    clean = _clean_template(data)
    template = ProgramTemplate.objects.create(created_by=actor, copied_from=copied_from, **clean.fields)
    _write_structure(template, clean)
    return template


def _locked_template(template_id: int) -> ProgramTemplate:
    return locked_or_404(ProgramTemplate.objects.all(), _("Program template not found."), pk=template_id)


@transaction.atomic
def template_update(*, template_id: int, data: TemplateData) -> ProgramTemplate:
    """Replace the whole template. Programs already assigned keep their own copy and do not change."""
    clean = _clean_template(data)
    template = _locked_template(template_id)
    for name, value in clean.fields.items():
        setattr(template, name, value)
    template.save()
    template.phases.all().delete()  # cascades to workouts, exercises and their rules
    if clean.rules is not None:
        template.rules.all().delete()
    _write_structure(template, clean)
    return template


@transaction.atomic
def template_set_archived(*, template_id: int, archived: bool) -> ProgramTemplate:
    template = _locked_template(template_id)
    template.is_archived = archived
    template.save(update_fields=["is_archived", "updated_at"])
    return template


def _rule_data(rule: ProgressionRule) -> RuleData:
    return RuleData(**{name: getattr(rule, name) for name in ProgressionRule.RULE_FIELDS})


def template_document(template: ProgramTemplate) -> TemplateData:
    """The template as a document (what the builder edits, and what a copy starts from)."""
    phases = template.phases.prefetch_related("workouts__exercises__rules")
    return TemplateData(
        name=template.name,
        goal=template.goal,
        level=template.level,
        description=template.description,
        rules=[_rule_data(r) for r in template.rules.filter(template_exercise__isnull=True)],
        phases=[
            PhaseData(
                name=phase.name,
                weeks=phase.weeks,
                focus=phase.focus,
                workouts=[
                    WorkoutData(
                        day=workout.day,
                        name=workout.name,
                        exercises=[
                            PrescriptionData(
                                **item.prescription(),  # type: ignore[arg-type]
                                rules=[_rule_data(r) for r in item.rules.all()],
                            )
                            for item in workout.exercises.all()
                        ],
                    )
                    for workout in phase.workouts.all()
                ],
            )
            for phase in phases
        ],
    )


@transaction.atomic
def template_copy(*, template_id: int, actor: User, name: str | None = None) -> ProgramTemplate:
    original = ProgramTemplate.objects.filter(pk=template_id).first()
    if original is None:
        raise NotFoundError(_("Program template not found."))
    document = replace(template_document(original), name=name or _("Copy of %(name)s") % {"name": original.name})
    return template_create(actor=actor, data=document, copied_from=original)


# --- assignment ---------------------------------------------------------------------------------


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
        code="template_incomplete",
        message=_("This template is not ready to assign.") + " " + " ".join(errors.fields.values()),
    )
    return phases


@transaction.atomic
def template_assign(
    *,
    template_id: int,
    client: User,
    actor: User,
    assignment_type: str,
    start_date: date | None = None,
) -> Assignment:
    """Copy the template into a program of the client's and schedule every workout session.

    Session dates are calendar dates of the studio's time zone: week n, day d falls on
    start_date + 7(n-1) + (d-1). Exercises contraindicated by the client's health history are
    returned (and kept on the program) as warnings for the trainer; they do not block.
    """
    errors = FieldErrors()
    errors.choice("assignment_type", assignment_type, AssignmentType)
    today = studio_today()
    start = start_date or today
    if start < today:
        errors.add("start_date", _("The program cannot start in the past."))
    errors.raise_if_any(code="assignment_invalid")
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
        action="programs.assign",
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


# --- progress -----------------------------------------------------------------------------------


def _locked_program(program_id: int) -> ClientProgram:
    return locked_or_404(ClientProgram.objects.all(), _("Program not found."), pk=program_id)


def _week_complete(program: ClientProgram) -> bool:
    week = program.sessions.filter(phase_position=program.current_phase, week=program.current_week)
    return week.exists() and not week.exclude(status__in=DONE_STATUSES).exists()


def program_week_complete(*, client_program_id: int) -> bool:
    """Are all the workouts of the program's current week done (completed or skipped)?"""
    program = ClientProgram.objects.filter(pk=client_program_id).first()
    if program is None:
        raise NotFoundError(_("Program not found."))
    return _week_complete(program)


def _advance(program: ClientProgram) -> None:
    """The seed's rule: next week; past the phase's last week, week 1 of the next phase; past the
    last phase, the program is complete. Sessions of the new week that are already overdue (the client
    fell behind) move forward, with everything after them, so the week starts today."""
    phases = list(program.phases.all())
    phase = phases[program.current_phase - 1]
    if program.current_week < phase.weeks:
        program.current_week += 1
    elif program.current_phase < len(phases):
        program.current_phase += 1
        program.current_week = 1
    else:
        program.status = ProgramStatus.COMPLETED
        program.completed_at = timezone.now()
        program.save(update_fields=["status", "completed_at", "updated_at"])
        return
    program.save(update_fields=["current_phase", "current_week", "updated_at"])
    upcoming = program.sessions.filter(status=SessionStatus.SCHEDULED)
    first = (
        upcoming.filter(phase_position=program.current_phase, week=program.current_week)
        .order_by("scheduled_on")
        .first()
    )
    today = studio_today()
    if first is not None and first.scheduled_on < today:
        upcoming.filter(program_week__gte=first.program_week).update(
            scheduled_on=F("scheduled_on") + (today - first.scheduled_on)
        )


@transaction.atomic
def program_advance(*, client_program_id: int) -> ClientProgram:
    """Move an active program on by one week (or phase, or to completion)."""
    program = _locked_program(client_program_id)
    if program.status != ProgramStatus.ACTIVE:
        raise ConflictError(_("Only an active program can move on."), code="program_not_active")
    _advance(program)
    return program


@transaction.atomic
def client_program_update(
    *, actor: User, client_program_id: int, current_phase: int, current_week: int, status: str
) -> ClientProgram:
    """The trainer sets phase, week and status by hand (the only way a STATIC program moves)."""
    program = _locked_program(client_program_id)
    phases = list(program.phases.all())
    errors = FieldErrors()
    errors.choice("status", status, ProgramStatus)
    if not 1 <= current_phase <= len(phases):
        errors.add("current_phase", _("Choose a phase from 1 to %(n)d.") % {"n": len(phases)})
    elif not 1 <= current_week <= phases[current_phase - 1].weeks:
        errors.add(
            "current_week",
            _("Phase %(phase)d has %(n)d weeks.") % {"phase": current_phase, "n": phases[current_phase - 1].weeks},
        )
    errors.raise_if_any(code="program_progress_invalid")
    before = (program.current_phase, program.current_week, program.status)
    program.current_phase, program.current_week = current_phase, current_week
    if status != program.status:
        program.completed_at = timezone.now() if status == ProgramStatus.COMPLETED else None
        program.status = status
    program.save()
    if before != (current_phase, current_week, status):
        audit_record(
            actor=actor,
            action="programs.progress_update",
            target=program,
            before=list(before),
            after=[current_phase, current_week, status],
        )
    return program


# --- rules on a client program ------------------------------------------------------------------


@transaction.atomic
def program_rule_set(
    *, actor: User, client_program_id: int, data: RuleData, program_exercise_id: int | None = None
) -> ProgressionRule:
    """Create or replace the program's rule of this kind (for one exercise: an override)."""
    program = _locked_program(client_program_id)
    errors = FieldErrors()
    fields = _clean_rule(errors, "rule", data)
    slot = None
    if program_exercise_id is not None:
        slot = program.exercises.filter(pk=program_exercise_id).first()
        if slot is None:
            errors.add("program_exercise_id", _("Choose an exercise of this program."))
    errors.raise_if_any(code="rule_invalid")
    fields.pop("kind")
    blank = {"increment_kg": None, "increment_percent": None, "miss_threshold": None, "deload_percent": None}
    rule, _created = ProgressionRule.objects.update_or_create(
        client_program=program, program_exercise=slot, kind=data.kind, defaults={**blank, **fields}
    )
    audit_record(actor=actor, action="programs.rule_set", target=program, rule_id=rule.pk, kind=data.kind)
    return rule


@transaction.atomic
def program_rule_delete(*, actor: User, client_program_id: int, rule_id: int) -> None:
    """Remove a rule; removing an exercise's override puts the program-wide rule back in charge."""
    program = _locked_program(client_program_id)
    deleted, _details = ProgressionRule.objects.filter(client_program=program, pk=rule_id).delete()
    if not deleted:
        raise NotFoundError(_("Rule not found."))
    audit_record(actor=actor, action="programs.rule_delete", target=program, rule_id=rule_id)


# --- results from a logged workout ---------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ExerciseResult:
    """The logged sets of one exercise of the session (`session_exercise_id` from the session)."""

    session_exercise_id: int
    sets: Sequence[SetResult]


@dataclass(frozen=True)
class ResultsApplied:
    program: ClientProgram
    session: WorkoutSession
    events: list[ProgressionEvent]
    weeks_advanced: int
    already_applied: bool = False


def _check_results(session: WorkoutSession, results: Sequence[ExerciseResult]) -> dict[int, ExerciseResult]:
    errors = FieldErrors()
    own = set(session.exercises.values_list("pk", flat=True))
    by_id: dict[int, ExerciseResult] = {}
    for i, result in enumerate(results):
        if result.session_exercise_id not in own:
            errors.add(f"results.{i}.session_exercise_id", _("This exercise is not part of the workout."))
        elif result.session_exercise_id in by_id:
            errors.add(f"results.{i}.session_exercise_id", _("Each exercise once, please."))
        by_id[result.session_exercise_id] = result
        for s, logged in enumerate(result.sets):
            path = f"results.{i}.sets.{s}"
            errors.number(f"{path}.reps", logged.reps, minimum=0, maximum=1000)
            errors.number(f"{path}.duration_seconds", logged.duration_seconds, minimum=0, maximum=86400)
            errors.number(f"{path}.load_kg", logged.load_kg, minimum=Decimal(0), maximum=Decimal(1000))
        if len(result.sets) > 100:
            errors.add(f"results.{i}.sets", _("At most 100 sets."))
    errors.raise_if_any(code="results_invalid")
    return by_id


@transaction.atomic
def client_program_apply_results(
    *,
    client_program_id: int,
    session_id: int,
    results: Sequence[ExerciseResult],
    completed_at: datetime | None = None,
) -> ResultsApplied:
    """Record that a session was done with these sets, then let a DYNAMIC_PROGRESSIVE program react.

    Idempotent: a session already completed is left as it is (`already_applied`). An exercise with
    no result counts as a missed target. The program row is locked, so two workouts logged at the
    same moment cannot both advance the same week.
    """
    program = _locked_program(client_program_id)
    session = locked_or_404(
        WorkoutSession.objects.all(), _("Workout not found."), pk=session_id, client_program=program
    )
    if session.status == SessionStatus.COMPLETED:
        return ResultsApplied(program=program, session=session, events=[], weeks_advanced=0, already_applied=True)
    if program.status == ProgramStatus.CANCELLED:
        raise ConflictError(_("This program was cancelled."), code="program_cancelled")
    by_id = _check_results(session, results)
    session.status = SessionStatus.COMPLETED
    session.completed_at = completed_at or timezone.now()
    session.save(update_fields=["status", "completed_at", "updated_at"])
    events: list[ProgressionEvent] = []
    weeks_advanced = 0
    if program.is_dynamic and program.status == ProgramStatus.ACTIVE:
        events = _progress(program, session, by_id)
        limit = program.total_weeks + 1
        while program.status == ProgramStatus.ACTIVE and _week_complete(program) and weeks_advanced < limit:
            _advance(program)
            weeks_advanced += 1
    return ResultsApplied(program=program, session=session, events=events, weeks_advanced=weeks_advanced)


def _progress(
    program: ClientProgram, session: WorkoutSession, by_id: dict[int, ExerciseResult]
) -> list[ProgressionEvent]:
    rules = effective_rules(program=program)
    items = session.exercises.select_related("program_exercise").select_for_update(of=("self", "program_exercise"))
    events: list[ProgressionEvent] = []
    for item in items:
        slot = item.program_exercise
        logged = by_id.get(item.pk)
        outcome = progression.assess(item, logged.sets if logged else ()) if logged else Outcome.MISSED
        decision = progression.decide(
            outcome=outcome,
            load_type=slot.load_type,
            load=slot.load_value,
            miss_streak=slot.miss_streak,
            rules=rules.get(slot.pk, {}),
        )
        slot.miss_streak = decision.miss_streak
        changed = decision.new_load is not None and decision.new_load != slot.load_value
        if changed:
            events.append(
                ProgressionEvent(
                    client_program=program,
                    program_exercise=slot,
                    session=session,
                    kind=decision.rule.kind,  # type: ignore[union-attr]
                    old_load=slot.load_value,
                    new_load=decision.new_load,
                )
            )
            slot.load_value = decision.new_load
            SessionExercise.objects.filter(program_exercise=slot, session__status=SessionStatus.SCHEDULED).update(
                load_value=decision.new_load
            )
        slot.save(update_fields=["miss_streak", "load_value"])
    return ProgressionEvent.objects.bulk_create(events)
