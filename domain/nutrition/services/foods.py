"""Foods and recipes of a studio: custom foods with portions, recipes whose nutrients come from their
ingredients, a client's favourites. Built-in (starter) foods are never edited: copy them instead."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.audit import AuditAction, audit_record
from core.error_codes import ErrorCode
from core.exceptions import ConflictError, NotFoundError, PermissionDeniedError
from core.models import User
from core.permissions import require
from core.validation import FieldErrors
from domain.clients.selectors import client_for_actor
from domain.nutrition.models import FavouriteFood, Food, FoodCategory, FoodPortion, RecipeIngredient
from domain.nutrition.nutrients import NUTRIENT_NAMES as NUTRIENTS
from domain.nutrition.nutrients import barcode_valid, per_100g

MAX_PORTIONS = 12
MAX_INGREDIENTS = 60
MAX_GRAMS = Decimal(5000)


@dataclass(frozen=True, kw_only=True)
class PortionData:
    label: str  # "1 medium", "1 cup"
    grams: Decimal


@dataclass(frozen=True, kw_only=True)
class FoodData:
    name: str
    category: str  # a FoodCategory value
    energy_kcal: Decimal  # all nutrients per 100 g
    protein_g: Decimal
    carbohydrate_g: Decimal
    fat_g: Decimal
    fibre_g: Decimal = Decimal(0)
    brand: str = ""
    barcode: str = ""  # EAN-8, UPC-A, EAN-13 or GTIN-14 digits, check digit verified
    portions: Sequence[PortionData] = ()


@dataclass(frozen=True, kw_only=True)
class IngredientData:
    food_id: int
    grams: Decimal


@dataclass(frozen=True, kw_only=True)
class RecipeData:
    name: str
    servings: int
    ingredients: Sequence[IngredientData]
    instructions: str = ""


def _clean_portions(errors: FieldErrors, portions: Sequence[PortionData]) -> list[tuple[str, Decimal]]:
    if len(portions) > MAX_PORTIONS:
        errors.add("portions", _("At most %(n)d portions.") % {"n": MAX_PORTIONS})
    cleaned: list[tuple[str, Decimal]] = []
    for i, portion in enumerate(portions):
        label = errors.text(f"portions.{i}.label", portion.label, max_length=60)
        if not Decimal(0) < portion.grams <= MAX_GRAMS:
            errors.add(f"portions.{i}.grams", _("Enter a weight from 0.1 to 5000 g."))
        if label.lower() in {seen.lower() for seen, _grams in cleaned}:
            errors.add(f"portions.{i}.label", _("Give each portion once."))
        cleaned.append((label, portion.grams))
    return cleaned


def _clean_food(errors: FieldErrors, data: FoodData) -> dict[str, object]:
    fields: dict[str, object] = {
        "name": errors.text("name", data.name, max_length=120),
        "brand": errors.text("brand", data.brand, max_length=80, required=False),
        "barcode": (data.barcode or "").strip(),
        "category": data.category,
    }
    errors.choice("category", data.category, FoodCategory)
    if fields["barcode"] and not barcode_valid(str(fields["barcode"])):
        errors.add("barcode", _("Enter the 8, 12, 13 or 14 digits of the barcode."))
    errors.number("energy_kcal", data.energy_kcal, minimum=0, maximum=900)
    for name in NUTRIENTS[1:]:
        errors.number(name, getattr(data, name), minimum=0, maximum=100)
    if data.protein_g + data.carbohydrate_g + data.fat_g > 101:
        errors.add("protein_g", _("Protein, carbohydrate and fat cannot weigh more than 100 g per 100 g."))
    for name in NUTRIENTS:
        fields[name] = getattr(data, name)
    return fields


def _save_food(food: Food, portions: list[tuple[str, Decimal]]) -> Food:
    try:
        with transaction.atomic():
            food.save()
    except IntegrityError as exc:
        raise ConflictError(_("Another food already has this barcode."), code=ErrorCode.BARCODE_TAKEN) from exc
    food.portions.all().delete()
    FoodPortion.objects.bulk_create(
        FoodPortion(food=food, label=label, grams=grams, position=i) for i, (label, grams) in enumerate(portions)
    )
    return food


def _own_food(food_id: int, *, recipe: bool) -> Food:
    food = Food.objects.select_for_update().filter(pk=food_id, is_recipe=recipe, is_archived=False).first()
    if food is None:
        raise NotFoundError(_("Recipe not found.") if recipe else _("Food not found."))
    if food.is_builtin:
        raise PermissionDeniedError(
            _("Foods of the starter database cannot be changed; add your own instead."), code=ErrorCode.FOOD_BUILTIN
        )
    return food


@transaction.atomic
def food_create(*, actor: User, data: FoodData) -> Food:
    """A studio's own food; ValidationError naming each bad field, ConflictError `barcode_taken`."""
    require(actor, "nutrition.manage_foods")
    errors = FieldErrors()
    fields = _clean_food(errors, data)
    portions = _clean_portions(errors, data.portions)
    errors.raise_if_any(code=ErrorCode.FOOD_INVALID)
    food = _save_food(Food(created_by=actor, **fields), portions)
    audit_record(actor=actor, action=AuditAction.FOOD_CREATE, target=food)
    return food


