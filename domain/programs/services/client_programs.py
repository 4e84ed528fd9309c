"""A client's program over time: week completion, advancing phases, its own rules, and applying
the results of a logged workout (progression).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import AuditAction, audit_record
from core.error_codes import ErrorCode
from core.exceptions import ConflictError, NotFoundError
from core.models import User
from core.permissions import require
from core.queries import locked_or_404
from core.studio_time import studio_today
from core.validation import FieldErrors
from domain.programs import progression
from domain.programs.models import (
    DONE_STATUSES,
    ClientProgram,
    ProgramStatus,
    ProgressionEvent,
    ProgressionRule,
    SessionExercise,
    SessionStatus,
    WorkoutSession,
)
from domain.programs.progression import Outcome, SetResult
from domain.programs.selectors import effective_rules
from domain.programs.services.documents import (
    RuleData,
    rule_clean,
)


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
        raise ConflictError(_("Only an active program can move on."), code=ErrorCode.PROGRAM_NOT_ACTIVE)
    _advance(program)
    return program


@transaction.atomic
def client_program_update(
    *, actor: User, client_program_id: int, current_phase: int, current_week: int, status: str
) -> ClientProgram:
    """The trainer sets phase, week and status by hand (the only way a STATIC program moves)."""
    require(actor, "programs.update")
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
    errors.raise_if_any(code=ErrorCode.PROGRAM_PROGRESS_INVALID)
    before = (program.current_phase, program.current_week, program.status)
    program.current_phase, program.current_week = current_phase, current_week
    if status != program.status:
        program.completed_at = timezone.now() if status == ProgramStatus.COMPLETED else None
        program.status = status
    program.save()
    if before != (current_phase, current_week, status):
        audit_record(
            actor=actor,
            action=AuditAction.PROGRAM_UPDATE,
            target=program,
            before=list(before),
            after=[current_phase, current_week, status],
        )
    return program


@transaction.atomic
def program_rule_set(
    *, actor: User, client_program_id: int, data: RuleData, program_exercise_id: int | None = None
) -> ProgressionRule:
    """Create or replace the program's rule of this kind (for one exercise: an override)."""
    require(actor, "programs.update")
    program = _locked_program(client_program_id)
    errors = FieldErrors()
    fields = rule_clean(errors, "rule", data)
    slot = None
    if program_exercise_id is not None:
        slot = program.exercises.filter(pk=program_exercise_id).first()
        if slot is None:
            errors.add("program_exercise_id", _("Choose an exercise of this program."))
    errors.raise_if_any(code=ErrorCode.RULE_INVALID)
    fields.pop("kind")
    blank = {"increment_kg": None, "increment_percent": None, "miss_threshold": None, "deload_percent": None}
    rule, _created = ProgressionRule.objects.update_or_create(
        client_program=program, program_exercise=slot, kind=data.kind, defaults={**blank, **fields}
    )
    audit_record(actor=actor, action=AuditAction.PROGRESSION_RULE_SET, target=program, rule_id=rule.pk, kind=data.kind)
    return rule


@transaction.atomic
def program_rule_delete(*, actor: User, client_program_id: int, rule_id: int) -> None:
    """Remove a rule; removing an exercise's override puts the program-wide rule back in charge."""
    require(actor, "programs.update")
    program = _locked_program(client_program_id)
    deleted, _details = ProgressionRule.objects.filter(client_program=program, pk=rule_id).delete()
    if not deleted:
        raise NotFoundError(_("Rule not found."))
    audit_record(actor=actor, action=AuditAction.PROGRESSION_RULE_DELETE, target=program, rule_id=rule_id)


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
    errors.raise_if_any(code=ErrorCode.RESULTS_INVALID)
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
        raise ConflictError(_("This program was cancelled."), code=ErrorCode.PROGRAM_CANCELLED)
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
        if changed and decision.rule is not None:  # a changed load always comes with the rule that changed it
            events.append(
                ProgressionEvent(
                    client_program=program,
                    program_exercise=slot,
                    session=session,
                    kind=decision.rule.kind,
                    old_load=slot.load_value,  # type: ignore[misc]  # decide() changes only a load that is set
                    new_load=decision.new_load,
                )
            )
            slot.load_value = decision.new_load
            SessionExercise.objects.filter(program_exercise=slot, session__status=SessionStatus.SCHEDULED).update(
                load_value=decision.new_load
            )
        slot.save(update_fields=["miss_streak", "load_value"])
    return ProgressionEvent.objects.bulk_create(events)
