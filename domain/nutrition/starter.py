"""The starter food database (data/starter_foods.csv, our own file written from public nutrient facts),
loaded by a migration into the studio template, so every new studio has it.

Columns: name, category, energy_kcal, protein_g, carbohydrate_g, fat_g, fibre_g (all per 100 g) and
portions as `label=grams;label=grams`. To extend it, add rows and ship a migration that calls
`starter_load` again: loading is idempotent (a built-in food of the same name is left as it is).
"""

from __future__ import annotations

import csv
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

STARTER_FILE = Path(__file__).resolve().parent / "data" / "starter_foods.csv"
NUTRIENT_COLUMNS = ("energy_kcal", "protein_g", "carbohydrate_g", "fat_g", "fibre_g")


@cache
def starter_rows() -> list[dict[str, Any]]:
    """The file's foods as dicts: nutrients as Decimal, portions as [(label, grams)]."""
    with STARTER_FILE.open(encoding="utf-8", newline="") as handle:
        rows = []
        for row in csv.DictReader(handle):
            portions = [part.split("=", 1) for part in row["portions"].split(";") if part]
            rows.append(
                {
                    "name": row["name"],
                    "category": row["category"],
                    **{column: Decimal(row[column]) for column in NUTRIENT_COLUMNS},
                    "portions": [(label.strip(), Decimal(grams)) for label, grams in portions],
                }
            )
        return rows


def starter_load(food_model: Any, portion_model: Any) -> int:
    """Insert the starter foods not there yet (by name among built-ins); the number added.

    Takes the models as arguments so a migration can pass its historical models.
    """
    known = set(food_model.objects.filter(is_builtin=True).values_list("name", flat=True))
    new_rows = [row for row in starter_rows() if row["name"] not in known]
    foods = food_model.objects.bulk_create(
        [
            food_model(
                name=row["name"],
                category=row["category"],
                is_builtin=True,
                **{column: row[column] for column in NUTRIENT_COLUMNS},
            )
            for row in new_rows
        ]
    )
    portion_model.objects.bulk_create(
        [
            portion_model(food=food, label=label, grams=grams, position=position)
            for food, row in zip(foods, new_rows, strict=True)
            for position, (label, grams) in enumerate(row["portions"])
        ]
    )
    return len(foods)
