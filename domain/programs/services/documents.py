"""The template document the builder edits (phases > workouts > exercises, with rules) and its validation.

`template_clean` reports every problem of a document at once, keyed by path
(`phases.0.workouts.1.exercises.2.sets`); nothing is written before a document is clean.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from core.error_codes import ErrorCode
from core.validation import FieldErrors
from domain.library.models import Exercise
from domain.library.vocabulary import Difficulty
from domain.programs.models import (
    MAX_DURATION_SECONDS,
    MAX_LOAD,
    MAX_PHASE_WEEKS,
    MAX_REPS,
    MAX_REST_SECONDS,
    MAX_SETS,
    MIN_LOAD,
    SUPERSET_PATTERN,
    TEMPO_PATTERN,
    LoadType,
    ProgramGoal,
    RuleKind,
)

MAX_PHASES = 12
MAX_WORKOUTS_PER_WEEK = 14
MAX_EXERCISES_PER_WORKOUT = 30


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


def rule_clean(errors: FieldErrors, path: str, rule: RuleData) -> dict[str, object]:
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
    cleaned = [rule_clean(errors, f"{path}.{i}", rule) for i, rule in enumerate(rules)]
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
class CleanTemplate:
    fields: dict[str, object]
    rules: list[dict[str, object]] | None
    phases: list[Any] = field(default_factory=list)  # [(phase fields, [(workout fields, [(item, rules)])])]


def template_clean(data: TemplateData) -> CleanTemplate:
    """Every problem of the document at once, keyed by its path (phases.0.workouts.1.exercises.2.sets)."""
    errors = FieldErrors()
    fields: dict[str, object] = {
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
    clean = CleanTemplate(fields=fields, rules=rules)
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
    errors.raise_if_any(code=ErrorCode.TEMPLATE_INVALID)
    return clean
