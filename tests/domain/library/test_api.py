"""/api/v1/exercises through HTTP."""

from __future__ import annotations

import pytest

from domain.library.models import Exercise, ExerciseCategory
from tests.domain.api_helpers import send
from tests.factories.library import ExerciseFactory, starter
from tests.querycount import queries_of_get

pytestmark = pytest.mark.django_db


def test_everyone_searches_by_name_muscle_and_equipment(api_client, client_user):
    api = api_client(client_user)
    status, body = send(api, "get", "/api/v1/exercises?q=deadlift&equipment=barbell&limit=100")
    assert status == 200
    assert body["items"]
    assert all("deadlift" in e["name"].lower() and "barbell" in e["equipment"] for e in body["items"])
    _status, glutes = send(api, "get", "/api/v1/exercises?muscle=glutes&primary_only=true&limit=5")
    assert all("glutes" in e["primary_muscles"] for e in glutes["items"])
    assert glutes["next_cursor"]
    _status, more = send(
        api, "get", f"/api/v1/exercises?muscle=glutes&primary_only=true&limit=5&cursor={glutes['next_cursor']}"
    )
    assert not {e["id"] for e in more["items"]} & {e["id"] for e in glutes["items"]}


def test_staff_add_copy_hide_and_cannot_edit_starters(api_client, trainer, client_user):
    api = api_client(trainer)
    payload = {
        "name": "Cable woodchop (high to low)",
        "category_id": ExerciseCategory.objects.get(slug="core-anti-rotation").pk,
        "primary_muscles": ["obliques"],
        "equipment": ["cable"],
        "difficulty": "beginner",
        "mechanics": "compound",
        "force": "rotation",
    }
    status, created = send(api, "post", "/api/v1/exercises", payload)
    assert (status, created["is_starter"]) == (201, False)
    assert send(api_client(client_user), "post", "/api/v1/exercises", payload)[0] == 403
    squat = starter("barbell-back-squat")
    status, body = send(api, "put", f"/api/v1/exercises/{squat.pk}", payload)
    assert (status, body["code"]) == (409, "starter_read_only")
    status, copy = send(api, "post", f"/api/v1/exercises/{squat.pk}/copy", {})
    assert (status, copy["copied_from_id"]) == (201, squat.pk)
    status, edited = send(api, "put", f"/api/v1/exercises/{copy['id']}", {**payload, "name": "Our squat"})
    assert (status, edited["name"]) == (200, "Our squat")
    squat.refresh_from_db()
    assert squat.is_hidden
    assert send(api, "post", f"/api/v1/exercises/{squat.pk}/show")[1]["is_hidden"] is False


def test_bad_exercises_are_refused_with_fields_and_nothing_saved(api_client, trainer):
    before = Exercise.objects.count()
    status, body = send(
        api_client(trainer),
        "post",
        "/api/v1/exercises",
        {
            "name": "X",
            "category_id": 0,
            "primary_muscles": ["wings"],
            "equipment": ["rocket"],
            "difficulty": "hard",
            "mechanics": "compound",
        },
    )
    assert status == 400
    assert set(body["fields"]) == {"category_id", "primary_muscles", "equipment", "difficulty"}
    assert Exercise.objects.count() == before


def test_categories_and_vocabulary(api_client, client_user, trainer):
    status, tree = send(api_client(client_user), "get", "/api/v1/exercise-categories")
    assert status == 200
    assert tree[0]["depth"] == 0
    status, created = send(
        api_client(trainer), "post", "/api/v1/exercise-categories", {"name": "Swim", "parent_id": tree[0]["id"]}
    )
    assert (status, created["depth"]) == (201, 1)
    _status, vocabulary = send(api_client(client_user), "get", "/api/v1/exercise-vocabulary")
    assert {"value": "shoulder impingement", "label": "Shoulder impingement"} in vocabulary["contraindications"]


def test_the_exercise_list_costs_the_same_with_more_exercises(api_client, trainer):
    api = api_client(trainer)
    url = "/api/v1/exercises?starter=false&limit=100"
    ExerciseFactory.create_batch(2)
    small = queries_of_get(api, url)
    assert small == 3  # exact
    ExerciseFactory.create_batch(20)
    assert queries_of_get(api, url) == small
