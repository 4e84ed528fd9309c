"""Stored metric, shown in the client's units: conversions against hand-computed values."""

from decimal import Decimal

import pytest

from domain.progress.units import Dimension, display, from_metric, load_display, to_metric

pytestmark = pytest.mark.pure  # no database, no cache


@pytest.mark.parametrize(
    ("typed", "dimension", "stored"),
    [
        ("135", Dimension.MASS, "61.23"),  # 135 x 0.45359237 = 61.234...
        ("180", Dimension.MASS, "81.65"),  # 81.646...
        ("34", Dimension.LENGTH, "86.36"),  # 34 x 2.54
        ("3.1", Dimension.DISTANCE, "4.99"),  # 3.1 x 1.609344 = 4.9889...
        ("18.5", Dimension.PERCENT, "18.50"),  # no imperial percent
        ("1421", Dimension.TIME, "1421.00"),
    ],
)
def test_imperial_input_is_stored_metric(typed, dimension, stored):
    assert to_metric(Decimal(typed), dimension, "imperial") == Decimal(stored)


@pytest.mark.parametrize(
    ("stored", "dimension", "system", "shown"),
    [
        ("61.23", Dimension.MASS, "imperial", "135 lb"),  # 61.23 / 0.45359237 = 134.99 -> 135.0
        ("61.23", Dimension.MASS, "metric", "61.2 kg"),
        ("102.50", Dimension.MASS, "imperial", "226 lb"),  # 225.97
        ("86.36", Dimension.LENGTH, "imperial", "34 in"),
        ("86.36", Dimension.LENGTH, "metric", "86.4 cm"),
        ("18.50", Dimension.PERCENT, "imperial", "18.5%"),
        ("1421", Dimension.TIME, "metric", "23:41"),
        ("3725", Dimension.TIME, "imperial", "1:02:05"),
        ("52", Dimension.HEART_RATE, "imperial", "52 bpm"),
        ("12", Dimension.COUNT, "metric", "12 reps"),
    ],
)
def test_stored_values_are_shown_in_the_clients_units(stored, dimension, system, shown):
    assert display(Decimal(stored), dimension, system) == shown


def test_a_value_typed_in_pounds_reads_back_as_typed():
    for pounds in ("95", "135", "182.5", "225", "315", "405"):
        assert from_metric(
            to_metric(Decimal(pounds), Dimension.MASS, "imperial"), Dimension.MASS, "imperial"
        ) == Decimal(pounds).quantize(Decimal("0.1"))


def test_bodyweight_work_has_no_load_to_show():
    assert load_display(None, "metric") == ""
    assert load_display(Decimal(0), "imperial") == ""
    assert load_display(Decimal("20"), "imperial") == "44.1 lb"
