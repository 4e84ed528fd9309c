"""The calculator against worked examples: both formulas, the goal, the floor, both macro methods, units."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.exceptions import ValidationError
from domain.nutrition.calculator import CalculatorInput, targets_calculate


def _calc(**overrides):
    data = {
        "sex": "male",
        "age_years": 30,
        "weight_kg": Decimal(80),
        "height_cm": Decimal(180),
        "activity": "moderate",
        **overrides,
    }
    return targets_calculate(CalculatorInput(**data))


def test_mifflin_st_jeor_maintenance_with_grams_per_kg_macros():
    # 10 x 80 + 6.25 x 180 - 5 x 30 + 5 = 1780; x 1.55 = 2759
    result = _calc()
    assert (result.formula, result.resting_kcal, result.maintenance_kcal) == ("mifflin_st_jeor", 1780, 2759)
    assert (result.goal_delta_kcal, result.energy_kcal, result.floor_applied) == (0, 2759, False)
    # protein 1.6 g/kg = 128 g, fat 0.8 g/kg = 64 g; carbohydrate (2759 - 512 - 576) / 4 = 417.75 -> 418
    assert (result.protein_g, result.fat_g, result.carbohydrate_g) == (128, 64, 418)
    assert result.energy_kj == 11544  # 2759 x 4.184 = 11543.656
    assert result.fibre_g == 39  # 14 g per 1000 kcal: 38.626
    assert result.water_ml == 2800  # 35 ml x 80 kg
    assert any("Mifflin-St Jeor" in step for step in result.steps)


def test_weight_loss_for_a_woman_with_percentage_macros():
    # 10 x 65 + 6.25 x 165 - 5 x 40 - 161 = 1320.25; x 1.375 = 1815.34 -> 1815; -0.5 kg/week = -550 kcal
    result = _calc(
        sex="female",
        age_years=40,
        weight_kg=Decimal(65),
        height_cm=Decimal(165),
        activity="light",
        goal="lose",
        rate_kg_per_week=Decimal("0.5"),
        macro_method="percent",
    )
    assert (result.resting_kcal, result.maintenance_kcal, result.goal_delta_kcal) == (1320, 1815, -550)
    assert result.energy_kcal == 1265
    # 30 / 40 / 30 % of 1265 kcal at 4 / 4 / 9 kcal per gram: 94.875, 126.5, 42.17
    assert (result.protein_g, result.carbohydrate_g, result.fat_g) == (95, 127, 42)


def test_gain_adds_energy():
    result = _calc(goal="gain", rate_kg_per_week=Decimal("0.25"))
    assert result.goal_delta_kcal == 275
    assert result.energy_kcal == 2759 + 275


def test_the_safety_floor_holds_unless_a_trainer_overrides_it_with_a_reason():
    small = {
        "sex": "female",
        "age_years": 60,
        "weight_kg": Decimal(50),
        "height_cm": Decimal(155),
        "activity": "sedentary",
        "goal": "lose",
        "rate_kg_per_week": Decimal(1),
    }
    # 500 + 968.75 - 300 - 161 = 1007.75; x 1.2 = 1209.3 -> 1209; -1100 -> 109, under the 1200 kcal floor
    result = _calc(**small)
    assert (result.maintenance_kcal, result.floor_kcal, result.floor_applied, result.energy_kcal) == (
        1209,
        1200,
        True,
        1200,
    )
    assert (result.protein_g, result.fat_g, result.carbohydrate_g) == (80, 40, 130)  # (1200 - 320 - 360) / 4
    overridden = _calc(**small, floor_override_kcal=1000, floor_override_reason="Supervised by the clinic's dietitian")
    assert (overridden.floor_kcal, overridden.energy_kcal) == (1000, 1000)
    assert any("dietitian" in step for step in overridden.steps)
    with pytest.raises(ValidationError) as refused:
        _calc(**small, floor_override_kcal=1000)
    assert "floor_override_reason" in refused.value.extra["fields"]


def test_katch_mcardle_is_used_when_body_fat_is_known():
    # lean mass 80 x 0.85 = 68 kg; 370 + 21.6 x 68 = 1838.8 -> 1839; x 1.55 = 2850.14 -> 2850
    result = _calc(body_fat_percent=Decimal(15))
    assert (result.formula, result.resting_kcal, result.maintenance_kcal) == ("katch_mcardle", 1839, 2850)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"macro_method": "percent", "protein_percent": Decimal(50)}, "protein_percent"),
        ({"weight_kg": Decimal(900)}, "weight_kg"),
        ({"sex": "other"}, "sex"),
        ({"goal": "lose"}, "rate_kg_per_week"),
        ({"goal": "maintain", "rate_kg_per_week": Decimal("0.5")}, "rate_kg_per_week"),
        ({"activity": "couch"}, "activity"),
    ],
)
def test_implausible_inputs_are_refused_naming_the_field(overrides, field):
    with pytest.raises(ValidationError) as refused:
        _calc(**overrides)
    assert field in refused.value.extra["fields"]


def test_protein_and_fat_that_exceed_the_energy_are_refused():
    with pytest.raises(ValidationError) as refused:
        _calc(
            sex="female",
            age_years=70,
            weight_kg=Decimal(120),
            height_cm=Decimal(150),
            activity="sedentary",
            protein_g_per_kg=Decimal("3.5"),
            fat_g_per_kg=Decimal("2.5"),
        )
    assert refused.value.code == "nutrition_calculation_invalid"
