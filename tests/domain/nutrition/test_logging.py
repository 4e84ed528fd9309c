"""The food log: exact nutrients per portion, idempotent sends (also under a race), quick-adds, limits."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest

from core.exceptions import NotFoundError, ValidationError
from core.studio_time import studio_today
from domain.nutrition.models import FoodLogEntry
from domain.nutrition.services import food_log_delete
from tests.domain.api_helpers import send
from tests.domain.nutrition.conftest import log

pytestmark = pytest.mark.date_sensitive  # make test-instants runs it at each fixed instant


def test_a_food_logged_by_weight_ounces_or_portion_carries_that_portions_nutrients(client_user, oats):
    by_weight = log(client_user, client_user, food_id=oats.pk, amount="40").entry
    assert (by_weight.energy_kcal, by_weight.protein_g, by_weight.grams) == (
        Decimal("151.60"),  # 379 x 40 / 100
        Decimal("5.28"),
        Decimal("40.0"),
    )
    by_ounce = log(client_user, client_user, food_id=oats.pk, amount="2", unit="oz").entry
    assert by_ounce.grams == Decimal("56.7")  # 2 x 28.349523125
    assert by_ounce.energy_kcal == Decimal("214.89")  # 379 x 56.69904625 / 100 = 214.889, rounded once
    portion = oats.portions.get()
    by_portion = log(client_user, client_user, food_id=oats.pk, amount="1.5", unit="portion", portion_id=portion.pk)
    assert by_portion.entry.grams == Decimal("60.0")
    assert by_portion.entry.portion == "1.5 × 1/2 cup dry"


def test_the_same_key_again_is_a_replay_not_a_second_meal(client_user, oats):
    key = uuid.uuid4()
    first = log(client_user, client_user, idempotency_key=key, food_id=oats.pk, amount="40")
    again = log(client_user, client_user, idempotency_key=key, food_id=oats.pk, amount="40")
    assert (first.created, again.created, again.entry.pk) == (True, False, first.entry.pk)
    assert FoodLogEntry.objects.count() == 1


def test_quick_add_and_what_is_refused(client_user):
    quick = log(client_user, client_user, energy_kcal="450", protein_g="30").entry
    assert (quick.name, quick.energy_kcal) == ("Quick add", Decimal("450.00"))
    with pytest.raises(ValidationError) as refused:
        log(client_user, client_user, logged_on=studio_today() + timedelta(days=1), energy_kcal="1e400")
    assert set(refused.value.extra["fields"]) == {"logged_on", "energy_kcal"}
    with pytest.raises(ValidationError):
        log(client_user, client_user)  # nothing at all
    assert FoodLogEntry.objects.count() == 1


def test_only_the_client_and_their_staff_reach_a_log(client_user, stranger, other_trainer, trainer, oats):
    entry = log(client_user, client_user, food_id=oats.pk, amount="40").entry
    with pytest.raises(NotFoundError):
        log(stranger, client_user, food_id=oats.pk, amount="40")
    with pytest.raises(NotFoundError):
        food_log_delete(actor=other_trainer, entry_id=entry.pk)
    food_log_delete(actor=trainer, entry_id=entry.pk)
    assert not FoodLogEntry.objects.exists()


def test_log_api_answers_201_then_200_and_refuses_huge_numbers(api_client, client_user, oats):
    client = api_client(client_user)
    body = {"idempotency_key": str(uuid.uuid4()), "meal": "breakfast", "food_id": oats.pk, "amount": 40}
    url = f"/api/v1/clients/{client_user.pk}/nutrition-logs"
    first, again = send(client, "post", url, body), send(client, "post", url, body)
    assert (first[0], again[0]) == (201, 200)
    assert again[1]["replayed"] is True
    assert again[1]["id"] == first[1]["id"]
    status, _ = send(client, "post", url, {**body, "idempotency_key": str(uuid.uuid4()), "amount": "1e400"})
    assert status == 422
    assert FoodLogEntry.objects.count() == 1
