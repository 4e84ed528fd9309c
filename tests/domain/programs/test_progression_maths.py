"""The progression maths on their own: outcomes of logged sets and what each rule decides."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.programs.models import ProgressionRule, SessionExercise
from domain.programs.progression import Outcome, SetResult, assess, decide

pytestmark = pytest.mark.pure  # no database, no cache

INCREASE = ProgressionRule(kind="load_increase", increment_kg=Decimal("2.5"), increment_percent=Decimal("2.5"))
DELOAD = ProgressionRule(kind="deload", miss_threshold=2, deload_percent=Decimal(10))
RULES = {"load_increase": INCREASE, "deload": DELOAD}


def prescribed(**fields) -> SessionExercise:
    base = {"sets": 3, "reps_min": 8, "reps_max": 12, "load_type": "kg", "load_value": Decimal(50)}
    return SessionExercise(**{**base, **fields})


@pytest.mark.parametrize(
    ("sets", "expected"),
    [
        ([12, 12, 12], Outcome.TOP),
        ([12, 12, 13, 5], Outcome.TOP),  # extra sets beyond the prescription are ignored
        ([12, 10, 12], Outcome.MET),
        ([12, 12, 7], Outcome.MISSED),
        ([12, 12], Outcome.MISSED),
    ],
)
def test_reps_against_the_range(sets, expected):
    assert assess(prescribed(), [SetResult(reps=r) for r in sets]) == expected


def test_skipped_sets_and_timed_sets():
    skipped = [SetResult(reps=12), SetResult(reps=12, completed=False), SetResult(reps=12)]
    assert assess(prescribed(), skipped) == Outcome.MISSED
    hold = prescribed(reps_min=None, reps_max=None, duration_seconds=45, load_type="none", load_value=None)
    assert assess(hold, [SetResult(duration_seconds=s) for s in (45, 50, 45)]) == Outcome.TOP
    assert assess(hold, [SetResult(duration_seconds=s) for s in (45, 30, 45)]) == Outcome.MISSED


def test_increase_deload_and_their_limits():
    top = decide(outcome=Outcome.TOP, load_type="kg", load=Decimal(50), miss_streak=1, rules=RULES)
    assert (top.new_load, top.miss_streak, top.rule) == (Decimal("52.5"), 0, INCREASE)
    first_miss = decide(outcome=Outcome.MISSED, load_type="kg", load=Decimal(50), miss_streak=0, rules=RULES)
    assert (first_miss.new_load, first_miss.miss_streak) == (None, 1)
    second_miss = decide(outcome=Outcome.MISSED, load_type="kg", load=Decimal("52.5"), miss_streak=1, rules=RULES)
    assert (second_miss.new_load, second_miss.miss_streak) == (Decimal("47"), 0)  # 47.25 rounded down
    capped = decide(outcome=Outcome.TOP, load_type="percent_1rm", load=Decimal(119), miss_streak=0, rules=RULES)
    assert capped.new_load == Decimal(120)
    bodyweight = decide(outcome=Outcome.TOP, load_type="none", load=None, miss_streak=0, rules=RULES)
    assert bodyweight.new_load is None
    rpe = decide(outcome=Outcome.MISSED, load_type="rpe", load=Decimal(8), miss_streak=5, rules=RULES)
    assert rpe.new_load is None


def test_a_switched_off_or_absent_rule_does_nothing():
    off = ProgressionRule(kind="load_increase", is_enabled=False, increment_kg=Decimal(5), increment_percent=Decimal(5))
    assert (
        decide(
            outcome=Outcome.TOP, load_type="kg", load=Decimal(50), miss_streak=0, rules={"load_increase": off}
        ).new_load
        is None
    )
    assert decide(outcome=Outcome.MISSED, load_type="kg", load=Decimal(50), miss_streak=9, rules={}).new_load is None
