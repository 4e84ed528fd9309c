"""Reads of nutrition: food search, plans in force, a day against its targets, adherence over weeks,
meal-plan totals. Callers establish that the client is visible to the asker
(`clients.selectors.client_in_scope` with a nutrition action).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import F, FloatField, Func, Prefetch, Q, QuerySet, Sum, Value
from django.utils.translation import gettext as _

from core.exceptions import NotFoundError
from core.models import User
from domain.nutrition.models import (
    FavouriteFood,
    Food,
    FoodLogEntry,
    FoodPortion,
    MealPlan,
    MealPlanItem,
    MealSlot,
    NutritionPlan,
    NutritionSettings,
)
from domain.nutrition.nutrients import NUTRIENT_NAMES, add, band, of_portion, total_of, within, zero
from domain.workouts.selectors import workout_history

SEARCH_THRESHOLD = 0.45  # pg_trgm word_similarity above which a name matches a misspelt or plural query
MAX_ADHERENCE_WEEKS = 52


def _unaccent(expression: object) -> Func:
    return Func(expression, function="public.unaccent")


def food_search(*, query: str = "", category: str | None = None, barcode: str | None = None) -> QuerySet[Food]:
    """Usable foods matching `query`, best first: accents ignored both ways (unaccent), plurals and typos
    forgiven by trigram word similarity (pg_trgm), exact substrings always kept. Without a query: by name."""
    foods = Food.objects.filter(is_archived=False).prefetch_related(
        Prefetch("portions", queryset=FoodPortion.objects.order_by("position", "id"))
    )
    if category:
        foods = foods.filter(category=category)
    if barcode:
        foods = foods.filter(barcode=barcode.strip())
    words = " ".join(query.split()).lower()
    if not words:
        return foods.order_by("name", "id")
    similarity = Func(
        _unaccent(Value(words)), _unaccent(F("name")), function="public.word_similarity", output_field=FloatField()
    )
    return (
        foods.annotate(similarity=similarity)
        .filter(Q(similarity__gte=SEARCH_THRESHOLD) | Q(name__unaccent__icontains=words))
        .order_by("-similarity", "name", "id")
    )


def food_get(*, food_id: int) -> Food:
    """A food with its portions and (for a recipe) its ingredients; archived ones too (they appear in logs)."""
    food = Food.objects.filter(pk=food_id).prefetch_related("portions", Prefetch("ingredients__food")).first()
    if food is None:
        raise NotFoundError(_("Food not found."))
    return food


def foods_recent(*, client: User, limit: int = 10) -> list[Food]:
    """The foods the client logged most recently, newest first, each once."""
    ids: list[int] = []
    for food_id in (
        FoodLogEntry.objects.filter(client=client, food__isnull=False, food__is_archived=False)
        .order_by("-logged_on", "-id")
        .values_list("food_id", flat=True)[: limit * 5]
    ):
        if food_id not in ids:
            ids.append(food_id)
    by_id = Food.objects.prefetch_related("portions").in_bulk(ids[:limit])
    return [by_id[i] for i in ids[:limit] if i in by_id]


def foods_favourite(*, client: User) -> list[Food]:
    links = FavouriteFood.objects.filter(client=client, food__is_archived=False).select_related("food")
    return [link.food for link in links.order_by("food__name")]


def tolerance_default() -> int:
    """The studio's adherence range in ± % (10 until the owner changes it)."""
    value = NutritionSettings.objects.filter(key=1).values_list("adherence_tolerance_percent", flat=True).first()
    return int(value or NutritionSettings._meta.get_field("adherence_tolerance_percent").default)


def plan_list(*, client: User) -> QuerySet[NutritionPlan]:
    """Every plan of the client, newest first (superseded ones included: the history)."""
    return NutritionPlan.objects.filter(client=client).order_by("-starts_on", "-version")


