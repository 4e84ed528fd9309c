"""The input layer (core/input.py) and the JSON error contract: bad input is a clear 4xx, never a 500."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from core.models import User
from tests.factories.core import ClientFactory, OwnerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_api(api_client, tenant) -> Client:
    return api_client(OwnerFactory())


def post_raw(client: Client, path: str, body: str | bytes, content_type: str = "application/json"):
    return client.generic("POST", path, body, content_type=content_type)


def refused(response, status: int, code: str, field: str | None = None) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == code
    assert body["detail"]
    if field is not None:
        assert field in body["fields"], body
    return body


def test_a_nul_in_a_query_parameter_is_400_naming_it(owner_api):
    refused(owner_api.get("/api/v1/clients?q=abc%00"), 400, "invalid_input", "q")


def test_a_nul_in_a_path_is_400(owner_api):
    refused(owner_api.get("/api/v1/clients/1%00"), 400, "invalid_input", "path")


def test_a_nul_in_a_json_field_is_400_naming_it_and_writes_nothing(owner_api):
    before = User.objects.count()
    body = {"email": "new@alpha.test", "first_name": "A\u0000B", "profile": {"notes": "ok"}}
    response = owner_api.post("/api/v1/clients", body, content_type="application/json")
    refused(response, 400, "invalid_input", "first_name")
    assert User.objects.count() == before


def test_a_nul_in_a_nested_field_names_the_path(owner_api):
    body = {"idempotency_key": "6f1c1b7e-0000-4000-8000-000000000001", "exercises": [{"sets": [], "notes": "x\x00"}]}
    refused(
        owner_api.post("/api/v1/workouts/1/complete", body, content_type="application/json"),
        400,
        "invalid_input",
        "exercises.0.notes",
    )


def test_a_nul_in_the_sign_in_address_is_400_not_500(studio_client):
    response = studio_client.post(
        "/api/v1/auth/login", {"email": "x\u0000@a.test", "password": "x"}, content_type="application/json"
    )
    refused(response, 400, "invalid_input", "email")


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ('{"email": "a@alpha.test", "first_name": "\\ud89f"}', "first_name"),  # a lone surrogate as a value
        ('{"email": "a@alpha.test", "first_name": "Ann", "\\ud89f": 1}', "\\ud89f"),  # ... and as a key
        ('{"email": "a@alpha.test", "first_name": "Ann", "a\\u0000b": 1}', "a\\x00b"),  # a NUL in a key
    ],
)
def test_invalid_unicode_in_values_and_keys_is_400_naming_the_field(owner_api, raw, field):
    before = User.objects.count()
    refused(post_raw(owner_api, "/api/v1/clients", raw), 400, "invalid_input", field)
    assert User.objects.count() == before


def test_a_nul_in_a_portal_form_is_400(studio_client, tenant):
    owner = OwnerFactory()
    studio_client.force_login(owner)
    response = studio_client.post("/clients/new/", {"email": "n@alpha.test", "first_name": "A\x00B"})
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


@pytest.mark.parametrize("raw", ["{not json", '{"a": NaN}', '{"a": Infinity}', b'{"a": "\xff"}'])
def test_a_body_that_is_not_json_is_400(owner_api, raw):
    refused(post_raw(owner_api, "/api/v1/clients", raw), 400, "invalid_json")


@pytest.mark.parametrize(("number", "field"), [("1e400", "first_name"), ("-1e400", "trainer_ids.0")])
def test_a_json_number_that_does_not_fit_is_400(owner_api, number, field):
    raw = (
        f'{{"email": "a@alpha.test", "first_name": {number}}}'
        if field == "first_name"
        else f'{{"email": "a@alpha.test", "first_name": "Ann", "trainer_ids": [{number}]}}'
    )
    refused(post_raw(owner_api, "/api/v1/clients", raw), 400, "invalid_input", field)


def test_an_integer_beyond_64_bits_is_400(owner_api):
    raw = '{"email": "a@alpha.test", "first_name": "Ann", "trainer_ids": [' + "9" * 30 + "]}"
    refused(post_raw(owner_api, "/api/v1/clients", raw), 400, "invalid_input", "trainer_ids.0")


def test_a_decimal_string_that_does_not_fit_is_422_before_any_arithmetic(api_client, tenant):
    client = ClientFactory()
    body = {"measurements": [{"type": "body_weight", "value": "1e400"}]}
    response = api_client(client).post(f"/api/v1/clients/{client.pk}/progress", body, content_type="application/json")
    refused(response, 422, "validation_error", "measurements.0.value")


@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31", "2201-01-01", "9999-12-31"])
def test_dates_outside_the_sane_range_are_refused(api_client, tenant, day):
    client = ClientFactory()
    body = {"recorded_on": day, "measurements": [{"type": "body_weight", "value": "80"}]}
    response = api_client(client).post(f"/api/v1/clients/{client.pk}/progress", body, content_type="application/json")
    body = refused(response, 422, "validation_error", "recorded_on")
    assert "1900-01-01" in body["fields"]["recorded_on"]


def test_a_body_over_the_limit_is_413_json(owner_api):
    raw = json.dumps({"email": "a@alpha.test", "first_name": "x" * (3 * 1024 * 1024)})
    refused(post_raw(owner_api, "/api/v1/clients", raw), 413, "body_too_large")


def test_a_body_that_is_neither_json_nor_a_form_is_415(owner_api):
    refused(post_raw(owner_api, "/api/v1/clients", "<client/>", "application/xml"), 415, "unsupported_media_type")


def test_an_unknown_api_path_is_404_json(owner_api):
    refused(owner_api.get("/api/v1/no-such-thing"), 404, "not_found")


def test_a_wrong_method_is_405_json_with_allow(owner_api):
    response = owner_api.patch("/api/v1/auth/me")
    refused(response, 405, "method_not_allowed")
    assert "GET" in response["Allow"]


def test_pages_outside_the_api_keep_their_html_errors(studio_client):
    response = studio_client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
