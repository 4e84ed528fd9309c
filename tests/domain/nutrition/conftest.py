from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from domain.nutrition.models import Food
from domain.nutrition.services import FoodLogData, NutritionPlanData, food_log_add, nutrition_plan_create
from tests.domain.people_fixtures import manager, other_trainer, owner, stranger  # noqa: F401
from tests.domain.workouts.conftest import client_user, trainer  # noqa: F401 - the same people


@pytest.fixture
def oats(tenant) -> Food:
    return Food.objects.get(name="Oats (rolled)", is_builtin=True)


@pytest.fixture
def chicken(tenant) -> Food:
    return Food.objects.get(name="Chicken breast (grilled)", is_builtin=True)


def plan(actor, client, **overrides):
    data = {"energy_kcal": 2000, "protein_g": 150, "carbohydrate_g": 200, "fat_g": 67, **overrides}
    return nutrition_plan_create(actor=actor, client_id=client.pk, data=NutritionPlanData(**data))


def log(actor, client, **overrides):
    data = {"idempotency_key": uuid.uuid4(), "meal": "lunch", **overrides}
    for name in ("amount", "energy_kcal", "protein_g", "carbohydrate_g", "fat_g"):
        if name in data and data[name] is not None:
            data[name] = Decimal(data[name])
    return food_log_add(actor=actor, client_id=client.pk, data=FoodLogData(**data))
