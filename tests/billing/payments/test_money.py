"""Tax and proration to the minor unit."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.utils import translation

from billing.payments.money import div_round, format_money, input_money, line_amounts, parse_money, period_add, prorate
from core.exceptions import ValidationError


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


@pytest.mark.parametrize(
    ("language", "typed", "currency", "minor"),
    [
        ("en", "79.00", "GBP", 7900),
        ("en", " 79 ", "GBP", 7900),
        ("en", "0.07", "EUR", 7),
        ("en", "79.5", "EUR", 7950),
        ("de", "79,00", "EUR", 7900),
        ("de", "79.00", "EUR", 7900),
        ("es", "1234,56", "EUR", 123456),
        ("en", "500", "JPY", 500),
        ("en", "0.29", "EUR", 29),  # float(0.29) * 100 is 28.999999999999996
    ],
)
def test_typed_money_becomes_exact_minor_units(language, typed, currency, minor):
    with translation.override(language):
        assert parse_money(typed, currency) == minor


@pytest.mark.parametrize(
    ("language", "typed", "currency", "message"),
    [
        ("en", "79.001", "GBP", "GBP amounts have at most 2 decimals."),
        ("en", "500.5", "JPY", "JPY amounts are whole numbers, without decimals."),
        ("en", "79,00", "GBP", "Enter an amount in GBP, such as 79.00."),  # English groups with a comma
        ("de", "1.234,56", "EUR", "Gib einen Betrag in EUR ein, z. B. 79,00."),
        ("en", "-5", "GBP", "Enter an amount in GBP, such as 79.00."),
        ("en", "", "GBP", "Enter an amount in GBP, such as 79.00."),
        ("en", "1e3", "GBP", "Enter an amount in GBP, such as 79.00."),
        ("en", "9" * 13, "GBP", "Enter an amount in GBP, such as 79.00."),
    ],
)
def test_typed_money_that_is_not_exact_is_refused_by_its_field(language, typed, currency, message):
    with translation.override(language), pytest.raises(ValidationError) as refused:
        parse_money(typed, currency)
    assert (refused.value.code, refused.value.extra["fields"]) == ("amount_invalid", {"amount": message})


def test_an_amount_is_shown_for_editing_as_it_is_typed():
    with translation.override("en"):
        assert (input_money(7900, "GBP"), input_money(500, "JPY"), input_money(123456, "EUR")) == (
            "79.00",
            "500",
            "1234.56",
        )
    with translation.override("de"):
        assert input_money(7900, "EUR") == "79,00"
