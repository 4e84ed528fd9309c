"""API shapes of nutrition. Nutrients of foods are per 100 g; of log rows, meals and days, as eaten.

Bounds on numbers are part of the shapes, so an absurd value (1e400, a negative weight) is refused with a
422 naming the field before any service runs; the services check the same ranges again.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

from core.api.types import ApiDate
from domain.nutrition import services
from domain.nutrition.calculator import CalculatorInput, CalculatorResult
from domain.nutrition.models import Food, FoodLogEntry, MealPlan, NutritionPlan
from domain.nutrition.nutrients import NUTRIENT_NAMES
from domain.nutrition.selectors import DayAdherence, DaySummary, MealPlanTotals, WeekAdherence

Grams = Field(gt=0, le=5000, description="Grams")
Per100 = Field(ge=0, le=100, description="Grams per 100 g")


def _round(values: Mapping[str, Decimal | None], places: str = "0.1") -> dict[str, Decimal | None]:
    return {k: (v.quantize(Decimal(places)) if isinstance(v, Decimal) else v) for k, v in values.items()}


class Nutrients(Schema):
    energy_kcal: Decimal
    protein_g: Decimal
    carbohydrate_g: Decimal
    fat_g: Decimal
    fibre_g: Decimal


class FoodPortionOut(Schema):
    id: int
    label: str
    grams: Decimal


class FoodPortionIn(Schema):
    label: str = Field(max_length=60)
    grams: Decimal = Grams


class FoodIn(Schema):
    name: str = Field(max_length=120)
    category: str
    brand: str = Field("", max_length=80)
    barcode: str = Field("", max_length=14, description="EAN-8, UPC-A, EAN-13 or GTIN-14 digits")
    energy_kcal: Decimal = Field(ge=0, le=900, description="kcal per 100 g")
    protein_g: Decimal = Per100
    carbohydrate_g: Decimal = Per100
    fat_g: Decimal = Per100
    fibre_g: Decimal = Field(Decimal(0), ge=0, le=100)
    portions: list[FoodPortionIn] = Field(default_factory=list, max_length=12)

    def to_data(self) -> services.FoodData:
        body = self.model_dump(exclude={"portions"})
        return services.FoodData(**body, portions=[services.PortionData(**p.model_dump()) for p in self.portions])


class RecipeIngredientIn(Schema):
    food_id: int = Field(ge=1, le=2**31 - 1)
    grams: Decimal = Grams


class RecipeIn(Schema):
    name: str = Field(max_length=120)
    servings: int = Field(ge=1, le=100)
    instructions: str = Field("", max_length=10000)
    ingredients: list[RecipeIngredientIn] = Field(min_length=1, max_length=60)

    def to_data(self) -> services.RecipeData:
        return services.RecipeData(
            name=self.name,
            servings=self.servings,
            instructions=self.instructions,
            ingredients=[services.IngredientData(**i.model_dump()) for i in self.ingredients],
        )


class RecipeIngredientOut(Schema):
    food_id: int
    name: str
    grams: Decimal


class FoodOut(Nutrients):
    id: int
    name: str
    brand: str
    category: str
    barcode: str
    is_builtin: bool
    is_recipe: bool
    servings: int | None = None
    portions: list[FoodPortionOut]
    ingredients: list[RecipeIngredientOut] = Field(default_factory=list)


def food_out(food: Food, *, with_ingredients: bool = False) -> dict[str, Any]:
    body = {
        "id": food.pk,
        "name": food.name,
        "brand": food.brand,
        "category": food.category,
        "barcode": food.barcode,
        "is_builtin": food.is_builtin,
        "is_recipe": food.is_recipe,
        "servings": food.servings,
        "portions": [{"id": p.pk, "label": p.label, "grams": p.grams} for p in food.portions.all()],
        **{name: getattr(food, name) for name in NUTRIENT_NAMES},
    }
    if with_ingredients and food.is_recipe:
        body["ingredients"] = [
            {"food_id": i.food_id, "name": i.food.name, "grams": i.grams} for i in food.ingredients.all()
        ]
    return body


class FoodSearchQuery(Schema):
    q: str = Field("", max_length=100, description="Name; accents, plurals and small typos are forgiven")
    category: str | None = None
    barcode: str | None = Field(None, max_length=14)
    cursor: str | None = None
    limit: int = Field(20, ge=1, le=100)


class NutritionCalculationIn(Schema):
    sex: Literal["female", "male"]
    age_years: int = Field(ge=14, le=100)
    weight_kg: Decimal = Field(ge=25, le=350)
    height_cm: Decimal = Field(ge=100, le=250)
    activity: Literal["sedentary", "light", "moderate", "active", "very_active"]
    goal: Literal["lose", "maintain", "gain"] = "maintain"
    rate_kg_per_week: Decimal = Field(Decimal(0), ge=0, le=1)
    body_fat_percent: Decimal | None = Field(None, ge=3, le=70)
    macro_method: Literal["grams_per_kg", "percent"] = "grams_per_kg"
    protein_g_per_kg: Decimal = Field(Decimal("1.6"), ge=Decimal("0.8"), le=Decimal("3.5"))
    fat_g_per_kg: Decimal = Field(Decimal("0.8"), ge=Decimal("0.3"), le=Decimal("2.5"))
    protein_percent: Decimal = Field(Decimal(30), ge=5, le=80)
    carbohydrate_percent: Decimal = Field(Decimal(40), ge=5, le=80)
    fat_percent: Decimal = Field(Decimal(30), ge=5, le=80)
    floor_override_kcal: int | None = Field(None, ge=800, le=5000)
    floor_override_reason: str = Field("", max_length=500)

    def to_data(self) -> CalculatorInput:
        return CalculatorInput(**self.model_dump())


class NutritionCalculationOut(Schema):
    formula: str
    resting_kcal: int
    activity_factor: Decimal
    maintenance_kcal: int
    goal_delta_kcal: int
    floor_kcal: int
    floor_applied: bool
    energy_kcal: int
    energy_kj: int
    protein_g: int
    carbohydrate_g: int
    fat_g: int
    fibre_g: int
    water_ml: int
    steps: list[str]


def calculation_out(result: CalculatorResult) -> dict[str, Any]:
    return {name: getattr(result, name) for name in NutritionCalculationOut.model_fields}


class NutritionPlanIn(Schema):
    name: str = Field("", max_length=120)
    starts_on: ApiDate | None = Field(None, description="Defaults to the studio's today")
    energy_kcal: int = Field(ge=500, le=10000)
    protein_g: int = Field(ge=0, le=1000)
    carbohydrate_g: int = Field(ge=0, le=2000)
    fat_g: int = Field(ge=0, le=1000)
    fibre_g: int | None = Field(None, ge=0, le=200)
    water_ml: int | None = Field(None, ge=0, le=10000)
    training_energy_kcal: int | None = Field(None, ge=500, le=10000)
    training_protein_g: int | None = Field(None, ge=0, le=1000)
    training_carbohydrate_g: int | None = Field(None, ge=0, le=2000)
    training_fat_g: int | None = Field(None, ge=0, le=1000)
    adherence_tolerance_percent: int | None = Field(None, ge=1, le=50)
    meal_plan_id: int | None = Field(None, ge=1, le=2**31 - 1)
    calculation: NutritionCalculationIn | None = Field(None, description="The calculator inputs, kept with the plan")
    notes: str = Field("", max_length=4000)


class NutritionPlanOut(Schema):
    id: int
    version: int
    name: str
    starts_on: date
    ends_on: date | None
    superseded: bool
    energy_kcal: int
    protein_g: int
    carbohydrate_g: int
    fat_g: int
    fibre_g: int | None
    water_ml: int | None
    training_energy_kcal: int | None
    training_protein_g: int | None
    training_carbohydrate_g: int | None
    training_fat_g: int | None
    adherence_tolerance_percent: int | None
    meal_plan_id: int | None
    calculation: dict[str, Any]
    notes: str


def plan_out(plan: NutritionPlan) -> dict[str, Any]:
    body = {name: getattr(plan, name) for name in NutritionPlanOut.model_fields if name != "superseded"}
    body["id"] = plan.pk
    body["superseded"] = plan.superseded_at is not None
    return body


class MealItemIn(Schema):
    food_id: int = Field(ge=1, le=2**31 - 1)
    grams: Decimal = Grams


class MealIn(Schema):
    name: str = Field(max_length=60)
    items: list[MealItemIn] = Field(default_factory=list, max_length=30)


class MealDayIn(Schema):
    name: str = Field(max_length=60)
    meals: list[MealIn] = Field(default_factory=list, max_length=8)


class MealPlanIn(Schema):
    name: str = Field(max_length=120)
    description: str = Field("", max_length=4000)
    days: list[MealDayIn] = Field(min_length=1, max_length=14)

    def to_data(self) -> services.MealPlanData:
        return services.MealPlanData(
            name=self.name,
            description=self.description,
            days=[
                services.MealDayData(
                    name=day.name,
                    meals=[
                        services.MealSlotData(
                            name=meal.name, items=[services.MealItemData(**i.model_dump()) for i in meal.items]
                        )
                        for meal in day.meals
                    ],
                )
                for day in self.days
            ],
        )


class MealPlanAssignIn(Schema):
    client_id: int = Field(ge=1, le=2**31 - 1)


class MealItemOut(Nutrients):
    id: int
    food_id: int
    name: str
    grams: Decimal


class MealOut(Nutrients):
    id: int
    name: str
    items: list[MealItemOut]


class MealDayOut(Nutrients):
    id: int
    name: str
    meals: list[MealOut]
    within_percent: dict[str, int | None] = Field(
        description="Per nutrient: 3, 7 or 10 when the day's total is within that % of the target; null otherwise"
    )


class MealPlanOut(Schema):
    id: int
    name: str
    description: str
    is_template: bool
    client_id: int | None
    source_id: int | None
    days: list[MealDayOut]


class MealPlanSummaryOut(Schema):
    id: int
    name: str
    description: str
    is_template: bool
    client_id: int | None


def meal_plan_out(plan: MealPlan, totals: MealPlanTotals) -> dict[str, Any]:
    days = []
    for day in plan.days.all():
        meals = []
        for meal in day.meals.all():
            items = [
                {"id": i.pk, "food_id": i.food_id, "name": i.food.name, "grams": i.grams, **_round(totals.items[i.pk])}
                for i in meal.items.all()
            ]
            meals.append({"id": meal.pk, "name": meal.name, "items": items, **_round(totals.meals[meal.pk])})
        days.append(
            {
                "id": day.pk,
                "name": day.name,
                "meals": meals,
                "within_percent": totals.bands[day.pk],
                **_round(totals.days[day.pk]),
            }
        )
    return {
        "id": plan.pk,
        "name": plan.name,
        "description": plan.description,
        "is_template": plan.is_template,
        "client_id": plan.client_id,
        "source_id": plan.source_id,
        "days": days,
    }


class FoodLogIn(Schema):
    idempotency_key: uuid.UUID = Field(description="Made by the device; sending it again returns the same row (200)")
    meal: Literal["breakfast", "lunch", "dinner", "snack"]
    logged_on: ApiDate | None = Field(None, description="Defaults to the studio's today")
    food_id: int | None = Field(None, ge=1, le=2**31 - 1, description="Empty for a quick-add of macros")
    amount: Decimal | None = Field(None, gt=0, le=5000, description="In `unit`")
    unit: Literal["g", "oz", "portion"] = "g"
    portion_id: int | None = Field(None, ge=1, le=2**31 - 1)
    name: str = Field("", max_length=160)
    energy_kcal: Decimal | None = Field(None, ge=0, le=5000)
    protein_g: Decimal | None = Field(None, ge=0, le=500)
    carbohydrate_g: Decimal | None = Field(None, ge=0, le=500)
    fat_g: Decimal | None = Field(None, ge=0, le=500)
    fibre_g: Decimal | None = Field(None, ge=0, le=500)

    def to_data(self) -> services.FoodLogData:
        return services.FoodLogData(**self.model_dump())


class FoodLogOut(Nutrients):
    id: int
    logged_on: date
    meal: str
    food_id: int | None
    name: str
    grams: Decimal | None
    portion: str


def log_out(entry: FoodLogEntry) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "logged_on": entry.logged_on,
        "meal": entry.meal,
        "food_id": entry.food_id,
        "name": entry.name,
        "grams": entry.grams,
        "portion": entry.portion,
        **_round({name: getattr(entry, name) for name in NUTRIENT_NAMES}),
    }


class FoodLogResultOut(FoodLogOut):
    replayed: bool


class NutritionTargetsOut(Schema):
    energy_kcal: int | None
    protein_g: int | None
    carbohydrate_g: int | None
    fat_g: int | None
    fibre_g: int | None


class NutritionDayMealOut(Nutrients):
    meal: str
    label: str
    entries: list[FoodLogOut]


class NutritionDayOut(Schema):
    date: date
    plan_id: int | None
    training_day: bool
    totals: Nutrients
    targets: NutritionTargetsOut
    remaining: dict[str, Decimal | None]
    tolerance_percent: int
    adherent: bool
    meals: list[NutritionDayMealOut]


def day_out(summary: DaySummary) -> dict[str, Any]:
    adherence = summary.adherence
    return {
        "date": summary.day,
        "plan_id": summary.plan.pk if summary.plan else None,
        "training_day": adherence.training_day,
        "totals": _round(dict(adherence.totals)),
        "targets": adherence.targets,
        "remaining": _round(dict(summary.remaining)),
        "tolerance_percent": adherence.tolerance_percent,
        "adherent": adherence.adherent,
        "meals": [
            {"meal": slot, "label": label, "entries": [log_out(e) for e in rows], **_round(totals)}
            for slot, label, rows, totals in summary.meals
        ],
    }


class AdherenceDayOut(Schema):
    date: date
    has_plan: bool
    training_day: bool
    logged: bool
    energy_kcal: Decimal
    protein_g: Decimal
    energy_target: int | None
    protein_target: int | None
    adherent: bool


class AdherenceWeekOut(Schema):
    week_start: date
    days_with_plan: int
    days_adherent: int
    percent: int | None
    days: list[AdherenceDayOut]


def _adherence_day(day: DayAdherence) -> dict[str, Any]:
    return {
        "date": day.day,
        "has_plan": day.has_plan,
        "training_day": day.training_day,
        "logged": day.logged,
        "energy_kcal": day.totals["energy_kcal"].quantize(Decimal("0.1")),
        "protein_g": day.totals["protein_g"].quantize(Decimal("0.1")),
        "energy_target": day.targets["energy_kcal"],
        "protein_target": day.targets["protein_g"],
        "adherent": day.adherent,
    }


def week_out(week: WeekAdherence) -> dict[str, Any]:
    return {
        "week_start": week.week_start,
        "days_with_plan": week.days_with_plan,
        "days_adherent": week.days_adherent,
        "percent": week.percent,
        "days": [_adherence_day(d) for d in week.days],
    }


class AdherenceQuery(Schema):
    weeks: int = Field(8, ge=1, le=52)


class NutritionSettingsIn(Schema):
    adherence_tolerance_percent: int = Field(ge=1, le=50)


class NutritionSettingsOut(Schema):
    adherence_tolerance_percent: int
