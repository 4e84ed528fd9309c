"""Forms of the trainer's nutrition page: the calculator and a plan's targets. Services decide the rest."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from domain.nutrition.calculator import ACTIVITY_LABELS, CalculatorInput


def _number(label: Any, *, minimum: int | str, maximum: int | str, places: int = 0, **kwargs: Any) -> forms.Field:
    if places:
        field: forms.Field = forms.DecimalField(
            label=label,
            min_value=Decimal(minimum),
            max_value=Decimal(maximum),
            max_digits=6,
            decimal_places=places,
            **kwargs,
        )
    else:
        field = forms.IntegerField(label=label, min_value=int(minimum), max_value=int(maximum), **kwargs)
    field.widget.attrs.update({"inputmode": "decimal", "step": "any"})
    return field


class CalculatorForm(forms.Form):
    sex = forms.ChoiceField(label=_("Sex (for the formula)"), choices=[("female", _("Female")), ("male", _("Male"))])
    age_years = _number(_("Age (years)"), minimum=14, maximum=100)
    weight_kg = _number(_("Body weight (kg)"), minimum=25, maximum=350, places=1)
    height_cm = _number(_("Height (cm)"), minimum=100, maximum=250, places=1)
    body_fat_percent = _number(
        _("Body fat (%)"),
        minimum=3,
        maximum=70,
        places=1,
        required=False,
        help_text=_("When known, Katch-McArdle is used instead of Mifflin-St Jeor."),
    )
    activity = forms.ChoiceField(label=_("Activity"), choices=[(k.value, v) for k, v in ACTIVITY_LABELS.items()])
    goal = forms.ChoiceField(
        label=_("Goal"), choices=[("lose", _("Lose")), ("maintain", _("Maintain")), ("gain", _("Gain"))]
    )
    rate_kg_per_week = _number(_("Rate (kg a week)"), minimum=0, maximum=1, places=2, required=False)
    macro_method = forms.ChoiceField(
        label=_("Macros by"),
        choices=[("grams_per_kg", _("grams per kg of body weight")), ("percent", _("percentages of energy"))],
    )
    protein_g_per_kg = _number(_("Protein (g/kg)"), minimum="0.8", maximum="3.5", places=2, initial="1.6")
    fat_g_per_kg = _number(_("Fat (g/kg)"), minimum="0.3", maximum="2.5", places=2, initial="0.8")
    protein_percent = _number(_("Protein (%)"), minimum=5, maximum=80, initial=30)
    carbohydrate_percent = _number(_("Carbohydrate (%)"), minimum=5, maximum=80, initial=40)
    fat_percent = _number(_("Fat (%)"), minimum=5, maximum=80, initial=30)
    floor_override_kcal = _number(_("Lower safety floor to (kcal)"), minimum=800, maximum=5000, required=False)
    floor_override_reason = forms.CharField(label=_("Reason for the lower floor"), max_length=500, required=False)

    def to_data(self) -> CalculatorInput:
        data = dict(self.cleaned_data)
        data["rate_kg_per_week"] = data.get("rate_kg_per_week") or 0
        return CalculatorInput(**data)


class PlanForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120, required=False)
    starts_on = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    energy_kcal = _number(_("Energy (kcal)"), minimum=500, maximum=10000)
    protein_g = _number(_("Protein (g)"), minimum=0, maximum=1000)
    carbohydrate_g = _number(_("Carbohydrate (g)"), minimum=0, maximum=2000)
    fat_g = _number(_("Fat (g)"), minimum=0, maximum=1000)
    fibre_g = _number(_("Fibre (g)"), minimum=0, maximum=200, required=False)
    water_ml = _number(_("Water (ml)"), minimum=0, maximum=10000, required=False)
    training_energy_kcal = _number(_("Training days: energy (kcal)"), minimum=500, maximum=10000, required=False)
    training_carbohydrate_g = _number(_("Training days: carbohydrate (g)"), minimum=0, maximum=2000, required=False)
    adherence_tolerance_percent = _number(
        _("Adherence range (± %)"), minimum=1, maximum=50, required=False, help_text=_("Empty: the studio's default.")
    )
    meal_plan_id = forms.TypedChoiceField(label=_("Meal plan"), coerce=int, required=False, empty_value=None)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))
    calculation = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, meal_plans: Sequence[tuple[int, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["meal_plan_id"]).choices = [("", _("None: logging only")), *meal_plans]


class MealPlanAssignForm(forms.Form):
    meal_plan_id = forms.TypedChoiceField(label=_("Meal plan template"), coerce=int)

    def __init__(self, *args: Any, templates: Sequence[tuple[int, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["meal_plan_id"]).choices = list(templates)
