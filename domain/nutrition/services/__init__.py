"""Writes of nutrition, by sub-area; callers import from here."""

from domain.nutrition.services.foods import (
    FoodData,
    IngredientData,
    PortionData,
    RecipeData,
    favourite_add,
    favourite_remove,
    food_archive,
    food_create,
    food_update,
    recipe_create,
    recipe_update,
)
from domain.nutrition.services.logs import FoodLogData, LoggedFood, food_log_add, food_log_delete
from domain.nutrition.services.meal_plans import (
    MealDayData,
    MealItemData,
    MealPlanData,
    MealSlotData,
    meal_plan_assign,
    meal_plan_template_create,
    meal_plan_template_update,
)
from domain.nutrition.services.plans import NutritionPlanData, nutrition_plan_create, nutrition_settings_update

__all__ = [
    "FoodData",
    "FoodLogData",
    "IngredientData",
    "LoggedFood",
    "MealDayData",
    "MealItemData",
    "MealPlanData",
    "MealSlotData",
    "NutritionPlanData",
    "PortionData",
    "RecipeData",
    "favourite_add",
    "favourite_remove",
    "food_archive",
    "food_create",
    "food_log_add",
    "food_log_delete",
    "food_update",
    "meal_plan_assign",
    "meal_plan_template_create",
    "meal_plan_template_update",
    "nutrition_plan_create",
    "nutrition_settings_update",
    "recipe_create",
    "recipe_update",
]
