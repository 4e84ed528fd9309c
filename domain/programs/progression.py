"""Progression maths, free of the database: how a logged exercise compares with its prescription, and
what a rule makes of that. Services feed it rows and write back what it decides."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from enum import StrEnum

from domain.programs.models import MAX_LOAD, MIN_LOAD, LoadType, Prescription, ProgressionRule, RuleKind

LOAD_STEP = Decimal("0.5")  # smallest load change people can actually make (micro plates)
ADJUSTABLE_LOADS = (LoadType.KG, LoadType.PERCENT_1RM)

# Rules a new template starts with: visible in the builder, editable, removable.
DEFAULT_RULES: tuple[dict[str, object], ...] = (
    {"kind": RuleKind.LOAD_INCREASE, "increment_kg": Decimal("2.5"), "increment_percent": Decimal("2.5")},
    {"kind": RuleKind.DELOAD, "miss_threshold": 2, "deload_percent": Decimal("10")},
)


@dataclass(frozen=True, kw_only=True)
class SetResult:
    """One logged set: reps (or seconds for timed work) at a load; `completed=False` is a skipped set."""

    reps: int | None = None
    duration_seconds: int | None = None
    load_kg: Decimal | None = None
    completed: bool = True


class Outcome(StrEnum):
    TOP = "top"  # every prescribed set done at the top of the range (or the full duration), at the load
    MET = "met"  # every set within the range, not all at the top
    MISSED = "missed"  # a set missing, below the range, or lighter than prescribed


def assess(prescribed: Prescription, sets: Sequence[SetResult]) -> Outcome:
    done = [s for s in sets if s.completed][: prescribed.sets]
    if len(done) < prescribed.sets:
        return Outcome.MISSED
    kg_prescribed = prescribed.load_value if prescribed.load_type == LoadType.KG else None
    if kg_prescribed is not None and any(s.load_kg is not None and s.load_kg < kg_prescribed for s in done):
        return Outcome.MISSED
    if prescribed.duration_seconds:
        values, low, top = (
            [s.duration_seconds or 0 for s in done],
            prescribed.duration_seconds,
            prescribed.duration_seconds,
        )
    else:
        values, low, top = [s.reps or 0 for s in done], prescribed.reps_min or 0, prescribed.reps_max or 0
    if any(value < low for value in values):
        return Outcome.MISSED
    return Outcome.TOP if all(value >= top for value in values) else Outcome.MET


@dataclass(frozen=True)
class Decision:
    new_load: Decimal | None  # None: the load stays
    miss_streak: int
    rule: ProgressionRule | None  # the rule that changed the load


def _bounded(load_type: str, value: Decimal) -> Decimal:
    return max(MIN_LOAD[LoadType(load_type)], min(MAX_LOAD[LoadType(load_type)], value))


def decide(
    *,
    outcome: Outcome,
    load_type: str,
    load: Decimal | None,
    miss_streak: int,
    rules: dict[str, ProgressionRule],
) -> Decision:
    """Apply the effective rules (kind -> rule) of one exercise slot to one outcome."""
    adjustable = load_type in ADJUSTABLE_LOADS and load is not None
    if outcome == Outcome.MET:
        return Decision(None, 0, None)
    if outcome == Outcome.TOP:
        rule = rules.get(RuleKind.LOAD_INCREASE)
        if rule is None or not rule.is_enabled or not adjustable:
            return Decision(None, 0, None)
        step = rule.increment_kg if load_type == LoadType.KG else rule.increment_percent
        return Decision(_bounded(load_type, load + step), 0, rule)  # type: ignore[operator]  # adjustable: load and the step are set
    streak = miss_streak + 1
    rule = rules.get(RuleKind.DELOAD)
    if rule is None or not rule.is_enabled or not adjustable or streak < (rule.miss_threshold or 0):
        return Decision(None, streak, None)
    reduced = load * (Decimal(100) - rule.deload_percent) / Decimal(100)  # type: ignore[operator]  # adjustable: load and the percentage are set
    rounded = (reduced / LOAD_STEP).to_integral_value(rounding=ROUND_FLOOR) * LOAD_STEP
    return Decision(_bounded(load_type, rounded), 0, rule)