@transaction.atomic
def food_update(*, actor: User, food_id: int, data: FoodData) -> Food:
    """Change a studio's own food (log rows keep the nutrients they were logged with)."""
    require(actor, "nutrition.manage_foods")
    food = _own_food(food_id, recipe=False)
    errors = FieldErrors()
    fields = _clean_food(errors, data)
    portions = _clean_portions(errors, data.portions)
    errors.raise_if_any(code=ErrorCode.FOOD_INVALID)
    for name, value in fields.items():
        setattr(food, name, value)
    _save_food(food, portions)
    audit_record(actor=actor, action=AuditAction.FOOD_UPDATE, target=food)
    return food


@transaction.atomic
def food_archive(*, actor: User, food_id: int) -> None:
    """Hide a studio's own food or recipe from search; plans and logs that use it keep it."""
    require(actor, "nutrition.manage_foods")
    food = Food.objects.select_for_update().filter(pk=food_id, is_archived=False).first()
    if food is None:
        raise NotFoundError(_("Food not found."))
    if food.is_builtin:
        raise PermissionDeniedError(_("Foods of the starter database cannot be archived."), code=ErrorCode.FOOD_BUILTIN)
    food.is_archived = True
    food.save(update_fields=["is_archived", "updated_at"])
    audit_record(actor=actor, action=AuditAction.FOOD_ARCHIVE, target=food)


def _clean_recipe(errors: FieldErrors, data: RecipeData) -> tuple[str, list[tuple[Food, Decimal]]]:
    name = errors.text("name", data.name, max_length=120)
    errors.text("instructions", data.instructions, max_length=10000, required=False)
    errors.number("servings", data.servings, minimum=1, maximum=100)
    if not data.ingredients:
        errors.add("ingredients", _("Add at least one ingredient."))
    if len(data.ingredients) > MAX_INGREDIENTS:
        errors.add("ingredients", _("At most %(n)d ingredients.") % {"n": MAX_INGREDIENTS})
    foods = Food.objects.in_bulk([item.food_id for item in data.ingredients])
    cleaned: list[tuple[Food, Decimal]] = []
    for i, item in enumerate(data.ingredients):
        food = foods.get(item.food_id)
        if food is None or food.is_archived:
            errors.add(f"ingredients.{i}.food_id", _("Choose a food from the list."))
        elif food.is_recipe:
            errors.add(f"ingredients.{i}.food_id", _("A recipe cannot be an ingredient; add its foods."))
        if not Decimal(0) < item.grams <= MAX_GRAMS:
            errors.add(f"ingredients.{i}.grams", _("Enter a weight from 0.1 to 5000 g."))
        if food is not None:
            cleaned.append((food, item.grams))
    return name, cleaned


def _write_recipe(recipe: Food, data: RecipeData, ingredients: list[tuple[Food, Decimal]]) -> Food:
    totals = per_100g(ingredients)
    for name in NUTRIENTS:
        setattr(recipe, name, totals.per_100g[name])
    recipe.servings = data.servings
    recipe.instructions = data.instructions.strip()
    recipe.save()
    recipe.ingredients.all().delete()
    RecipeIngredient.objects.bulk_create(
        RecipeIngredient(recipe=recipe, food=food, grams=grams, position=i)
        for i, (food, grams) in enumerate(ingredients)
    )
    serving = (totals.grams / data.servings).quantize(Decimal("0.1"))
    recipe.portions.all().delete()
    FoodPortion.objects.create(food=recipe, label=_("1 serving"), grams=serving, position=0)
    return recipe


@transaction.atomic
def recipe_create(*, actor: User, data: RecipeData) -> Food:
    """A recipe: a food whose nutrients per 100 g are its ingredients' sum over their total weight."""
    require(actor, "nutrition.manage_foods")
    errors = FieldErrors()
    name, ingredients = _clean_recipe(errors, data)
    errors.raise_if_any(code=ErrorCode.RECIPE_INVALID)
    recipe = Food(name=name, category=FoodCategory.RECIPES, is_recipe=True, created_by=actor)
    _write_recipe(recipe, data, ingredients)
    audit_record(actor=actor, action=AuditAction.RECIPE_CREATE, target=recipe)
    return recipe


@transaction.atomic
def recipe_update(*, actor: User, recipe_id: int, data: RecipeData) -> Food:
    require(actor, "nutrition.manage_foods")
    recipe = _own_food(recipe_id, recipe=True)
    errors = FieldErrors()
    name, ingredients = _clean_recipe(errors, data)
    errors.raise_if_any(code=ErrorCode.RECIPE_INVALID)
    recipe.name = name
    _write_recipe(recipe, data, ingredients)
    audit_record(actor=actor, action=AuditAction.RECIPE_UPDATE, target=recipe)
    return recipe


def favourite_add(*, actor: User, client_id: int, food_id: int) -> None:
    """Mark a food as one of the client's favourites (again is a no-op)."""
    client = client_for_actor(actor=actor, client_id=client_id)
    require(actor, "nutrition.log", client)
    if not Food.objects.filter(pk=food_id, is_archived=False).exists():
        raise NotFoundError(_("Food not found."))
    FavouriteFood.objects.bulk_create([FavouriteFood(client=client, food_id=food_id)], ignore_conflicts=True)


def favourite_remove(*, actor: User, client_id: int, food_id: int) -> None:
    client = client_for_actor(actor=actor, client_id=client_id)
    require(actor, "nutrition.log", client)
    FavouriteFood.objects.filter(client=client, food_id=food_id).delete()
