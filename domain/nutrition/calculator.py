"""Energy and macro targets: pure functions, no database, every step shown so a trainer sees why.

Sources of the formulas:
- Resting energy, Mifflin-St Jeor: Mifflin MD, St Jeor ST et al., "A new predictive equation for resting
  energy expenditure in healthy individuals", Am J Clin Nutr 1990;51:241-7.
  men: 10 x kg + 6.25 x cm - 5 x years + 5; women: the same - 161.
- Resting energy from lean mass, Katch-McArdle: 370 + 21.6 x lean body mass (kg)
  (McArdle, Katch & Katch, Exercise Physiology), used when a body-fat percentage is known.
- Activity factors (physical activity level multipliers): 1.2 sedentary, 1.375 light, 1.55 moderate,
  1.725 active, 1.9 very active (the multipliers usually paired with Mifflin-St Jeor / Harris-Benedict).
- Energy of a change in body mass: 7,700 kcal per kg (the 3,500 kcal per lb rule, Wishnofsky 1958), so a rate
  of r kg per week is r x 7,700 / 7 = r x 1,100 kcal per day.
- Atwater general factors: protein 4, carbohydrate 4, fat 9 kcal per gram; 1 kcal = 4.184 kJ.
- Fibre: 14 g per 1,000 kcal (Institute of Medicine, Dietary Reference Intakes 2005; Dietary Guidelines
  for Americans 2020-2025).
- Water: 35 ml per kg of body weight a day (a common clinical rule of thumb for adults).
- Safety floor: 1,200 kcal a day for women, 1,500 kcal for men (the usual lower bounds for an unsupervised
  diet); a trainer may go below only with a written reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.error_codes import ErrorCode
from core.exceptions import ValidationError
from core.validation import FieldErrors

KCAL_PER_KG_BODY_MASS = 7700
KJ_PER_KCAL = Decimal("4.184")
KCAL_PER_GRAM = {"protein": 4, "carbohydrate": 4, "fat": 9}
FIBRE_G_PER_1000_KCAL = 14
WATER_ML_PER_KG = 35


class Sex(StrEnum):
    FEMALE = "female"
    MALE = "male"


class ActivityLevel(StrEnum):
    SEDENTARY = "sedentary"
    LIGHT = "light"
    MODERATE = "moderate"
    ACTIVE = "active"
    VERY_ACTIVE = "very_active"


ACTIVITY_FACTORS: dict[ActivityLevel, Decimal] = {
    ActivityLevel.SEDENTARY: Decimal("1.2"),
    ActivityLevel.LIGHT: Decimal("1.375"),
    ActivityLevel.MODERATE: Decimal("1.55"),
    ActivityLevel.ACTIVE: Decimal("1.725"),
    ActivityLevel.VERY_ACTIVE: Decimal("1.9"),
}
ACTIVITY_LABELS = {
    ActivityLevel.SEDENTARY: gettext_lazy("Sedentary (desk job, little exercise)"),
    ActivityLevel.LIGHT: gettext_lazy("Light (exercise 1-3 days a week)"),
    ActivityLevel.MODERATE: gettext_lazy("Moderate (exercise 3-5 days a week)"),
    ActivityLevel.ACTIVE: gettext_lazy("Active (hard exercise 6-7 days a week)"),
    ActivityLevel.VERY_ACTIVE: gettext_lazy("Very active (physical job and training)"),
}
SAFETY_FLOOR_KCAL = {Sex.FEMALE: 1200, Sex.MALE: 1500}


class Goal(StrEnum):
    LOSE = "lose"
    MAINTAIN = "maintain"
    GAIN = "gain"


class Formula(StrEnum):
    MIFFLIN_ST_JEOR = "mifflin_st_jeor"
    KATCH_MCARDLE = "katch_mcardle"


class MacroMethod(StrEnum):
    GRAMS_PER_KG = "grams_per_kg"
    PERCENT = "percent"


@dataclass(frozen=True, kw_only=True)
class CalculatorInput:
    sex: str  # "female" | "male"
    age_years: int
    weight_kg: Decimal
    height_cm: Decimal
    activity: str  # an ActivityLevel value
    goal: str = Goal.MAINTAIN  # a Goal value
    rate_kg_per_week: Decimal = Decimal("0")  # > 0 for lose/gain, 0 for maintain
    body_fat_percent: Decimal | None = None  # when known, Katch-McArdle is used
    macro_method: str = MacroMethod.GRAMS_PER_KG
    protein_g_per_kg: Decimal = Decimal("1.6")
    fat_g_per_kg: Decimal = Decimal("0.8")
    protein_percent: Decimal = Decimal("30")
    carbohydrate_percent: Decimal = Decimal("40")
    fat_percent: Decimal = Decimal("30")
    floor_override_kcal: int | None = None  # a trainer's lower floor; needs `floor_override_reason`
    floor_override_reason: str = ""


@dataclass(frozen=True, kw_only=True)
class CalculatorResult:
    formula: str  # Formula value
    resting_kcal: int  # resting energy expenditure
    activity_factor: Decimal
    maintenance_kcal: int  # resting x activity factor (total daily energy expenditure)
    goal_delta_kcal: int  # negative when losing
    floor_kcal: int
    floor_applied: bool  # the goal would have gone below the floor, so the floor was used
    energy_kcal: int
    energy_kj: int
    protein_g: int
    carbohydrate_g: int
    fat_g: int
    fibre_g: int
    water_ml: int
    steps: list[str] = field(default_factory=list)  # the working, line by line, in the reader's language


def _check(data: CalculatorInput) -> None:
    errors = FieldErrors()
    if data.sex not in Sex.__members__.values():
        errors.add("sex", _("Choose female or male (the formulas are sex-specific)."))
    errors.number("age_years", data.age_years, minimum=14, maximum=100)
    errors.number("weight_kg", data.weight_kg, minimum=25, maximum=350)
    errors.number("height_cm", data.height_cm, minimum=100, maximum=250)
    errors.number("body_fat_percent", data.body_fat_percent, minimum=3, maximum=70)
    if data.activity not in ActivityLevel.__members__.values():
        errors.add("activity", _("Choose one of: %(levels)s.") % {"levels": ", ".join(ActivityLevel)})
    if data.goal not in Goal.__members__.values():
        errors.add("goal", _("Choose lose, maintain or gain."))
    elif data.goal == Goal.MAINTAIN:
        if data.rate_kg_per_week:
            errors.add("rate_kg_per_week", _("Leave the rate at 0 to maintain."))
    else:
        errors.number("rate_kg_per_week", data.rate_kg_per_week, minimum=Decimal("0.1"), maximum=1)
    if data.macro_method == MacroMethod.GRAMS_PER_KG:
        errors.number("protein_g_per_kg", data.protein_g_per_kg, minimum=Decimal("0.8"), maximum=Decimal("3.5"))
        errors.number("fat_g_per_kg", data.fat_g_per_kg, minimum=Decimal("0.3"), maximum=Decimal("2.5"))
    elif data.macro_method == MacroMethod.PERCENT:
        for name in ("protein_percent", "carbohydrate_percent", "fat_percent"):
            errors.number(name, getattr(data, name), minimum=5, maximum=80)
        if data.protein_percent + data.carbohydrate_percent + data.fat_percent != 100:
            errors.add("protein_percent", _("Protein, carbohydrate and fat must add up to 100 %."))
    else:
        errors.add("macro_method", _("Use grams_per_kg or percent."))
    if data.floor_override_kcal is not None:
        errors.number("floor_override_kcal", data.floor_override_kcal, minimum=800, maximum=5000)
        if not data.floor_override_reason.strip():
            errors.add("floor_override_reason", _("Give the reason for overriding the safety floor."))
    errors.raise_if_any(code=ErrorCode.NUTRITION_CALCULATION_INVALID)


def resting_energy_mifflin(*, sex: str, weight_kg: Decimal, height_cm: Decimal, age_years: int) -> Decimal:
    """Resting energy expenditure in kcal/day, Mifflin-St Jeor (1990): 10w + 6.25h - 5a + 5 (men) / - 161 (women)."""
    base = 10 * Decimal(weight_kg) + Decimal("6.25") * Decimal(height_cm) - 5 * age_years
    return base + (5 if sex == Sex.MALE else -161)


def resting_energy_katch(*, weight_kg: Decimal, body_fat_percent: Decimal) -> Decimal:
    """Resting energy in kcal/day from lean body mass, Katch-McArdle: 370 + 21.6 x LBM (kg)."""
    lean = Decimal(weight_kg) * (100 - Decimal(body_fat_percent)) / 100
    return 370 + Decimal("21.6") * lean


def _round(value: Decimal) -> int:
    return int(value.quantize(Decimal("1"), rounding="ROUND_HALF_UP"))


def targets_calculate(data: CalculatorInput) -> CalculatorResult:
    """Daily targets for `data`; raises core.exceptions.ValidationError (fields named) on implausible input.

    Energy in kcal (and kJ), macros and fibre in grams, water in ml; all rounded once, at the end of each step.
    """
    _check(data)
    steps: list[str] = []
    if data.body_fat_percent is not None:
        formula = Formula.KATCH_MCARDLE
        resting = resting_energy_katch(weight_kg=data.weight_kg, body_fat_percent=data.body_fat_percent)
        steps.append(
            _("Resting energy (Katch-McArdle): 370 + 21.6 × %(lean)s kg lean mass = %(kcal)s kcal")
            % {"lean": f"{data.weight_kg * (100 - data.body_fat_percent) / 100:.1f}", "kcal": _round(resting)}
        )
    else:
        formula = Formula.MIFFLIN_ST_JEOR
        resting = resting_energy_mifflin(
            sex=data.sex, weight_kg=data.weight_kg, height_cm=data.height_cm, age_years=data.age_years
        )
        steps.append(
            _("Resting energy (Mifflin-St Jeor): 10 × %(w)s + 6.25 × %(h)s − 5 × %(a)s %(s)s = %(kcal)s kcal")
            % {
                "w": data.weight_kg,
                "h": data.height_cm,
                "a": data.age_years,
                "s": "+ 5" if data.sex == Sex.MALE else "− 161",
                "kcal": _round(resting),
            }
        )
    factor = ACTIVITY_FACTORS[ActivityLevel(data.activity)]
    maintenance = _round(resting * factor)
    steps.append(
        _("Maintenance: %(rest)s × %(factor)s (%(level)s) = %(kcal)s kcal")
        % {
            "rest": _round(resting),
            "factor": factor,
            "level": ACTIVITY_LABELS[ActivityLevel(data.activity)],
            "kcal": maintenance,
        }
    )
    sign = {Goal.LOSE: -1, Goal.MAINTAIN: 0, Goal.GAIN: 1}[Goal(data.goal)]
    delta = sign * _round(Decimal(data.rate_kg_per_week) * KCAL_PER_KG_BODY_MASS / 7)
    if delta:
        steps.append(
            _("Goal: %(rate)s kg a week × 7,700 kcal ÷ 7 days = %(delta)+d kcal a day")
            % {"rate": data.rate_kg_per_week, "delta": delta}
        )
    floor = SAFETY_FLOOR_KCAL[Sex(data.sex)]
    if data.floor_override_kcal is not None:
        floor = data.floor_override_kcal
        steps.append(
            _("Safety floor overridden to %(floor)s kcal: %(reason)s")
            % {"floor": floor, "reason": data.floor_override_reason.strip()}
        )
    energy = maintenance + delta
    floor_applied = energy < floor
    if floor_applied:
        steps.append(
            _("%(kcal)s kcal is below the safety floor; the floor of %(floor)s kcal is used.")
            % {"kcal": energy, "floor": floor}
        )
        energy = floor
    protein, carbohydrate, fat = _macros(data, energy, steps)
    fibre = _round(Decimal(energy) * FIBRE_G_PER_1000_KCAL / 1000)
    water = _round(Decimal(data.weight_kg) * WATER_ML_PER_KG)
    steps.append(
        _("Fibre: 14 g per 1,000 kcal = %(fibre)s g; water: 35 ml × %(w)s kg = %(water)s ml")
        % {"fibre": fibre, "w": data.weight_kg, "water": water}
    )
    return CalculatorResult(
        formula=formula,
        resting_kcal=_round(resting),
        activity_factor=factor,
        maintenance_kcal=maintenance,
        goal_delta_kcal=delta,
        floor_kcal=floor,
        floor_applied=floor_applied,
        energy_kcal=energy,
        energy_kj=_round(energy * KJ_PER_KCAL),
        protein_g=protein,
        carbohydrate_g=carbohydrate,
        fat_g=fat,
        fibre_g=fibre,
        water_ml=water,
        steps=steps,
    )


def _macros(data: CalculatorInput, energy: int, steps: list[str]) -> tuple[int, int, int]:
    """(protein, carbohydrate, fat) in grams for `energy` kcal; carbohydrate takes what g/kg leaves."""
    if data.macro_method == MacroMethod.PERCENT:
        protein = _round(energy * data.protein_percent / 100 / KCAL_PER_GRAM["protein"])
        carbohydrate = _round(energy * data.carbohydrate_percent / 100 / KCAL_PER_GRAM["carbohydrate"])
        fat = _round(energy * data.fat_percent / 100 / KCAL_PER_GRAM["fat"])
        steps.append(
            _("Macros by energy: protein %(p)s %%, carbohydrate %(c)s %%, fat %(f)s %% (4, 4 and 9 kcal per gram)")
            % {"p": data.protein_percent, "c": data.carbohydrate_percent, "f": data.fat_percent}
        )
        return protein, carbohydrate, fat
    protein = _round(data.protein_g_per_kg * data.weight_kg)
    fat = _round(data.fat_g_per_kg * data.weight_kg)
    remaining = energy - protein * KCAL_PER_GRAM["protein"] - fat * KCAL_PER_GRAM["fat"]
    if remaining < 0:
        raise ValidationError(
            _("Protein and fat alone exceed the energy target; lower the grams per kg."),
            code=ErrorCode.NUTRITION_CALCULATION_INVALID,
            fields={"protein_g_per_kg": _("Too high for this energy target.")},
        )
    carbohydrate = _round(Decimal(remaining) / KCAL_PER_GRAM["carbohydrate"])
    steps.append(
        _(
            "Macros by body weight: protein %(pk)s g/kg = %(p)s g, fat %(fk)s g/kg = %(f)s g, "
            "carbohydrate the remaining %(rest)s kcal ÷ 4 = %(c)s g"
        )
        % {
            "pk": data.protein_g_per_kg,
            "p": protein,
            "fk": data.fat_g_per_kg,
            "f": fat,
            "rest": remaining,
            "c": carbohydrate,
        }
    )
    return protein, carbohydrate, fat
