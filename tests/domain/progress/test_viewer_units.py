"""Weights and lengths are shown in the viewer's units (docs/workouts-progress.md, "Units").

A client reads their values in their own preference; a member of staff reads every client's values in
theirs (`core.Preferences.units`), whatever the client chose. Stored values stay metric and unchanged;
conversions are exact and rounded once, to what the docs state (one decimal; volume in whole units).
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from core.models import Preferences, Units
from domain.progress.models import Measurement
from tests.factories.core import ManagerFactory
from tests.factories.workouts import log_adhoc
from tests.portal.test_training_pages import browser

pytestmark = pytest.mark.django_db


@pytest.fixture
def imperial_trainer(trainer):
    Preferences.objects.create(user=trainer, units=Units.IMPERIAL)
    return trainer


@pytest.fixture
def manager(tenant):
    return ManagerFactory()


@pytest.fixture
def weighed(api_client, client_user, time_machine):
    """A metric client who recorded 100 kg and a waist of 80 cm (typed in metric)."""
    time_machine.move_to("2026-03-04 10:00:00+00:00")
    body = {"measurements": [{"type": "body_weight", "value": "100"}, {"type": "waist", "value": "80"}]}
    response = api_client(client_user).post(
        f"/api/v1/clients/{client_user.pk}/progress", data=json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    return client_user


def _shown(response) -> dict[str, str]:
    (entry,) = response.json()["items"]
    return {m["type"]: m["display"] for m in entry["measurements"]}


def test_the_api_shows_a_clients_values_in_each_viewers_units(api_client, weighed, imperial_trainer, manager):
    url = f"/api/v1/clients/{weighed.pk}/progress"
    # the imperial trainer: 100 kg / 0.45359237 = 220.46 lb -> 220.5; 80 cm / 2.54 = 31.50 in -> 31.5
    assert _shown(api_client(imperial_trainer).get(url)) == {"body_weight": "220.5 lb", "waist": "31.5 in"}
    # the client and a manager who never chose: metric
    assert _shown(api_client(weighed).get(url)) == {"body_weight": "100 kg", "waist": "80 cm"}
    assert _shown(api_client(manager).get(url)) == {"body_weight": "100 kg", "waist": "80 cm"}
    series = api_client(imperial_trainer).get(f"/api/v1/clients/{weighed.pk}/measurements?type=body_weight").json()
    assert [(p["value"], p["unit"], p["display"]) for p in series["items"]] == [("100.00", "kg", "220.5 lb")]
    # what is stored never moved
    assert sorted(Measurement.objects.values_list("value", flat=True)) == [Decimal("80.00"), Decimal("100.00")]


def test_a_check_in_staff_type_in_their_units_reads_back_as_typed(api_client, client_user, imperial_trainer):
    body = {"unit_system": "imperial", "measurements": [{"type": "body_weight", "value": "180"}]}
    response = api_client(imperial_trainer).post(
        f"/api/v1/clients/{client_user.pk}/progress", data=json.dumps(body), content_type="application/json"
    )
    (weight,) = response.json()["measurements"]
    assert (weight["value"], weight["display"]) == ("81.65", "180 lb")  # 81.65 kg, 180 lb again
    url = f"/api/v1/clients/{client_user.pk}/progress"
    assert _shown(api_client(client_user).get(url)) == {"body_weight": "81.7 kg"}  # the metric client


def test_workout_answers_follow_the_viewer(api_client, client_user, imperial_trainer, time_machine):
    time_machine.move_to("2026-03-04 10:00:00+00:00")
    log_adhoc(actor=client_user, client=client_user, slug="barbell-back-squat", sets=[(3, "102.5")])
    history = f"/api/v1/clients/{client_user.pk}/workout-history"
    records = f"/api/v1/clients/{client_user.pk}/personal-records"
    # 102.5 kg x 3 = 307.5 kg: 677.92 lb -> "678 lb" for the trainer, "308 kg" for the client
    assert [i["volume_display"] for i in api_client(imperial_trainer).get(history).json()["items"]] == ["678 lb"]
    assert [i["volume_display"] for i in api_client(client_user).get(history).json()["items"]] == ["308 kg"]
    (board,) = api_client(imperial_trainer).get(records).json()
    assert board["heaviest_load"]["display"] == "226 lb"  # 102.5 kg = 225.97 lb -> 226.0
    (own,) = api_client(client_user).get(records).json()
    assert own["heaviest_load"]["display"] == "102.5 kg"


def test_pages_follow_the_viewer(studio, weighed, imperial_trainer):
    page = browser(studio, imperial_trainer).get(reverse("portal:client_progress", args=[weighed.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "220.5 lb" in text and "31.5 in" in text  # noqa: PT018
    assert "100 kg" not in text
    own = browser(studio, weighed).get(reverse("portal:my_progress")).content.decode()
    assert "100 kg" in own and "220.5 lb" not in own  # noqa: PT018


def test_assessments_follow_the_viewer_on_the_page_and_in_the_api(studio, api_client, client_user, imperial_trainer):
    # given an assessment typed in its fixed metric units (100 kg, waist 80 cm, VO2 max 45 ml/kg/min)
    base = f"/api/v1/clients/{client_user.pk}/assessments"
    body = {"assessed_on": "2026-02-01", "measurements": {"body_weight": "100", "waist": "80", "vo2_max": "45"}}
    created = api_client(imperial_trainer).post(base, data=json.dumps(body), content_type="application/json")
    assert created.status_code == 201, created.content
    # then the imperial trainer reads pounds and inches (a unit we do not convert reads as stored)
    shown = {m["kind"]: (m["value"], m["unit"], m["display"]) for m in created.json()["measurements"]}
    assert shown == {
        "body_weight": (100.0, "kg", "220.5 lb"),
        "waist": (80.0, "cm", "31.5 in"),
        "vo2_max": (45.0, "ml/kg/min", "45 ml/kg/min"),
    }
    page = browser(studio, imperial_trainer).get(f"/clients/{client_user.pk}/").content.decode()
    assert "Body weight: 220.5 lb" in page
    (listed,) = api_client(imperial_trainer).get(base).json()["items"]
    assert [m["display"] for m in listed["measurements"]] == ["220.5 lb", "31.5 in", "45 ml/kg/min"]
