"""Ids typed into query strings and forms: anything that is not a plain id is ignored or refused, never a 500."""

from __future__ import annotations

import pytest

from core.http import id_param
from core.models import Role

pytestmark = pytest.mark.django_db

ODD = ["²", "٣", "-1", "+1", "1.0", " 1", "9" * 30, "", None]


@pytest.mark.parametrize("value", ODD)
def test_only_plain_ascii_digits_within_64_bits_are_an_id(value):
    assert id_param(value) is None


def test_a_plain_id_is_read():
    assert id_param("42") == 42


@pytest.mark.parametrize("value", ["²", "9" * 30, "abc"])
def test_the_messages_and_notifications_pages_take_odd_ids_without_a_500(signed_in, value):
    client, _person = signed_in(Role.CLIENT)
    assert client.get("/messages/", {"thread": value}).status_code == 200
    assert client.post("/notifications/read/", {"id": [value, "1"]}).status_code == 302
    assert client.get("/videos/compare/", {"a": value, "b": "1"}).status_code in (302, 404)