def plan_in_force(*, client: User, day: date) -> NutritionPlan | None:
    return (
        NutritionPlan.objects.filter(client=client, superseded_at__isnull=True, starts_on__lte=day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .first()
    )


def _plans_between(client: User, start: date, end: date) -> list[NutritionPlan]:
    return list(
        NutritionPlan.objects.filter(client=client, superseded_at__isnull=True, starts_on__lte=end).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=start)
        )
    )


def _covering(plans: list[NutritionPlan], day: date) -> NutritionPlan | None:
    return next((p for p in plans if p.starts_on <= day and (p.ends_on is None or p.ends_on >= day)), None)


def _training_days(client: User, start: date, end: date) -> set[date]:
    return set(
        workout_history(client=client).filter(performed_on__range=(start, end)).values_list("performed_on", flat=True)
    )


@dataclass(frozen=True)
class DayAdherence:
    day: date
    has_plan: bool
    training_day: bool
    logged: bool  # anything logged that day
    totals: dict[str, Decimal]  # energy kcal, grams of the rest
    targets: dict[str, int | None]
    tolerance_percent: int
    adherent: bool  # energy and protein within ± tolerance of their targets


@dataclass(frozen=True)
class WeekAdherence:
    week_start: date  # a Monday
    days_with_plan: int
    days_adherent: int
    percent: int | None  # days_adherent / days_with_plan x 100, rounded; None without a plan that week
    days: list[DayAdherence] = field(default_factory=list)


def _day(
    day: date, plan: NutritionPlan | None, training: bool, totals: dict[str, Decimal] | None, default: int
) -> DayAdherence:
    targets = plan.targets(training_day=training) if plan else dict.fromkeys(NUTRIENT_NAMES)
    tolerance = (plan.adherence_tolerance_percent if plan else None) or default
    sums = totals or zero()
    adherent = (
        bool(plan)
        and within(sums["energy_kcal"], targets["energy_kcal"], tolerance)
        and within(sums["protein_g"], targets["protein_g"], tolerance)
    )
    return DayAdherence(day, plan is not None, training, totals is not None, sums, targets, tolerance, adherent)


def adherence_days(*, client: User, start: date, end: date) -> list[DayAdherence]:
    """Each day of [start, end] against the plan in force that day: four queries whatever the range.

    A day with a plan and nothing logged counts as not adherent (a missing day is a missed day).
    """
    plans = _plans_between(client, start, end)
    training = _training_days(client, start, end)
    sums: dict[date, dict[str, Decimal]] = {}
    rows = (
        FoodLogEntry.objects.filter(client=client, logged_on__range=(start, end))
        .values("logged_on")
        .annotate(**{name: Sum(name) for name in NUTRIENT_NAMES})
    )
    for row in rows:
        totals: dict[str, Any] = dict(row)  # the annotations are named at run time (NUTRIENT_NAMES)
        sums[row["logged_on"]] = {name: totals[name] or Decimal(0) for name in NUTRIENT_NAMES}
    default = tolerance_default()
    days = (start + timedelta(days=n) for n in range((end - start).days + 1))
    return [_day(day, _covering(plans, day), day in training, sums.get(day), default) for day in days]


def adherence_weeks(*, client: User, weeks: int, today: date) -> list[WeekAdherence]:
    """Weekly adherence for the `weeks` weeks (Monday to Sunday) up to `today`, oldest first.

    Weekly adherence = days counted / days with a plan (days after `today` are not counted yet).
    """
    weeks = max(1, min(weeks, MAX_ADHERENCE_WEEKS))
    first = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    by_week: dict[date, list[DayAdherence]] = defaultdict(list)
    for day in adherence_days(client=client, start=first, end=today):
        by_week[day.day - timedelta(days=day.day.weekday())].append(day)
    result = []
    for n in range(weeks):
        monday = first + timedelta(weeks=n)
        days = by_week.get(monday, [])
        with_plan = sum(1 for d in days if d.has_plan)
        adherent = sum(1 for d in days if d.adherent)
        percent = round(adherent * 100 / with_plan) if with_plan else None
        result.append(WeekAdherence(monday, with_plan, adherent, percent, days))
    return result


