"""Ids and dates typed into query strings and forms: anything that is not a plain id, or a date within the
platform's range, is ignored or refused, never a 500."""

from __future__ import annotations

from datetime import date

import pytest

from core.http import date_param, id_param
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


@pytest.mark.parametrize("value", ["²", "9" * 30, "abc", "-1"])
def test_the_plan_and_sales_desk_forms_take_odd_ids_without_a_500(signed_in, value):
    client, _owner = signed_in(Role.OWNER)
    assert client.post("/billing/plan/", {"price": value}).status_code == 302
    assert client.post("/sales/sell/", {"client": value, "package": value}).status_code == 302
    assert client.get("/sales/", {"client": value}).status_code == 200
    assert client.get("/schedule/book/", {"trainer": value, "type": value}).status_code == 200


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "1899-12-31", "2201-01-01", "2026-02-30", "x", ""])
def test_only_iso_dates_within_the_platforms_range_are_a_date(value):
    assert date_param(value) is None


def test_a_plain_date_is_read():
    assert date_param("2200-12-31") == date(2200, 12, 31)
    assert date_param("1900-01-01") == date(1900, 1, 1)


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31"])
def test_pages_given_dates_at_the_calendars_ends_answer_without_a_500(signed_in, value):
    """The week view stepped back a week from 0001-01-01 and the dashboards a day before their range:
    OverflowError, a 500. Out-of-range dates are now the default (the week view) or a 404 (the dashboards,
    as for any date they cannot read)."""
    client, owner = signed_in(Role.OWNER)
    assert client.get("/schedule/week/", {"start": value}).status_code == 200
    assert client.get("/schedule/book/", {"date": value}).status_code == 200
    assert client.get("/analytics/", {"start": value, "end": value}).status_code == 404
    assert client.get("/analytics/", {"end": value}).status_code == 404
    assert client.get(f"/analytics/trainers/{owner.pk}/", {"start": value, "end": value}).status_code == 404
