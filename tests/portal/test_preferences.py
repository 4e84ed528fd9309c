"""A person's preferences (language, display zone, week start, units) and the language every request speaks."""

from __future__ import annotations

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from core.models import AuditEvent, Preferences, Role
from domain.clients.models import ClientProfile
from tenants.models import Studio
from tests.conftest import host_of

pytestmark = pytest.mark.django_db

PREFS = {"language": "de", "timezone": "America/New_York", "week_start": "6", "units": "imperial"}


def test_a_client_saves_their_preferences_and_pages_speak_their_language(studio, signed_in):
    # given a client on their preferences page
    client, person = signed_in(Role.CLIENT)
    page = client.get("/me/preferences/")
    assert page.status_code == 200
    assert "/notifications/settings/" in page.content.decode()  # messaging's channels and quiet hours, linked
    # when they choose German, New York time, weeks from Sunday and imperial units
    response = client.post("/me/preferences/", PREFS)
    # then they are kept: units on the client profile (one place for a client's units), the rest as preferences
    assert response.status_code == 302
    with schema_context(studio.schema_name):
        prefs = Preferences.objects.get(user=person)
        assert (prefs.language, prefs.timezone, prefs.week_start) == ("de", "America/New_York", 6)
        assert ClientProfile.objects.get(user=person).unit_preference == "imperial"
        assert AuditEvent.objects.filter(action="preferences.update", actor_id=person.pk).exists()
    # and every page now speaks German to them
    page = client.get("/dashboard/")
    assert page["Content-Language"] == "de"
    assert '<html lang="de">' in page.content.decode()


def test_staff_keep_their_own_units(studio, signed_in):
    client, trainer = signed_in(Role.TRAINER)
    client.post("/me/preferences/", {**PREFS, "language": "", "timezone": ""})
    with schema_context(studio.schema_name):
        assert Preferences.objects.get(user=trainer).units == "imperial"


def test_unknown_choices_are_refused_and_nothing_is_saved(studio, signed_in):
    client, person = signed_in(Role.TRAINER)
    response = client.post("/me/preferences/", {**PREFS, "timezone": "Mars/Olympus"})
    assert response.status_code == 200  # the form again, with the error
    with schema_context(studio.schema_name):
        assert not Preferences.objects.filter(user=person).exists()


def test_visitors_see_the_studio_language_until_they_switch(studio):
    # given a studio whose default language is Spanish, and a visitor whose browser prefers German
    Studio.objects.filter(pk=studio.pk).update(locale="es")
    visitor = Client(HTTP_HOST=host_of(studio), HTTP_ACCEPT_LANGUAGE="de")
    # then pages speak the studio's language
    page = visitor.get("/accounts/login/")
    assert page["Content-Language"] == "es"
    assert 'action="/language/"' in page.content.decode()  # the switcher is on the page
    # when the visitor picks German in the switcher
    response = visitor.post("/language/", {"language": "de", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    # then pages speak German to them
    assert visitor.get("/accounts/login/")["Content-Language"] == "de"
    # and a redirect elsewhere is never followed
    assert visitor.post("/language/", {"language": "de", "next": "https://evil.example/"})["Location"] == "/"


def test_the_api_honours_accept_language_else_the_studio_language(studio):
    Studio.objects.filter(pk=studio.pk).update(locale="es")
    api = Client(HTTP_HOST=host_of(studio))
    assert api.get("/api/v1/studio", HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")["Content-Language"] == "de"
    assert api.get("/api/v1/studio")["Content-Language"] == "es"
    assert api.get("/api/v1/studio", HTTP_ACCEPT_LANGUAGE="fr")["Content-Language"] == "es"


def test_the_week_starts_on_the_persons_chosen_day(studio, signed_in):
    client, _trainer = signed_in(Role.TRAINER)
    assert client.get("/schedule/week/").context["week_start"].weekday() == 0  # Monday unless chosen
    client.post("/me/preferences/", {**PREFS, "language": "", "timezone": ""})  # weeks from Sunday
    assert client.get("/schedule/week/").context["week_start"].weekday() == 6
