"""JSON bodies are strict (core/api/strict.py): a value of the wrong JSON type is a 422 naming the field.

Across the apps' write endpoints: money, sets and reps, capacity, ids, booleans, date-times. Each refusal
is checked against its control: the same body with the value of the right type does not name the field
(other fields may still be missing; the type alone is what is refused). Query strings, path parameters
and forms stay lax: their values are text by nature.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from domain.privacy.models import RetentionPolicy
from domain.privacy.services import retention_get
from tests.factories.core import OwnerFactory

pytestmark = pytest.mark.django_db

# (method, url, field path, the wrong value, a value of the right type)
CASES: list[tuple[str, str, tuple[Any, ...], Any, Any]] = [
    # money (integer minor units)
    ("post", "/api/v1/payments", ("amount",), "1000", 1000),
    ("post", "/api/v1/payments/1/refund", ("amount",), 10.0, 10),
    ("put", "/api/v1/commerce/policy", ("no_show_fee_amount",), True, 500),
    ("post", "/api/v1/packages", ("price_amount",), "49.99", 4999),
    # sets and reps
    ("post", "/api/v1/workouts/1/complete", ("exercises", 0, "sets", 0, "reps"), "8", 8),
    ("post", "/api/v1/workouts/1/complete", ("exercises", 0, "sets", 0, "completed"), "true", True),
    ("post", "/api/v1/clients/1/workouts", ("exercises", 0, "sets", 0, "rir"), 2.5, 2),
    # capacity
    ("post", "/api/v1/group-sessions", ("capacity",), "12", 12),
    ("put", "/api/v1/group-sessions/1", ("capacity",), 12.5, 12),
    ("post", "/api/v1/class-types", ("default_capacity",), False, 10),
    # ids
    ("post", "/api/v1/appointments", ("client_id",), "5", 5),
    ("post", "/api/v1/messaging/threads/group", ("member_ids", 0), "3", 3),
    ("post", "/api/v1/clients", ("trainer_ids", 0), True, 1),
    ("post", "/api/v1/recipes", ("ingredients", 0, "food_id"), 1.0, 1),
    # booleans, strings and date-times
    ("patch", "/api/v1/messaging/preferences", ("email_marketing",), 1, True),
    ("patch", "/api/v1/studio/settings", ("allow_client_signup",), "false", False),
    ("post", "/api/v1/exercises", ("name",), 42, "Goblet squat"),
    ("post", "/api/v1/group-sessions", ("starts_at",), 1_800_000_000, "2027-01-15T09:00:00+00:00"),
]


def _body(path: tuple[Any, ...], value: Any) -> Any:
    for part in reversed(path):
        value = [value] if isinstance(part, int) else {part: value}
    return value


def _send(client: Client, method: str, url: str, body: Any):
    return getattr(client, method)(url, body, content_type="application/json")


@pytest.fixture
def owner_api(api_client, tenant) -> Client:
    return api_client(OwnerFactory())


@pytest.mark.parametrize(("method", "url", "path", "wrong", "right"), CASES, ids=lambda v: str(v))
def test_a_value_of_the_wrong_json_type_is_a_422_naming_the_field(owner_api, method, url, path, wrong, right):
    field = ".".join(str(part) for part in path)
    # when the field holds a value of another JSON type
    response = _send(owner_api, method, url, _body(path, wrong))
    # then the body is refused, naming the field
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "validation_error"
    assert field in body["fields"], body
    # and the same value of the right type is not what is refused
    control = _send(owner_api, method, url, _body(path, right))
    assert field not in control.json().get("fields", {}), control.json()


def test_a_string_number_is_refused_and_changes_nothing_while_the_number_is_saved(owner_api):
    # given the studio's retention policy
    before = {"export_days": 7, "archived_client_media_days": 365, "review_video_days": 90}
    assert owner_api.put("/api/v1/privacy/retention", before, content_type="application/json").status_code == 200
    # when a day count is sent as a string
    sent = {**before, "export_days": "14"}
    response = owner_api.put("/api/v1/privacy/retention", sent, content_type="application/json")
    # then it is a 422 naming it, and nothing changed
    assert response.status_code == 422
    assert response.json()["fields"] == {"export_days": "Enter a whole number."}
    assert retention_get().export_days == 7
    # and as a number it is saved
    saved = owner_api.put("/api/v1/privacy/retention", {**before, "export_days": 14}, content_type="application/json")
    assert saved.status_code == 200
    assert RetentionPolicy.objects.get().export_days == 14


def test_a_decimal_quantity_takes_a_number_or_the_decimal_string_responses_write(owner_api):
    for load in (72.5, "72.5"):
        body = _body(("exercises", 0, "sets", 0, "load"), load)
        response = _send(owner_api, "post", "/api/v1/workouts/1/complete", body)
        assert "exercises.0.sets.0.load" not in response.json().get("fields", {}), response.json()


def test_query_strings_and_path_parameters_stay_lax(owner_api):
    # every query value is text: `limit=5` is the number 5
    response = owner_api.get("/api/v1/clients?limit=5")
    assert response.status_code == 200, response.content
    assert owner_api.get("/api/v1/exercises?limit=5").status_code == 200
    # and a path id is read from its text: an unknown one is a 404, not a 422
    assert owner_api.get("/api/v1/clients/999999").status_code == 404
