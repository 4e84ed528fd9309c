"""The food database: search with and without accents, plurals; studio foods, barcodes, recipes."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.exceptions import ConflictError, PermissionDeniedError, ValidationError
from domain.nutrition.models import Food
from domain.nutrition.nutrients import barcode_valid
from domain.nutrition.selectors import food_search
from domain.nutrition.services import (
    FoodData,
    IngredientData,
    PortionData,
    RecipeData,
    food_create,
    food_update,
    recipe_create,
)
from tests.domain.api_helpers import send


def _names(query: str) -> list[str]:
    return [food.name for food in food_search(query=query)[:5]]


def test_every_studio_has_the_starter_database(tenant):
    assert Food.objects.filter(is_builtin=True).count() >= 300
    apple = Food.objects.get(name="Apple")
    assert (apple.energy_kcal, apple.protein_g) == (Decimal("52.00"), Decimal("0.30"))
    assert next((p.label, p.grams) for p in apple.portions.all()) == ("1 medium", Decimal("182.0"))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("creme fraiche", "Crème fraîche"),  # accents missing from the query
        ("Crème fraîche", "Crème fraîche"),
        ("crêpes", "Crêpe (plain)"),  # accent and plural
        ("jalapeno", "Jalapeño pepper"),
        ("apples", "Apple"),  # plural
        ("tomatoes", "Tomato"),
        ("strawbery", "Strawberries"),  # a typo
        ("CHICKEN BREAST", "Chicken breast (grilled)"),
    ],
)
def test_search_forgives_accents_plurals_case_and_typos(tenant, query, expected):
    assert expected in _names(query)


def test_search_ranks_the_closest_name_first(tenant):
    assert _names("banana")[0] == "Banana"


def test_barcode_check_digits():
    assert barcode_valid("4006381333931")  # EAN-13
    assert barcode_valid("96385074")  # EAN-8
    assert barcode_valid("036000291452")  # UPC-A
    assert not barcode_valid("4006381333932")
    assert not barcode_valid("40063813339３1")  # not ASCII digits


def _bar(**overrides) -> FoodData:
    data = {
        "name": "Studio protein bar",
        "category": "snacks",
        "energy_kcal": Decimal(380),
        "protein_g": Decimal(33),
        "carbohydrate_g": Decimal(35),
        "fat_g": Decimal(12),
        "barcode": "4006381333931",
        "portions": [PortionData(label="1 bar", grams=Decimal(60))],
        **overrides,
    }
    return FoodData(**data)


def test_staff_add_foods_with_a_unique_valid_barcode(trainer):
    food = food_create(actor=trainer, data=_bar())
    assert [p.label for p in food.portions.all()] == ["1 bar"]
    assert food_search(barcode="4006381333931").get() == food
    with pytest.raises(ConflictError) as taken:
        food_create(actor=trainer, data=_bar(name="Copy"))
    assert taken.value.code == "barcode_taken"
    with pytest.raises(ValidationError) as bad:
        food_create(actor=trainer, data=_bar(barcode="123", protein_g=Decimal(80)))
    assert set(bad.value.extra["fields"]) == {"barcode", "protein_g"}
    assert Food.objects.filter(is_builtin=False).count() == 1


def test_clients_cannot_add_foods_and_nobody_edits_starter_foods(client_user, trainer, oats):
    with pytest.raises(PermissionDeniedError):
        food_create(actor=client_user, data=_bar())
    with pytest.raises(PermissionDeniedError):
        food_update(actor=trainer, food_id=oats.pk, data=_bar(barcode=""))


def test_a_recipe_takes_its_nutrients_from_its_ingredients(trainer, oats):
    milk = Food.objects.get(name="Milk (semi-skimmed)")
    recipe = recipe_create(
        actor=trainer,
        data=RecipeData(
            name="Porridge",
            servings=2,
            ingredients=[
                IngredientData(food_id=oats.pk, grams=Decimal(80)),
                IngredientData(food_id=milk.pk, grams=Decimal(320)),
            ],
        ),
    )
    # energy: 80 g x 379 / 100 + 320 g x 47 / 100 = 303.2 + 150.4 = 453.6 kcal over 400 g -> 113.40 per 100 g
    # protein: 80 x 13.2 / 100 + 320 x 3.4 / 100 = 10.56 + 10.88 = 21.44 g over 400 g -> 5.36 per 100 g
    assert (recipe.energy_kcal, recipe.protein_g) == (Decimal("113.40"), Decimal("5.36"))
    assert [(p.label, p.grams) for p in recipe.portions.all()] == [("1 serving", Decimal("200.0"))]


def test_foods_api_searches_and_refuses_absurd_numbers(api_client, trainer):
    client = api_client(trainer)
    status, body = send(client, "get", "/api/v1/foods?q=creme")
    assert status == 200
    assert body["items"][0]["name"] == "Crème fraîche"
    status, body = send(client, "post", "/api/v1/foods", {**_json_bar(), "energy_kcal": "1e400"})
    assert status == 422
    assert not Food.objects.filter(is_builtin=False).exists()
    status, body = send(client, "post", "/api/v1/foods", _json_bar())
    assert status == 201
    assert body["portions"][0]["label"] == "1 bar"


def _json_bar() -> dict[str, object]:
    return {
        "name": "Bar",
        "category": "snacks",
        "energy_kcal": 380,
        "protein_g": 33,
        "carbohydrate_g": 35,
        "fat_g": 12,
        "portions": [{"label": "1 bar", "grams": 60}],
    }
