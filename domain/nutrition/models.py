"""Nutrition: FOODs (the starter database, a studio's own foods and recipes), NUTRITION_PLANs (a client's
daily targets, versioned), MEAL_PLANs (templates and clients' copies: days x meals x foods) and the
NUTRITION_LOG (what a client ate, one row per food or quick-add, idempotent per device key).

Nutrients of a food are per 100 g (energy in kcal, the rest in grams). A log row keeps its own copy of
the nutrients it was logged with, so editing a food later does not rewrite a client's history.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateRangeField, RangeBoundary, RangeOperators
from django.db import models
from django.db.models import Func, Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class DateRangeInclusive(Func):
    """`daterange(start, end, '[]')`: the days a plan covers (an open end runs on)."""

    function = "DATERANGE"
    output_field = DateRangeField()


class FoodCategory(models.TextChoices):
    FRUIT = "fruit", _("Fruit")
    VEGETABLES = "vegetables", _("Vegetables")
    GRAINS = "grains", _("Grains, bread and pasta")
    LEGUMES = "legumes", _("Beans and legumes")
    NUTS_SEEDS = "nuts_seeds", _("Nuts and seeds")
    DAIRY = "dairy", _("Dairy and alternatives")
    EGGS = "eggs", _("Eggs")
    MEAT = "meat", _("Meat")
    POULTRY = "poultry", _("Poultry")
    FISH = "fish", _("Fish and seafood")
    FATS_OILS = "fats_oils", _("Fats and oils")
    SWEETS = "sweets", _("Sweets and desserts")
    BEVERAGES = "beverages", _("Drinks")
    SNACKS = "snacks", _("Snacks")
    DISHES = "dishes", _("Prepared dishes")
    CONDIMENTS = "condiments", _("Sauces and condiments")
    SUPPLEMENTS = "supplements", _("Supplements")
    RECIPES = "recipes", _("Recipes")


class MealSlot(models.TextChoices):
    BREAKFAST = "breakfast", _("Breakfast")
    LUNCH = "lunch", _("Lunch")
    DINNER = "dinner", _("Dinner")
    SNACK = "snack", _("Snacks")


def _nutrient(label: StrOrPromise) -> models.DecimalField:
    return models.DecimalField(label, max_digits=7, decimal_places=2, default=Decimal(0))


class Food(TimeStampedModel):
    """A food or a recipe; nutrients per 100 g. Built-in foods ship with every studio (starter data)."""

    name = models.CharField(_("name"), max_length=120)
    brand = models.CharField(_("brand"), max_length=80, blank=True)
    category = models.CharField(_("category"), max_length=12, choices=FoodCategory.choices)
    barcode = models.CharField(_("barcode"), max_length=14, blank=True)
    energy_kcal = _nutrient(_("energy (kcal per 100 g)"))
    protein_g = _nutrient(_("protein (g per 100 g)"))
    carbohydrate_g = _nutrient(_("carbohydrate (g per 100 g)"))
    fat_g = _nutrient(_("fat (g per 100 g)"))
    fibre_g = _nutrient(_("fibre (g per 100 g)"))
    is_builtin = models.BooleanField(_("built in"), default=False)
    is_recipe = models.BooleanField(_("recipe"), default=False)
    servings = models.PositiveSmallIntegerField(_("servings"), null=True, blank=True)  # recipes only
    instructions = models.TextField(_("method"), blank=True)  # recipes only
    is_archived = models.BooleanField(_("archived"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("food")
        verbose_name_plural = _("foods")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="nutrition_food_name_not_blank"),
            models.CheckConstraint(condition=Q(category__in=FoodCategory.values), name="nutrition_food_category"),
            models.CheckConstraint(
                condition=Q(energy_kcal__gte=0, energy_kcal__lte=900, protein_g__gte=0, carbohydrate_g__gte=0)
                & Q(fat_g__gte=0, fibre_g__gte=0),
                name="nutrition_food_nutrients_range",
            ),
            models.CheckConstraint(
                condition=Q(protein_g__lte=Decimal(100) - models.F("carbohydrate_g") - models.F("fat_g") + 1),
                name="nutrition_food_macros_fit_100g",
            ),
            models.UniqueConstraint(
                fields=["barcode"], condition=~Q(barcode="") & Q(is_archived=False), name="nutrition_food_barcode"
            ),
        ]
        indexes = [models.Index(fields=["category", "name"], name="nutrition_food_category_name")]

    def __str__(self) -> str:
        return f"{self.name} ({self.brand})" if self.brand else self.name


class FoodPortion(models.Model):
    """A common portion of a food ("1 medium", "1 cup"), in grams."""

    food = models.ForeignKey(Food, on_delete=models.CASCADE, related_name="portions")
    label = models.CharField(_("portion"), max_length=60)
    grams = models.DecimalField(_("grams"), max_digits=7, decimal_places=1)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(grams__gt=0, grams__lte=5000), name="nutrition_portion_grams"),
            models.UniqueConstraint(fields=["food", "label"], name="nutrition_portion_label_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.grams} g)"


class RecipeIngredient(models.Model):
    """An ingredient of a recipe (a Food with is_recipe), by weight."""

    recipe = models.ForeignKey(Food, on_delete=models.CASCADE, related_name="ingredients")
    food = models.ForeignKey(Food, on_delete=models.PROTECT, related_name="used_in")
    grams = models.DecimalField(_("grams"), max_digits=7, decimal_places=1)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(grams__gt=0, grams__lte=20000), name="nutrition_ingredient_grams"),
            models.CheckConstraint(condition=~Q(recipe=models.F("food")), name="nutrition_ingredient_not_itself"),
        ]

    def __str__(self) -> str:
        return f"{self.grams} g of {self.food_id}"


class NutritionSettings(models.Model):
    """The studio's nutrition rules: one row per studio schema (key is always 1)."""

    key = models.PositiveSmallIntegerField(default=1, unique=True, editable=False)
    adherence_tolerance_percent = models.PositiveSmallIntegerField(
        _("adherence range (± % of the target)"),
        default=10,
        help_text=_("A day counts as adherent when energy and protein are within this range of the targets."),
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(adherence_tolerance_percent__gte=1, adherence_tolerance_percent__lte=50),
                name="nutrition_settings_tolerance_range",
            )
        ]

    def __str__(self) -> str:
        return f"± {self.adherence_tolerance_percent} %"