@dataclass(frozen=True)
class DaySummary:
    day: date
    plan: NutritionPlan | None
    adherence: DayAdherence
    meals: list[tuple[str, str, list[FoodLogEntry], dict[str, Decimal]]]  # (slot, label, entries, totals)
    remaining: dict[str, Decimal | None]  # target minus eaten (negative: over)


def day_summary(*, client: User, day: date) -> DaySummary:
    """A day's log by meal with totals, against the day's targets (training-day targets after a workout)."""
    entries = list(FoodLogEntry.objects.filter(client=client, logged_on=day).order_by("id"))
    (adherence,) = adherence_days(client=client, start=day, end=day)
    meals = []
    for slot in MealSlot:
        rows = [e for e in entries if e.meal == slot.value]
        meals.append((slot.value, str(slot.label), rows, total_of(rows)))
    remaining = {
        name: (Decimal(target) - adherence.totals[name]) if target is not None else None
        for name, target in adherence.targets.items()
    }
    return DaySummary(day, plan_in_force(client=client, day=day), adherence, meals, remaining)


def meal_plan_templates() -> QuerySet[MealPlan]:
    return MealPlan.objects.filter(is_template=True, is_archived=False).order_by("name", "id")


def meal_plans_of(*, client: User) -> QuerySet[MealPlan]:
    return MealPlan.objects.filter(client=client, is_archived=False).order_by("-created_at", "-id")


def meal_plan_loaded(*, meal_plan_id: int, client: User | None = None) -> MealPlan:
    """A meal plan with days, meals, items and foods (four queries); a template, or `client`'s own copy."""
    plans = MealPlan.objects.filter(pk=meal_plan_id, is_archived=False)
    plans = plans.filter(client=client) if client is not None else plans.filter(is_template=True)
    plan = plans.prefetch_related(
        "days__meals", Prefetch("days__meals__items", queryset=MealPlanItem.objects.select_related("food"))
    ).first()
    if plan is None:
        raise NotFoundError(_("Meal plan not found."))
    return plan


@dataclass(frozen=True)
class MealPlanTotals:
    meals: dict[int, dict[str, Decimal]]  # meal id -> totals
    days: dict[int, dict[str, Decimal]]  # day id -> totals
    items: dict[int, dict[str, Decimal]]  # item id -> nutrients
    bands: dict[int, dict[str, int | None]]  # day id -> nutrient -> 3 / 7 / 10 (% off target) or None


def meal_plan_totals(plan: MealPlan, targets: dict[str, int | None] | None = None) -> MealPlanTotals:
    """Totals per item, meal and day of a loaded plan, and how close each day comes to `targets`."""
    meals: dict[int, dict[str, Decimal]] = {}
    days: dict[int, dict[str, Decimal]] = {}
    items: dict[int, dict[str, Decimal]] = {}
    bands: dict[int, dict[str, int | None]] = {}
    for day in plan.days.all():
        day_total = zero()
        for meal in day.meals.all():
            meal_total = zero()
            for item in meal.items.all():
                items[item.pk] = of_portion(item.food, item.grams)
                add(meal_total, items[item.pk])
            meals[meal.pk] = meal_total
            add(day_total, meal_total)
        days[day.pk] = day_total
        bands[day.pk] = {name: band(day_total[name], (targets or {}).get(name)) for name in NUTRIENT_NAMES}
    return MealPlanTotals(meals, days, items, bands)


def clients_logging_food(*, day: date) -> set[int]:
    """Ids of the clients who logged any food on `day` (for reports)."""
    return set(FoodLogEntry.objects.filter(logged_on=day).values_list("client_id", flat=True).distinct())
