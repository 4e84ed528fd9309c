"""Converted values are converted from the exact stored value and rounded once, at display (issue 9 §7)."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from domain.clients.models import ClientProfile, UnitSystem
from domain.workouts.schemas import volume_display
from tests.factories.workouts import exercise, log_adhoc
from tests.portal.test_training_pages import browser

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("volume_kg", "system", "shown"),
    [
        ("453.60", "imperial", "1000 lb"),  # 200 lb (stored 90.72 kg) x 5; rounding to 454 kg first read 1000.9 lb
        ("307.50", "imperial", "678 lb"),  # 102.5 kg x 3 = 677.92 lb; rounding to 308 kg first read 679 lb
        ("307.50", "metric", "308 kg"),
        ("0", "imperial", "0 lb"),
    ],
)
def test_volume_is_converted_exactly_and_rounded_once(volume_kg, system, shown):
    assert volume_display(Decimal(volume_kg), system) == shown


def test_a_pounds_client_sees_1000_lb_for_200_lb_x_5_everywhere(api_client, studio, client_user, time_machine):
    time_machine.move_to("2026-03-04 10:00:00+00:00")
    ClientProfile.objects.filter(user=client_user).update(unit_preference=UnitSystem.IMPERIAL)
    me = api_client(client_user)
    body = {
        "idempotency_key": str(uuid.uuid4()),
        "name": "Hotel gym",
        "load_unit": "lb",
        "exercises": [{"exercise_id": exercise("barbell-back-squat").pk, "sets": [{"reps": 5, "load": "200"}]}],
    }
    logged = me.post(f"/api/v1/clients/{client_user.pk}/workouts", body, content_type="application/json")
    assert logged.status_code == 201, logged.content
    assert logged.json()["volume_display"] == "1000 lb"
    history = me.get(f"/api/v1/clients/{client_user.pk}/workout-history").json()
    assert [item["volume_display"] for item in history["items"]] == ["1000 lb"]
    summary = me.get(f"/api/v1/clients/{client_user.pk}/training-summary?weeks=1").json()
    assert summary["weeks"][-1]["volume_display"] == "1000 lb"
    page = browser(studio, client_user).get("/me/progress/").content.decode()
    assert "1000 lb" in page
    assert "1000.9 lb" not in page


def test_102_5_kg_x_3_reads_678_lb(api_client, client_user, time_machine):
    time_machine.move_to("2026-03-04 10:00:00+00:00")
    ClientProfile.objects.filter(user=client_user).update(unit_preference=UnitSystem.IMPERIAL)
    log_adhoc(actor=client_user, client=client_user, slug="barbell-back-squat", sets=[(3, "102.5")])
    history = api_client(client_user).get(f"/api/v1/clients/{client_user.pk}/workout-history").json()
    assert [item["volume_display"] for item in history["items"]] == ["678 lb"]