class MealPlan(TimeStampedModel):
    """Days x meals x foods. A template (is_template) is copied to a client, like a program template."""

    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    is_template = models.BooleanField(_("template"), default=True)
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="meal_plans"
    )
    source = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies")
    is_archived = models.BooleanField(_("archived"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="nutrition_meal_plan_name_not_blank"),
            models.CheckConstraint(
                condition=Q(is_template=True, client__isnull=True) | Q(is_template=False, client__isnull=False),
                name="nutrition_meal_plan_template_xor_client",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class MealPlanDay(models.Model):
    meal_plan = models.ForeignKey(MealPlan, on_delete=models.CASCADE, related_name="days")
    name = models.CharField(_("name"), max_length=60)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class MealPlanMeal(models.Model):
    day = models.ForeignKey(MealPlanDay, on_delete=models.CASCADE, related_name="meals")
    name = models.CharField(_("name"), max_length=60)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class MealPlanItem(models.Model):
    meal = models.ForeignKey(MealPlanMeal, on_delete=models.CASCADE, related_name="items")
    food = models.ForeignKey(Food, on_delete=models.PROTECT, related_name="+")
    grams = models.DecimalField(_("grams"), max_digits=7, decimal_places=1)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.CheckConstraint(condition=Q(grams__gt=0, grams__lte=5000), name="nutrition_item_grams")]

    def __str__(self) -> str:
        return f"{self.grams} g of {self.food_id}"


class NutritionPlan(TimeStampedModel):
    """A client's daily targets from `starts_on` (to `ends_on`, or on). A new plan supersedes the one in
    force: that one ends the day before, so a client's plans never overlap (an exclusion constraint)."""

    client = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="nutrition_plans")
    version = models.PositiveIntegerField(_("version"))
    name = models.CharField(_("name"), max_length=120)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    energy_kcal = models.PositiveIntegerField(_("energy (kcal)"))
    protein_g = models.PositiveIntegerField(_("protein (g)"))
    carbohydrate_g = models.PositiveIntegerField(_("carbohydrate (g)"))
    fat_g = models.PositiveIntegerField(_("fat (g)"))
    fibre_g = models.PositiveIntegerField(_("fibre (g)"), null=True, blank=True)
    water_ml = models.PositiveIntegerField(_("water (ml)"), null=True, blank=True)
    training_energy_kcal = models.PositiveIntegerField(_("training-day energy (kcal)"), null=True, blank=True)
    training_protein_g = models.PositiveIntegerField(_("training-day protein (g)"), null=True, blank=True)
    training_carbohydrate_g = models.PositiveIntegerField(_("training-day carbohydrate (g)"), null=True, blank=True)
    training_fat_g = models.PositiveIntegerField(_("training-day fat (g)"), null=True, blank=True)
    adherence_tolerance_percent = models.PositiveSmallIntegerField(
        _("adherence range (± %)"), null=True, blank=True, help_text=_("Empty: the studio's default.")
    )
    meal_plan = models.ForeignKey(
        MealPlan, null=True, blank=True, on_delete=models.SET_NULL, related_name="nutrition_plans"
    )
    calculation = models.JSONField(_("calculation"), default=dict, blank=True)  # the calculator's inputs and steps
    notes = models.TextField(_("notes"), blank=True)
    superseded_at = models.DateTimeField(_("superseded"), null=True, blank=True)  # replaced before it began
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["client", "-starts_on", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["client", "version"], name="nutrition_plan_version_unique"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="nutrition_plan_dates_ordered",
            ),
            models.CheckConstraint(
                condition=Q(energy_kcal__gte=500, energy_kcal__lte=10000, protein_g__lte=1000)
                & Q(carbohydrate_g__lte=2000, fat_g__lte=1000),
                name="nutrition_plan_targets_range",
            ),
            ExclusionConstraint(
                name="nutrition_plan_no_overlap",
                expressions=[
                    ("client", RangeOperators.EQUAL),
                    (DateRangeInclusive("starts_on", "ends_on", RangeBoundary(True, True)), RangeOperators.OVERLAPS),
                ],
                condition=Q(superseded_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    def targets(self, *, training_day: bool = False) -> dict[str, int | None]:
        """The day's targets: training-day values where set and the day had a workout, else the plan's."""
        base: dict[str, int | None] = {
            "energy_kcal": self.energy_kcal,
            "protein_g": self.protein_g,
            "carbohydrate_g": self.carbohydrate_g,
            "fat_g": self.fat_g,
            "fibre_g": self.fibre_g,
        }
        if training_day:
            for name in ("energy_kcal", "protein_g", "carbohydrate_g", "fat_g"):
                value = getattr(self, f"training_{name}")
                if value is not None:
                    base[name] = value
        return base


class FoodLogEntry(TimeStampedModel):
    """One food (or a quick-add of macros) a client ate in a meal of a day; nutrients are this portion's."""

    client = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="food_log")
    logged_on = models.DateField(_("date"))  # a calendar date of the studio's time zone
    meal = models.CharField(_("meal"), max_length=10, choices=MealSlot.choices)
    food = models.ForeignKey(Food, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    name = models.CharField(_("name"), max_length=160)
    grams = models.DecimalField(_("grams"), max_digits=7, decimal_places=1, null=True, blank=True)
    portion = models.CharField(_("portion"), max_length=80, blank=True)
    energy_kcal = _nutrient(_("energy (kcal)"))
    protein_g = _nutrient(_("protein (g)"))
    carbohydrate_g = _nutrient(_("carbohydrate (g)"))
    fat_g = _nutrient(_("fat (g)"))
    fibre_g = _nutrient(_("fibre (g)"))
    idempotency_key = models.UUIDField(_("idempotency key"))
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("food log entry")
        verbose_name_plural = _("food log")
        ordering = ["logged_on", "meal", "id"]
        constraints = [
            models.UniqueConstraint(fields=["client", "idempotency_key"], name="nutrition_log_key_unique"),
            models.CheckConstraint(condition=Q(meal__in=MealSlot.values), name="nutrition_log_meal_valid"),
            models.CheckConstraint(
                condition=Q(energy_kcal__gte=0, energy_kcal__lte=20000, protein_g__gte=0, carbohydrate_g__gte=0)
                & Q(fat_g__gte=0, fibre_g__gte=0),
                name="nutrition_log_nutrients_range",
            ),
        ]
        indexes = [models.Index(fields=["client", "logged_on"], name="nutrition_log_client_day")]

    def __str__(self) -> str:
        return f"{self.client_id} {self.logged_on} {self.name}"


class FavouriteFood(models.Model):
    client = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="favourite_foods")
    food = models.ForeignKey(Food, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "food"], name="nutrition_favourite_unique")]

    def __str__(self) -> str:
        return f"{self.client_id} ♥ {self.food_id}"
