"""Strength maths, free of the database: estimated one-rep max and personal-record detection.

Estimated 1RM. Two classic formulas, for a set of `r` reps at load `w`:
- Epley (1985): w * (1 + r / 30)
- Brzycki (1993): w * 36 / (37 - r)
They agree exactly at 10 reps (both give w * 4/3); below that Brzycki is the closer of the two to
tested maxima and gives exactly w for a single, above it Epley degrades more gracefully (Brzycki
explodes as r approaches 37). So the estimate **shown** everywhere (records, charts) is Brzycki up to
10 reps and Epley above, a continuous curve. Sets of more than 20 reps get no estimate: no formula
is worth much that far from a single. Both raw values are available (`epley`, `brzycki`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from domain.workouts.models import RecordKind

CENT = Decimal("0.01")
FORMULA_SWITCH_REPS = 10  # Brzycki up to here, Epley above
MAX_ESTIMATE_REPS = 20


def _money_round(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def epley(load_kg: Decimal, reps: int) -> Decimal:
    return _money_round(load_kg * (1 + Decimal(reps) / 30))


def brzycki(load_kg: Decimal, reps: int) -> Decimal:
    if reps >= 37:
        raise ValueError("Brzycki's formula is undefined from 37 reps on.")
    return _money_round(load_kg * 36 / (37 - Decimal(reps)))


def estimated_1rm(load_kg: Decimal | None, reps: int | None) -> Decimal | None:
    """The estimate shown for a set (Brzycki ≤ 10 reps, Epley above), or None where it means nothing."""
    if load_kg is None or reps is None or load_kg <= 0 or not 1 <= reps <= MAX_ESTIMATE_REPS:
        return None
    if reps == 1:
        return _money_round(load_kg)
    return brzycki(load_kg, reps) if reps <= FORMULA_SWITCH_REPS else epley(load_kg, reps)


def formula_for(reps: int) -> str:
    """Which formula gave the shown estimate (for the label next to it)."""
    return "Brzycki" if reps <= FORMULA_SWITCH_REPS else "Epley"


# --- personal records -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SetDone:
    """A completed set of the workout being saved; `ref` is the caller's handle for it."""

    ref: int
    reps: int
    load_kg: Decimal  # 0 for bodyweight work


@dataclass
class Bests:
    """The client's bests for one exercise before this workout."""

    heaviest_load: Decimal | None = None
    best_e1rm: Decimal | None = None
    reps_by_load: dict[Decimal, int] = field(default_factory=dict)  # load -> most reps ever done at it

    def reps_at_or_above(self, load: Decimal) -> int | None:
        """Most reps ever done at `load` or heavier (doing 8 at 60 kg is no record after 10 at 70 kg)."""
        best = [reps for weight, reps in self.reps_by_load.items() if weight >= load]
        return max(best) if best else None


@dataclass(frozen=True)
class RecordFound:
    kind: str
    ref: int
    value: Decimal
    previous: Decimal | None
    load_kg: Decimal
    reps: int


def records_in(sets: Sequence[SetDone], bests: Bests) -> list[RecordFound]:
    """The records one exercise's sets of a workout set against the previous bests.

    At most one heaviest-load and one e1RM record per workout (the best set, the first on a tie), and a
    most-reps record for each load where this workout did more reps than ever at that load or heavier
    and than any heavier set of the same workout.
    """
    found: list[RecordFound] = []
    loaded = [s for s in sets if s.load_kg > 0 and s.reps > 0]
    if loaded:
        heaviest = max(loaded, key=lambda s: s.load_kg)  # max() keeps the first of equals
        if bests.heaviest_load is None or heaviest.load_kg > bests.heaviest_load:
            found.append(
                RecordFound(
                    RecordKind.HEAVIEST_LOAD,
                    heaviest.ref,
                    heaviest.load_kg,
                    bests.heaviest_load,
                    heaviest.load_kg,
                    heaviest.reps,
                )
            )
        estimates = [(estimated_1rm(s.load_kg, s.reps), s) for s in loaded]
        scored = [(value, s) for value, s in estimates if value is not None]
        if scored:
            best_value, best_set = max(scored, key=lambda pair: pair[0])
            if bests.best_e1rm is None or best_value > bests.best_e1rm:
                found.append(
                    RecordFound(
                        RecordKind.BEST_E1RM, best_set.ref, best_value, bests.best_e1rm, best_set.load_kg, best_set.reps
                    )
                )
    found.extend(_rep_records(sets, bests))
    return found


def _rep_records(sets: Iterable[SetDone], bests: Bests) -> list[RecordFound]:
    best_here: dict[Decimal, SetDone] = {}
    for done in sets:
        if done.reps > 0 and (done.load_kg not in best_here or done.reps > best_here[done.load_kg].reps):
            best_here[done.load_kg] = done
    records: list[RecordFound] = []
    heavier_today = 0  # most reps of this workout at a heavier load than the one looked at
    for load in sorted(best_here, reverse=True):
        done = best_here[load]
        before = bests.reps_at_or_above(load)
        if done.reps > heavier_today and (before is None or done.reps > before):
            previous = Decimal(before) if before is not None else None
            records.append(RecordFound(RecordKind.MOST_REPS, done.ref, Decimal(done.reps), previous, load, done.reps))
        heavier_today = max(heavier_today, done.reps)
    return records
