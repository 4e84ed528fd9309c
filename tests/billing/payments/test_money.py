"""Tax and proration to the minor unit."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.utils import translation

from billing.payments.money import div_round, format_money, line_amounts, period_add, prorate


@pytest.mark.parametrize(
    ("unit", "qty", "rate", "inclusive", "expected"),
    [
        (10000, 1, 2000, True, (8333, 1667, 10000)),  # 100.00 incl. 20 % VAT
        (10000, 1, 2000, False, (10000, 2000, 12000)),  # 100.00 + 20 %
        (999, 3, 700, True, (2801, 196, 2997)),  # 3 x 9.99 incl. 7 %
        (999, 3, 700, False, (2997, 210, 3207)),  # 209.79 rounds to 210
        (1234, 1, 0, True, (1234, 0, 1234)),
        (-2500, 1, 2000, True, (-2083, -417, -2500)),  # a credit line
    ],
)
def test_line_amounts_are_exact_in_minor_units(unit, qty, rate, inclusive, expected):
    amounts = line_amounts(unit_amount=unit, quantity=qty, tax_rate_bp=rate, tax_inclusive=inclusive)
    assert (amounts.net, amounts.tax, amounts.total) == expected
    assert amounts.net + amounts.tax == amounts.total


def test_rounding_is_half_away_from_zero():
    assert (div_round(5, 2), div_round(-5, 2), div_round(4, 3), div_round(-4, 3)) == (3, -3, 1, -1)


def test_proration_is_by_time_left():
    assert prorate(3000, used_seconds=10 * 86400, period_seconds=30 * 86400) == 2000
    assert prorate(1000, used_seconds=0, period_seconds=3) == 1000
    assert prorate(1000, used_seconds=1, period_seconds=3) == 667
    assert prorate(1000, used_seconds=5, period_seconds=3) == 0


def test_a_month_after_the_31st_of_january_is_the_end_of_february_in_the_studio_zone():
    start = datetime(2026, 1, 31, 9, 0, tzinfo=UTC)
    assert period_add(start, period="month", zone="Europe/London") == datetime(2026, 2, 28, 9, 0, tzinfo=UTC)
    assert period_add(start, period="week", count=2) == datetime(2026, 2, 14, 9, 0, tzinfo=UTC)


def test_money_is_formatted_from_minor_units():
    assert format_money(123456, "GBP") == "1,234.56 GBP"
    assert format_money(-5, "EUR") == "-0.05 EUR"
    assert format_money(1500, "JPY") == "1,500 JPY"  # grouped like every amount (billing.money.money_format)


def test_money_is_written_the_way_the_active_language_writes_numbers():
    with translation.override("de"):
        assert format_money(123456, "EUR") == "1.234,56 EUR"
    with translation.override("es"):
        assert format_money(123456, "EUR") == "1\xa0234,56 EUR"  # Spanish groups with a (no-break) space
        assert format_money(-5, "EUR") == "-0,05 EUR"
