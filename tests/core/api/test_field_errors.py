"""A 422's `fields` speak the caller's language: pydantic's English wording never reaches them."""

from __future__ import annotations

import pytest
from django.utils import translation

from core.api.field_errors import field_error_message
from tests.factories.core import OwnerFactory

pytestmark = pytest.mark.django_db

ENGLISH_PYDANTIC = ("Field required", "Input should", "Value error", "String should")


def _fields(response) -> dict[str, str]:
    assert response.status_code == 422, response.content
    return response.json()["fields"]


@pytest.mark.parametrize(
    ("language", "required", "whole_number", "at_least"),
    [
        ("de", "Dieses Feld ist erforderlich.", "Gib eine ganze Zahl ein.", "Gib eine Zahl von mindestens 0 ein."),
        ("es", "Este campo es obligatorio.", "Introduce un número entero.", "Introduce un número de al menos 0."),
    ],
)
def test_a_refused_body_names_each_field_in_the_callers_language(
    api_client, tenant, language, required, whole_number, at_least
):
    """German and Spanish callers read 'Field required' and 'Input should be a valid integer, unable to
    parse string as an integer' under a translated `detail`."""
    owner = api_client(OwnerFactory())

    def fields_of(body: dict) -> dict[str, str]:
        return _fields(
            owner.post("/api/v1/packages", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE=language)
        )

    fields = fields_of({"kind": "pack", "price_amount": -1})
    assert fields == {"name": required, "price_amount": at_least}
    fields |= fields_of({"kind": "pack", "name": "Ten", "price_amount": 100, "credits": "x"})
    assert fields["credits"] == whole_number
    assert not any(text in message for message in fields.values() for text in ENGLISH_PYDANTIC)


def test_our_own_validators_message_comes_without_pydantics_prefix(api_client, tenant):
    owner = api_client(OwnerFactory())
    response = owner.get("/api/v1/trainers/1/slots?start=0001-01-01&end=2026-01-01", HTTP_ACCEPT_LANGUAGE="es")
    fields = _fields(response)
    assert fields["start"] == "Usa una fecha entre 1900-01-01 y 2200-12-31."


def test_choices_are_listed_without_english_words():
    with translation.override("de"):
        message = field_error_message(
            {"type": "literal_error", "ctx": {"expected": "'cash', 'bank_transfer' or 'other'"}}
        )
    assert message == "Wähle eines von: cash, bank_transfer, other."


def test_an_error_type_not_worded_here_is_still_in_the_callers_language():
    with translation.override("de"):
        assert field_error_message({"type": "some_future_type", "msg": "Something in English"}) == (
            "Dieser Wert ist ungültig."
        )


def test_lengths_are_counted_in_the_callers_plural_forms():
    with translation.override("de"):
        assert field_error_message({"type": "string_too_long", "ctx": {"max_length": 1}}) == (
            "Gib höchstens 1 Zeichen ein."
        )
        assert field_error_message({"type": "too_short", "ctx": {"min_length": 2}}) == "Gib mindestens 2 Einträge an."
