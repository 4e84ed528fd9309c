"""Nutrient arithmetic shared by recipes, meal plans, logs and adherence: pure, no database writes.

Nutrients of a food are per 100 g; a portion of `g` grams carries `value x g / 100`. Sums are kept exact
(Decimal) and rounded once, when shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

NUTRIENT_NAMES = ("energy_kcal", "protein_g", "carbohydrate_g", "fat_g", "fibre_g")
OUNCE_GRAMS = Decimal("28.349523125")  # the international avoirdupois ounce
BANDS = (3, 7, 10)  # a total within 3 %, 7 % or 10 % of its target


def zero() -> dict[str, Decimal]:
    return dict.fromkeys(NUTRIENT_NAMES, Decimal(0))


def of_portion(food: Any, grams: Decimal) -> dict[str, Decimal]:
    """What `grams` of `food` (nutrients per 100 g) carries, unrounded."""
    return {name: Decimal(getattr(food, name)) * Decimal(grams) / 100 for name in NUTRIENT_NAMES}


def add(total: dict[str, Decimal], more: dict[str, Any]) -> dict[str, Decimal]:
    """`total` plus `more`, nutrient by nutrient (in place, and returned)."""
    for name in NUTRIENT_NAMES:
        total[name] += Decimal(more.get(name) or 0)
    return total


def total_of(rows: Iterable[Any]) -> dict[str, Decimal]:
    """The sum of objects (or dicts) that carry the nutrient attributes themselves (log rows)."""
    total = zero()
    for row in rows:
        add(total, row if isinstance(row, dict) else {name: getattr(row, name) for name in NUTRIENT_NAMES})
    return total


@dataclass(frozen=True)
class RecipeTotals:
    grams: Decimal  # the ingredients' total weight
    total: dict[str, Decimal]  # the whole recipe's nutrients
    per_100g: dict[str, Decimal]  # rounded to 0.01, as a Food stores them


def per_100g(ingredients: Iterable[tuple[Any, Decimal]]) -> RecipeTotals:
    """A recipe's nutrients per 100 g = the ingredients' sum / their total weight x 100 (raw weights)."""
    grams = Decimal(0)
    total = zero()
    for food, weight in ingredients:
        grams += Decimal(weight)
        add(total, of_portion(food, weight))
    scale = Decimal(100) / grams if grams else Decimal(0)
    return RecipeTotals(
        grams=grams,
        total=total,
        per_100g={name: (value * scale).quantize(Decimal("0.01")) for name, value in total.items()},
    )


def band(actual: Decimal, target: int | None) -> int | None:
    """The tightest of 3 / 7 / 10 % that `actual` falls within around `target`; None when outside 10 %
    (or no target). E.g. band(2050, 2000) == 3."""
    if not target:
        return None
    off = abs(Decimal(actual) - target) / target * 100
    return next((limit for limit in BANDS if off <= limit), None)


def within(actual: Decimal, target: int | None, tolerance_percent: int) -> bool:
    """Is `actual` within ± `tolerance_percent` % of `target`? (False without a target.)"""
    if not target:
        return False
    return abs(Decimal(actual) - target) * 100 <= Decimal(target) * tolerance_percent


def barcode_valid(code: str) -> bool:
    """GS1 check digit of an EAN-8, UPC-A (12), EAN-13 or GTIN-14: weights 3,1,3,... from the right
    (excluding the check digit), check = (10 - sum mod 10) mod 10 (GS1 General Specifications, 7.9)."""
    if not code.isascii() or not code.isdigit() or len(code) not in {8, 12, 13, 14}:
        return False
    digits = [int(c) for c in code]
    body, check = digits[:-1], digits[-1]
    weighted = sum(d * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - weighted % 10) % 10 == check
