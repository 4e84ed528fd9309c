"""Nutrition pages: the client's day and logger; the trainer's calculator, plan form and history."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from core.models import Role
from domain.nutrition.models import NutritionPlan
from tests.conftest import host_of
from tests.factories.clients import assigned_client
from tests.factories.core import TrainerFactory

CALCULATOR = {
    "action": "calculate",
    "sex": "male",
    "age_years": "30",
    "weight_kg": "80",
    "height_cm": "180",
    "activity": "moderate",
    "goal": "maintain",
    "macro_method": "grams_per_kg",
    "protein_g_per_kg": "1.6",
    "fat_g_per_kg": "0.8",
    "protein_percent": "30",
    "carbohydrate_percent": "40",
    "fat_percent": "30",
}


@pytest.fixture
def coach_and_client(studio):
    with schema_context(studio.schema_name):
        trainer = TrainerFactory()
        client = assigned_client(trainer)
        browser = Client(HTTP_HOST=host_of(studio))
        browser.force_login(trainer)
        return browser, trainer, client


def test_a_client_opens_their_day_with_the_logger(studio, signed_in):
    browser, person = signed_in(Role.CLIENT)
    response = browser.get("/me/nutrition/")
    assert response.status_code == 200
    config = json.loads(
        response.content.decode().split('id="nutrition-config" type="application/json">')[1].split("</script>")[0]
    )
    assert config["logUrl"] == f"/api/v1/clients/{person.pk}/nutrition-logs"
    assert b"nutrition-logger.js" in response.content
    assert browser.get("/me/nutrition/?date=not-a-date").status_code == 200
    sw = browser.get("/me/nutrition/sw.js")
    assert sw["Content-Type"].startswith("application/javascript")
    assert b"nutrition-logger.js" in sw.content


def test_the_trainer_calculates_shows_the_working_and_saves_the_plan(tenant, coach_and_client):
    browser, _trainer, client = coach_and_client
    page = browser.get(f"/clients/{client.pk}/nutrition/")
    assert page.status_code == 200
    calculated = browser.post(f"/clients/{client.pk}/nutrition/", CALCULATOR)
    body = calculated.content.decode()
    assert "Resting energy (Mifflin-St Jeor)" in body
    assert "2759 kcal" in body
    form = calculated.context["plan_form"]
    assert form.initial["energy_kcal"] == 2759
    saved = browser.post(
        f"/clients/{client.pk}/nutrition/",
        {
            "action": "save",
            "starts_on": form.initial["starts_on"].isoformat(),
            **{name: form.initial[name] for name in ("energy_kcal", "protein_g", "carbohydrate_g", "fat_g", "fibre_g")},
            "calculation": form.initial["calculation"],
        },
    )
    assert saved.status_code == 302
    plan = NutritionPlan.objects.get(client=client)
    assert (plan.energy_kcal, plan.protein_g) == (2759, 128)
    assert plan.calculation["result"]["resting_kcal"] == 1780


def test_a_bad_plan_is_refused_on_the_page_and_nothing_is_saved(tenant, coach_and_client):
    browser, _trainer, client = coach_and_client
    response = browser.post(
        f"/clients/{client.pk}/nutrition/",
        {
            "action": "save",
            "starts_on": "2026-01-01",
            "energy_kcal": "3000",
            "protein_g": "100",
            "carbohydrate_g": "100",
            "fat_g": "10",
        },
    )
    assert response.status_code == 400
    assert not NutritionPlan.objects.exists()


def test_another_trainers_client_is_not_found_and_clients_cannot_open_the_staff_page(tenant, studio, signed_in):
    with schema_context(studio.schema_name):
        someone_else = assigned_client(TrainerFactory())
    trainer_browser, _trainer = signed_in(Role.TRAINER)
    assert trainer_browser.get(f"/clients/{someone_else.pk}/nutrition/").status_code == 404
    client_browser, _client = signed_in(Role.CLIENT)
    assert client_browser.get(f"/clients/{someone_else.pk}/nutrition/").status_code == 403
