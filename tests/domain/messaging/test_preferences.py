"""A person's messaging preferences over the API: what is refused is a 400 naming the field, never a 500."""

from __future__ import annotations

import pytest

from core.models import Preferences
from domain.messaging.services import preference_of
from domain.messaging.services.preferences import zone_of

URL = "/api/v1/messaging/preferences"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("timezone", "Europe"),  # a folder of the zone database: ZoneInfo raises IsADirectoryError
        ("timezone", "zone.tab"),  # one of its data files
        ("timezone", "Mars/Olympus"),
        ("language", "xx"),
        ("language", "../../etc"),
    ],
)
def test_an_unknown_zone_or_language_is_refused_by_name(client_user, api_client, field, value):
    response = api_client(client_user).patch(URL, {field: value}, content_type="application/json")
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "preference_invalid"
    assert field in response.json()["fields"]
    assert not Preferences.objects.filter(user=client_user).exists()  # the account's store: untouched


def test_a_known_zone_and_language_are_kept(client_user, api_client):
    response = api_client(client_user).patch(
        URL, {"timezone": "America/New_York", "language": "de"}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert (response.json()["timezone"], response.json()["language"]) == ("America/New_York", "de")
    assert str(zone_of(preference_of(client_user))) == "America/New_York"


def test_a_stored_zone_that_is_no_zone_falls_back_to_the_studios(client_user, tenant):
    Preferences.objects.create(user=client_user, timezone="Europe")
    assert zone_of(preference_of(client_user)).key == tenant.timezone
