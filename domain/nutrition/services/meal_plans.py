"""Meal plans: templates of days x meals x foods, copied to a client like program templates.

A copy is the client's own (editing the template later does not change it); assigning one attaches it to the
client's plan in force, if any. A plan without a meal plan is "logging only": targets, no meals.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

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
from domain.nutrition.models import Food, MealPlan, MealPlanDay, MealPlanItem, MealPlanMeal
from domain.nutrition.selectors import plan_in_force

MAX_DAYS, MAX_MEALS, MAX_ITEMS = 14, 8, 30


@dataclass(frozen=True, kw_only=True)
class MealItemData:
    food_id: int
    grams: Decimal


@dataclass(frozen=True, kw_only=True)
class MealSlotData:
    name: str  # "Breakfast", "Post-workout"
    items: Sequence[MealItemData] = ()


@dataclass(frozen=True, kw_only=True)
class MealDayData:
    name: str  # "Day 1", "Training day"
    meals: Sequence[MealSlotData] = ()


@dataclass(frozen=True, kw_only=True)
class MealPlanData:
    name: str
    description: str = ""
    days: Sequence[MealDayData] = ()


def _clean(errors: FieldErrors, data: MealPlanData) -> None:
    errors.text("name", data.name, max_length=120)
    errors.text("description", data.description, max_length=4000, required=False)
    if not data.days:
        errors.add("days", _("Add at least one day."))
    if len(data.days) > MAX_DAYS:
        errors.add("days", _("At most %(n)d days.") % {"n": MAX_DAYS})
    food_ids = {item.food_id for day in data.days for meal in day.meals for item in meal.items}
    usable = set(Food.objects.filter(pk__in=food_ids, is_archived=False).values_list("pk", flat=True))
    for d, day in enumerate(data.days):
        errors.text(f"days.{d}.name", day.name, max_length=60)
        if len(day.meals) > MAX_MEALS:
            errors.add(f"days.{d}.meals", _("At most %(n)d meals a day.") % {"n": MAX_MEALS})
        for m, meal in enumerate(day.meals):
            errors.text(f"days.{d}.meals.{m}.name", meal.name, max_length=60)
            if len(meal.items) > MAX_ITEMS:
                errors.add(f"days.{d}.meals.{m}.items", _("At most %(n)d foods a meal.") % {"n": MAX_ITEMS})
            for i, item in enumerate(meal.items):
                path = f"days.{d}.meals.{m}.items.{i}"
                if item.food_id not in usable:
                    errors.add(f"{path}.food_id", _("Choose a food from the list."))
                if not Decimal(0) < item.grams <= 5000:
                    errors.add(f"{path}.grams", _("Enter a weight from 0.1 to 5000 g."))


def _write_days(plan: MealPlan, days: Sequence[MealDayData]) -> None:
    """Write the days, meals and items of `plan`: three inserts whatever the size."""
    day_rows = MealPlanDay.objects.bulk_create(
        MealPlanDay(meal_plan=plan, name=day.name.strip(), position=d) for d, day in enumerate(days)
    )
    meal_rows = MealPlanMeal.objects.bulk_create(
        MealPlanMeal(day=row, name=meal.name.strip(), position=m)
        for row, day in zip(day_rows, days, strict=True)
        for m, meal in enumerate(day.meals)
    )
    meals = [meal for day in days for meal in day.meals]
    MealPlanItem.objects.bulk_create(
        MealPlanItem(meal=row, food_id=item.food_id, grams=item.grams, position=i)
        for row, meal in zip(meal_rows, meals, strict=True)
        for i, item in enumerate(meal.items)
    )


@transaction.atomic
def meal_plan_template_create(*, actor: User, data: MealPlanData) -> MealPlan:
    """A meal plan template (staff); ValidationError `meal_plan_invalid` naming each bad field."""
    require(actor, "nutrition.manage_plans")
    errors = FieldErrors()
    _clean(errors, data)
    errors.raise_if_any(code=ErrorCode.MEAL_PLAN_INVALID)
    plan = MealPlan.objects.create(
        name=data.name.strip(), description=data.description.strip(), is_template=True, created_by=actor
    )
    _write_days(plan, data.days)
    audit_record(actor=actor, action=AuditAction.MEAL_PLAN_CREATE, target=plan)
    return plan


@transaction.atomic
def meal_plan_template_update(*, actor: User, meal_plan_id: int, data: MealPlanData) -> MealPlan:
    """Replace a template's name, description and days; clients' copies are not touched."""
    require(actor, "nutrition.manage_plans")
    plan = MealPlan.objects.select_for_update().filter(pk=meal_plan_id, is_template=True, is_archived=False).first()
    if plan is None:
        raise NotFoundError(_("Meal plan not found."))
    errors = FieldErrors()
    _clean(errors, data)
    errors.raise_if_any(code=ErrorCode.MEAL_PLAN_INVALID)
    plan.name, plan.description = data.name.strip(), data.description.strip()
    plan.save()
    plan.days.all().delete()
    _write_days(plan, data.days)
    audit_record(actor=actor, action=AuditAction.MEAL_PLAN_UPDATE, target=plan)
    return plan


@transaction.atomic
def meal_plan_assign(*, actor: User, meal_plan_id: int, client_id: int) -> MealPlan:
    """Copy a template to the client and attach the copy to their plan in force (if they have one)."""
    require(actor, "nutrition.manage_plans")
    client = client_for_actor(actor=actor, client_id=client_id)
    template = (
        MealPlan.objects.filter(pk=meal_plan_id, is_template=True, is_archived=False)
        .prefetch_related("days__meals__items")
        .first()
    )
    if template is None:
        raise NotFoundError(_("Meal plan not found."))
    copy = MealPlan.objects.create(
        name=template.name,
        description=template.description,
        is_template=False,
        client=client,
        source=template,
        created_by=actor,
    )
    days = [
        MealDayData(
            name=day.name,
            meals=[
                MealSlotData(
                    name=meal.name, items=[MealItemData(food_id=i.food_id, grams=i.grams) for i in meal.items.all()]
                )
                for meal in day.meals.all()
            ],
        )
        for day in template.days.all()
    ]
    _write_days(copy, days)
    current = plan_in_force(client=client, day=studio_today())
    if current is not None:
        current.meal_plan = copy
        current.save(update_fields=["meal_plan", "updated_at"])
    audit_record(actor=actor, action=AuditAction.MEAL_PLAN_ASSIGN, target=copy, client_id=client.pk)
    return copy
