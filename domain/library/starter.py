"""The starter library shipped in the repository (data/starter_exercises.json), loaded by a migration.

The migration runs on the studio template schema, so every new studio gets the starter library by
cloning. Loading is idempotent (by slug), so a later migration can reuse it to ship new exercises.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

STARTER_FILE = Path(__file__).resolve().parent / "data" / "starter_exercises.json"
EXERCISE_KEYS = (
    "description",
    "instructions",
    "primary_muscles",
    "secondary_muscles",
    "equipment",
    "difficulty",
    "mechanics",
    "force",
    "tags",
    "contraindications",
)


@cache
def starter_data() -> dict[str, Any]:
    return json.loads(STARTER_FILE.read_text(encoding="utf-8"))


def starter_load(category_model: Any, exercise_model: Any) -> tuple[int, int]:
    """Insert the starter categories and exercises that are not there yet; (categories, exercises) added.

    Takes the models as arguments so a migration can pass its historical models.
    """
    data = starter_data()
    existing = set(category_model.objects.values_list("slug", flat=True))
    by_slug = {c.slug: c for c in category_model.objects.all()}
    added_categories = 0
    for position, row in enumerate(data["categories"]):  # parents come before their children in the file
        if row["slug"] in existing:
            continue
        category = category_model.objects.create(
            slug=row["slug"],
            name=row["name"],
            parent=by_slug[row["parent"]] if row["parent"] else None,
            position=position,
            is_starter=True,
        )
        by_slug[category.slug] = category
        added_categories += 1
    known = set(exercise_model.objects.values_list("slug", flat=True))
    new = [
        exercise_model(
            slug=row["slug"],
            name=row["name"],
            category=by_slug[row["category"]],
            is_starter=True,
            **{key: row[key] for key in EXERCISE_KEYS},
        )
        for row in data["exercises"]
        if row["slug"] not in known
    ]
    exercise_model.objects.bulk_create(new, batch_size=500)
    return added_categories, len(new)
