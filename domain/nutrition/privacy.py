"""Nutrition's share of a client's export and erasure: plans, meal plans, food log and favourites."""

from __future__ import annotations

from core.models import User
from core.privacy import ExportPart, erase_part, export_part, rows
from domain.nutrition.models import (
    FavouriteFood,
    FoodLogEntry,
    MealPlan,
    MealPlanDay,
    MealPlanItem,
    MealPlanMeal,
    NutritionPlan,
)


@export_part("nutrition")
def export(client: User) -> ExportPart:
    return ExportPart(
        data={
            "nutrition_plans": rows(NutritionPlan.objects.filter(client=client)),
            "meal_plans": rows(MealPlan.objects.filter(client=client)),
            "meal_plan_days": rows(MealPlanDay.objects.filter(meal_plan__client=client)),
            "meal_plan_meals": rows(MealPlanMeal.objects.filter(day__meal_plan__client=client)),
            "meal_plan_items": rows(MealPlanItem.objects.filter(meal__day__meal_plan__client=client)),
            "food_log": rows(FoodLogEntry.objects.filter(client=client), leave_out=["idempotency_key"]),
            "favourite_foods": rows(FavouriteFood.objects.filter(client=client)),
        }
    )


@erase_part("nutrition")
def erase(client: User) -> list[str]:
    FoodLogEntry.objects.filter(client=client).delete()
    FavouriteFood.objects.filter(client=client).delete()
    NutritionPlan.objects.filter(client=client).delete()
    MealPlan.objects.filter(client=client).delete()  # the client's copies; templates have no client
    return []
