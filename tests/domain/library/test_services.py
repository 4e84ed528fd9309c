"""Studios add, edit, copy and hide exercises; starter exercises stay as shipped."""

from __future__ import annotations

from dataclasses import replace

import pytest
from django.db import IntegrityError, transaction

from core.exceptions import ConflictError, ValidationError
from domain.library.models import Exercise, ExerciseCategory
from domain.library.selectors import category_list, exercise_list
from domain.library.services import (
    ExerciseData,
    category_create,
    exercise_copy,
    exercise_create,
    exercise_set_hidden,
    exercise_update,
)
from tests.factories.core import TrainerFactory
from tests.factories.library import ExerciseFactory, starter
from tests.querycount import count_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(tenant):
    return ExerciseData(
        name="Landmine squat to press",
        category_id=ExerciseCategory.objects.get(slug="strength-full-body").pk,
        primary_muscles=["Quadriceps", "front delts"],
        secondary_muscles=["core"],
        equipment=["landmine", "barbell"],
        difficulty="intermediate",
        mechanics="compound",
        force="push",
        instructions=["Hold the sleeve at the chest", "  ", "Squat, then press as you stand"],
        tags=["Full Body", "power"],
        contraindications=["shoulder impingement"],
        video_url="https://videos.example.test/landmine",
    )


def test_a_trainer_adds_an_exercise_of_the_studio(tenant, data):
    trainer = TrainerFactory()
    exercise = exercise_create(actor=trainer, data=data)
    assert exercise.slug.startswith("custom-")
    assert not exercise.is_starter
    assert exercise.created_by == trainer
    assert exercise.primary_muscles == ["quadriceps", "front delts"]
    assert exercise.instructions == ["Hold the sleeve at the chest", "Squat, then press as you stand"]
    assert exercise.tags == ["full-body", "power"]


def test_unknown_terms_are_refused_with_every_problem_named_and_nothing_saved(tenant, data):
    before = Exercise.objects.count()
    bad = replace(
        data, name=" ", primary_muscles=["biceps", "wings"], equipment=[], video_url="ftp://x", difficulty="easy"
    )
    with pytest.raises(ValidationError) as excinfo:
        exercise_create(actor=TrainerFactory(), data=bad)
    fields = excinfo.value.extra["fields"]
    assert set(fields) == {"name", "primary_muscles", "equipment", "video_url", "difficulty"}
    assert "wings" in fields["primary_muscles"]
    assert Exercise.objects.count() == before


def test_the_database_refuses_terms_outside_the_vocabulary(tenant):
    with pytest.raises(IntegrityError), transaction.atomic():
        ExerciseFactory(primary_muscles=["wings"])


def test_starter_exercises_are_read_only_but_can_be_copied_and_the_copy_edited(tenant, data):
    trainer = TrainerFactory()
    original = starter("barbell-back-squat")
    with pytest.raises(ConflictError) as excinfo:
        exercise_update(actor=trainer, exercise_id=original.pk, data=data)
    assert excinfo.value.code == "starter_read_only"
    original.refresh_from_db()
    assert original.name == "Barbell back squat"
    # when the studio copies it and hides the original
    copy = exercise_copy(exercise_id=original.pk, actor=trainer, hide_original=True)
    edited = exercise_update(actor=trainer, exercise_id=copy.pk, data=replace(data, name="Our back squat"))
    # then the copy is theirs to edit and takes the original's place in the library
    assert edited.name == "Our back squat"
    assert edited.copied_from == original
    names = set(exercise_list(search="squat").values_list("name", flat=True))
    assert "Our back squat" in names
    assert "Barbell back squat" not in names
    assert "Barbell back squat" in set(
        exercise_list(search="squat", include_hidden=True).values_list("name", flat=True)
    )


def test_hide_and_show_again(tenant):
    trainer = TrainerFactory()
    exercise = starter("push-up")
    exercise_set_hidden(actor=trainer, exercise_id=exercise.pk, hidden=True)
    assert not exercise_list(search="push-up").filter(pk=exercise.pk).exists()
    exercise_set_hidden(actor=trainer, exercise_id=exercise.pk, hidden=False)
    assert exercise_list(search="push-up").filter(pk=exercise.pk).exists()


def test_search_by_name_muscle_equipment_and_category_tree(tenant):
    by_name = exercise_list(search="ROMANIAN")
    assert by_name.exists()
    assert all("romanian" in e.name.lower() for e in by_name)
    hamstrings = exercise_list(muscle="hamstrings")
    assert all("hamstrings" in e.primary_muscles + e.secondary_muscles for e in hamstrings)
    primary = exercise_list(muscle="hamstrings", primary_only=True)
    assert 0 < primary.count() < hamstrings.count()
    kettlebell = exercise_list(equipment="kettlebell")
    assert kettlebell.exists()
    assert all("kettlebell" in e.equipment for e in kettlebell)
    strength = ExerciseCategory.objects.get(slug="strength")
    in_tree = exercise_list(category_id=strength.pk)
    assert {e.category.parent_id for e in in_tree} == {strength.pk}  # every one is in a sub-category


def test_categories_come_as_a_tree_in_one_query(tenant):
    with count_queries() as queries:
        categories = category_list()
    assert len(queries) == 1
    strength = next(c for c in categories if c.slug == "strength")
    lower = next(c for c in categories if c.slug == "strength-lower")
    assert (strength.depth, lower.depth) == (0, 1)
    assert categories.index(strength) < categories.index(lower)


def test_a_studio_adds_a_sub_category_once(tenant):
    trainer = TrainerFactory()
    parent = ExerciseCategory.objects.get(slug="cardio")
    category = category_create(actor=trainer, name="Swimming", parent_id=parent.pk)
    assert category.parent == parent
    with pytest.raises(ConflictError):
        category_create(actor=trainer, name="swimming", parent_id=parent.pk)
    with pytest.raises(ValidationError):
        category_create(actor=trainer, name="Rowing", parent_id=999999)
