"""Reads of the exercise library."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from core.exceptions import NotFoundError
from domain.library.models import Exercise, ExerciseCategory


def exercise_list(
    *,
    search: str | None = None,
    muscle: str | None = None,
    primary_only: bool = False,
    equipment: str | None = None,
    category_id: int | None = None,
    difficulty: str | None = None,
    starter: bool | None = None,
    include_hidden: bool = False,
) -> QuerySet[Exercise]:
    """Exercises ordered by name; a category includes its sub-categories; a muscle matches primary or secondary."""
    exercises = Exercise.objects.select_related("category")
    if not include_hidden:
        exercises = exercises.filter(is_hidden=False)
    if search and search.strip():
        term = search.strip()
        exercises = exercises.filter(Q(name__icontains=term) | Q(tags__contains=[term.lower().replace(" ", "-")]))
    if muscle:
        muscle = muscle.strip().lower()
        by_muscle = Q(primary_muscles__contains=[muscle])
        if not primary_only:
            by_muscle |= Q(secondary_muscles__contains=[muscle])
        exercises = exercises.filter(by_muscle)
    if equipment:
        exercises = exercises.filter(equipment__contains=[equipment.strip().lower()])
    if category_id is not None:
        exercises = exercises.filter(category_id__in=category_descendant_ids(category_id=category_id))
    if difficulty:
        exercises = exercises.filter(difficulty=difficulty)
    if starter is not None:
        exercises = exercises.filter(is_starter=starter)
    return exercises.order_by("name", "id")


def exercise_get(*, exercise_id: int) -> Exercise:
    exercise = Exercise.objects.select_related("category").filter(pk=exercise_id).first()
    if exercise is None:
        raise NotFoundError(_("Exercise not found."))
    return exercise


def category_list() -> list[ExerciseCategory]:
    """Every category in tree order (parents before children), with `depth` set; one query."""
    categories = list(ExerciseCategory.objects.order_by("position", "name", "id"))
    children: dict[int | None, list[ExerciseCategory]] = {}
    for category in categories:
        children.setdefault(category.parent_id, []).append(category)
    ordered: list[ExerciseCategory] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for category in children.get(parent_id, []):
            category.depth = depth  # type: ignore[attr-defined]  # the tree depth rides on the instance for the templates
            ordered.append(category)
            walk(category.pk, depth + 1)

    walk(None, 0)
    return ordered


def category_descendant_ids(*, category_id: int) -> set[int]:
    """The category and everything under it."""
    parents = dict(ExerciseCategory.objects.values_list("id", "parent_id"))
    found = {category_id}
    changed = True
    while changed:
        before = len(found)
        found |= {cid for cid, parent in parents.items() if parent in found}
        changed = len(found) != before
    return found
