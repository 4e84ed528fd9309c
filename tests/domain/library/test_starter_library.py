"""The starter library ships in the repository and is in every studio from the moment it exists."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from domain.library.models import Exercise, ExerciseCategory
from domain.library.starter import starter_data
from domain.library.vocabulary import Contraindication, Difficulty, Equipment, Force, Mechanics, Muscle

pytestmark = pytest.mark.django_db


def test_the_shipped_data_uses_only_the_closed_vocabularies():
    data = starter_data()
    categories = {c["slug"] for c in data["categories"]}
    assert len(data["exercises"]) >= 150
    for row in data["exercises"]:
        assert set(row["primary_muscles"]) <= set(Muscle.values), row["slug"]
        assert set(row["secondary_muscles"]) <= set(Muscle.values), row["slug"]
        assert set(row["equipment"]) <= set(Equipment.values), row["slug"]
        assert set(row["contraindications"]) <= set(Contraindication.values), row["slug"]
        assert row["difficulty"] in Difficulty.values
        assert row["mechanics"] in Mechanics.values
        assert row["force"] in Force.values
        assert row["category"] in categories


@pytest.mark.parametrize("which", ["studio", "other_studio"])
def test_every_new_studio_has_the_whole_starter_library(request, which):
    # given a studio provisioned by cloning the template (the session's studios are)
    studio = request.getfixturevalue(which)
    data = starter_data()
    with schema_context(studio.schema_name):
        # then every starter exercise and category is there, marked as starter, in a tree
        assert Exercise.objects.filter(is_starter=True).count() == len(data["exercises"])
        assert ExerciseCategory.objects.filter(is_starter=True).count() == len(data["categories"])
        squat = Exercise.objects.select_related("category__parent").get(slug="barbell-back-squat")
        assert squat.category.parent.slug == "strength"
        assert squat.instructions
        assert "quadriceps" in squat.primary_muscles
        assert "knee injury" in squat.contraindications


def test_a_studio_that_hides_a_starter_exercise_does_not_hide_it_elsewhere(studio, other_studio):
    with schema_context(studio.schema_name):
        Exercise.objects.filter(slug="barbell-back-squat").update(is_hidden=True)
    with schema_context(other_studio.schema_name):
        assert not Exercise.objects.get(slug="barbell-back-squat").is_hidden
