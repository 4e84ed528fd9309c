"""core.api.rows: a list read as plain values shows exactly what the model instances showed."""

from __future__ import annotations

import pytest
from django.db.models import Model

from core.api.pagination import paginate_cursor
from core.api.rows import shape_plan, shape_rows
from core.api.shapes import Out
from domain.clients.models import ClientGoal
from domain.clients.schemas import GoalOut
from domain.library.models import Exercise, ExerciseCategory
from domain.library.schemas import ExerciseOut
from domain.programs.models import ProgramTemplate
from domain.programs.schemas import TemplateSummaryOut

pytestmark = pytest.mark.django_db


def as_instances(queryset, shape) -> list[dict]:
    return [shape.model_validate(row).model_dump() for row in queryset]


def test_exercise_rows_match_the_instances_field_for_field(tenant):
    rows = shape_rows(Exercise.objects.order_by("name", "id")[:60], ExerciseOut)
    assert rows is not None
    assert len(rows) == min(60, Exercise.objects.count()) > 10
    expected = as_instances(Exercise.objects.select_related("category").order_by("name", "id")[:60], ExerciseOut)
    assert [ExerciseOut.model_validate(row).model_dump() for row in rows] == expected


def test_the_columns_are_only_those_the_shape_shows(tenant):
    plan = shape_plan(Exercise, ExerciseOut)
    lookups = [lookup for _path, lookup in plan.columns]
    assert "category__name" in lookups
    assert "copied_from_id" in lookups
    assert not any(name in lookups for name in ("created_at", "updated_at", "created_by_id", "category__parent_id"))


class PropertyShape(Out):
    id: int
    display_name: str  # a property of no column: needs the instance


class NullableNested(Out):
    id: int
    parent: ExerciseCategoryRef | None


class ExerciseCategoryRef(Out):
    id: int
    name: str


NullableNested.model_rebuild()


@pytest.mark.parametrize(
    ("model", "shape"), [(Exercise, PropertyShape), (ClientGoal, GoalOut)]
)  # GoalOut: progress_percent is a property
def test_a_shape_that_needs_instances_is_read_from_instances(model: type[Model], shape, tenant):
    assert shape_plan(model, shape) is None
    assert shape_rows(model.objects.all(), shape) is None


def test_an_empty_nullable_foreign_key_reads_as_none(tenant):
    rows = shape_rows(ExerciseCategory.objects.order_by("id"), NullableNested)
    top = [row for row in rows if row["parent"] is None]
    nested = [row for row in rows if row["parent"] is not None]
    assert top
    assert nested
    assert set(nested[0]["parent"]) == {"id", "name"}


def test_a_shape_with_timestamps_reads_them_as_the_instances_do(studio_owner, tenant):
    from tests.factories.programs import template

    for name in ("Strength A", "Strength B", "Hypertrophy"):
        template(actor=studio_owner, name=name)
    rows = shape_rows(ProgramTemplate.objects.order_by("id"), TemplateSummaryOut)
    assert len(rows) == 3
    expected = as_instances(ProgramTemplate.objects.order_by("id"), TemplateSummaryOut)
    assert [TemplateSummaryOut.model_validate(row).model_dump() for row in rows] == expected


def test_a_page_of_rows_pages_on_like_a_page_of_instances(tenant):
    queryset = Exercise.objects.select_related("category")
    by_rows = paginate_cursor(queryset, cursor=None, limit=7, order=("name", "id"), shape=ExerciseOut)
    by_instances = paginate_cursor(queryset, cursor=None, limit=7, order=("name", "id"))
    assert by_rows["next_cursor"] == by_instances["next_cursor"]
    second = paginate_cursor(queryset, cursor=by_rows["next_cursor"], limit=7, order=("name", "id"), shape=ExerciseOut)
    assert [row["id"] for row in second["items"]] == [
        e.pk for e in paginate_cursor(queryset, cursor=by_rows["next_cursor"], limit=7, order=("name", "id"))["items"]
    ]
    empty = paginate_cursor(queryset.none(), cursor=None, limit=7, order=("name", "id"), shape=ExerciseOut)
    assert empty == {"items": [], "next_cursor": None}
