"""The food log: what a client ate, logged from the phone (offline-tolerant, so idempotent).

Each send carries an idempotency key the device made; the same key again returns the row it wrote (200, not
a second row), so a retry after a lost answer or a double tap never counts a meal twice. A row keeps the
nutrients of the portion as logged.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, NamedTuple

from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import AuditAction, audit_record
from core.error_codes import ErrorCode
from core.exceptions import NotFoundError
from core.models import User
from core.permissions import require
from core.studio_time import studio_today
from core.validation import FieldErrors
from domain.clients.selectors import client_for_actor
from domain.nutrition.models import Food, FoodLogEntry, FoodPortion, MealSlot
from domain.nutrition.nutrients import NUTRIENT_NAMES, OUNCE_GRAMS, of_portion

UNITS = ("g", "oz", "portion")
LOG_DAYS_BACK = 366  # how far back a day may be logged


@dataclass(frozen=True, kw_only=True)
class FoodLogData:
    idempotency_key: uuid.UUID
    meal: str  # a MealSlot value
    logged_on: date | None = None  # the studio's today when empty
    food_id: int | None = None  # None: a quick-add of macros
    amount: Decimal | None = None  # in `unit`
    unit: str = "g"  # "g", "oz" or "portion" (then `portion_id`)
    portion_id: int | None = None
    name: str = ""  # quick-add only (defaults to "Quick add")
    energy_kcal: Decimal | None = None  # quick-add only
    protein_g: Decimal | None = None
    carbohydrate_g: Decimal | None = None
    fat_g: Decimal | None = None
    fibre_g: Decimal | None = None


class LoggedFood(NamedTuple):
    entry: FoodLogEntry
    created: bool  # False: this idempotency key had already been logged


def _portion_grams(errors: FieldErrors, data: FoodLogData, food: Food) -> tuple[Decimal, str]:
    amount = data.amount
    if amount is None or not Decimal("0.01") <= amount <= 5000:
        errors.add("amount", _("Enter an amount from 0.01 to 5000."))
        return Decimal(0), ""
    if data.unit == "g":
        return amount, ""
    if data.unit == "oz":
        return amount * OUNCE_GRAMS, _("%(n)s oz") % {"n": amount.normalize()}
    portion = FoodPortion.objects.filter(pk=data.portion_id, food=food).first() if data.portion_id else None
    if portion is None:
        errors.add("portion_id", _("Choose one of this food's portions."))
        return Decimal(0), ""
    label = portion.label if amount == 1 else f"{amount.normalize()} × {portion.label}"
    return amount * portion.grams, label


def _clean(errors: FieldErrors, data: FoodLogData) -> dict[str, Any]:
    errors.choice("meal", data.meal, MealSlot)
    today = studio_today()
    logged_on = data.logged_on or today
    if logged_on > today:
        errors.add("logged_on", _("The date cannot be in the future."))
    elif logged_on < today - timedelta(days=LOG_DAYS_BACK):
        errors.add("logged_on", _("Log days of the past year only."))
    if data.unit not in UNITS:
        errors.add("unit", _("Use g, oz or portion."))
    fields: dict[str, Any] = {"logged_on": logged_on, "meal": data.meal}
    if data.food_id is not None:
        food = Food.objects.filter(pk=data.food_id).first()
        if food is None:
            errors.add("food_id", _("Choose a food from the list."))
            return fields
        grams, portion = _portion_grams(errors, data, food)
        nutrients = of_portion(food, grams)
        fields.update(food=food, name=str(food)[:160], grams=grams, portion=portion)
    else:
        fields["name"] = errors.text("name", data.name, max_length=160, required=False) or _("Quick add")
        nutrients = {name: getattr(data, name) or Decimal(0) for name in NUTRIENT_NAMES}
        errors.number("energy_kcal", nutrients["energy_kcal"], minimum=0, maximum=5000)
        for name in NUTRIENT_NAMES[1:]:
            errors.number(name, nutrients[name], minimum=0, maximum=500)
        if not any(nutrients.values()):
            errors.add("energy_kcal", _("Enter the energy or at least one macro."))
    fields.update(nutrients)
    return fields


@transaction.atomic
def food_log_add(*, actor: User, client_id: int, data: FoodLogData) -> LoggedFood:
    """Log a food (by weight, ounces or a portion) or quick macros; the same key again is a replay.

    Raises NotFoundError (client not visible), ValidationError `food_log_invalid` naming each bad field.
    """
    client = client_for_actor(actor=actor, client_id=client_id)
    require(actor, "nutrition.log", client)
    User.objects.select_for_update().filter(pk=client.pk).first()  # a retry racing its original waits here
    existing = FoodLogEntry.objects.filter(client=client, idempotency_key=data.idempotency_key).first()
    if existing is not None:
        return LoggedFood(existing, created=False)
    errors = FieldErrors()
    fields = _clean(errors, data)
    errors.raise_if_any(code=ErrorCode.FOOD_LOG_INVALID)
    if fields.get("grams") is not None:
        fields["grams"] = Decimal(fields["grams"]).quantize(Decimal("0.1"))
    for name in NUTRIENT_NAMES:  # rounded once, after the range checks
        fields[name] = Decimal(fields[name]).quantize(Decimal("0.01"))
    entry = FoodLogEntry.objects.create(client=client, idempotency_key=data.idempotency_key, logged_by=actor, **fields)
    return LoggedFood(entry, created=True)


@transaction.atomic
def food_log_delete(*, actor: User, entry_id: int) -> None:
    """Remove a logged food (the client themself, or staff who see the client)."""
    entry = FoodLogEntry.objects.select_for_update().filter(pk=entry_id).first()
    if entry is None:
        raise NotFoundError(_("Log entry not found."))
    try:
        client = client_for_actor(actor=actor, client_id=entry.client_id)
    except NotFoundError:
        raise NotFoundError(_("Log entry not found.")) from None
    require(actor, "nutrition.log", client)
    if actor.pk != client.pk:
        audit_record(actor=actor, action=AuditAction.FOOD_LOG_ENTRY_DELETE, target=entry, client_id=client.pk)
    entry.delete()
