"""Money arithmetic in integer minor units: tax on a line, proration, billing periods.

All rounding is half away from zero on exact integers (no floats anywhere).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

from billing.money import money_format, money_input, money_parse

BASIS_POINTS = 10_000


def div_round(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half away from zero, exactly (denominator > 0)."""
    quotient, remainder = divmod(abs(numerator), denominator)
    if remainder * 2 >= denominator:
        quotient += 1
    return quotient if numerator >= 0 else -quotient


@dataclass(frozen=True)
class LineAmounts:
    net: int
    tax: int
    total: int


def line_amounts(*, unit_amount: int, quantity: int, tax_rate_bp: int, tax_inclusive: bool) -> LineAmounts:
    """Net, tax and total of one invoice line, in minor units.

    Exclusive: tax = net x rate. Inclusive: the price is the total and tax is its "VAT fraction",
    total x rate / (1 + rate) (HMRC VAT Guide, VAT Notice 700 §16.3.3), computed as total - net so that
    net + tax == total to the minor unit. `tax_rate_bp` is in basis points (2000 = 20 %).
    """
    gross = unit_amount * quantity
    if tax_inclusive:
        net = div_round(gross * BASIS_POINTS, BASIS_POINTS + tax_rate_bp)
        return LineAmounts(net=net, tax=gross - net, total=gross)
    tax = div_round(gross * tax_rate_bp, BASIS_POINTS)
    return LineAmounts(net=gross, tax=tax, total=gross + tax)


def prorate(amount: int, *, used_seconds: float, period_seconds: float) -> int:
    """The share of `amount` for the unused part of a period: amount x (period - used) / period.

    The same time-based proration Stripe applies to subscription changes; whole seconds, rounded half up.
    """
    period = int(period_seconds)
    unused = max(min(period - int(used_seconds), period), 0)
    return div_round(amount * unused, period) if period > 0 else 0


def period_add(moment: datetime, *, period: str, count: int = 1, zone: str = "UTC") -> datetime:
    """`moment` plus `count` billing periods, on the studio's calendar (a month from 31 Jan is 28/29 Feb)."""
    step = {
        "week": relativedelta(weeks=count),
        "month": relativedelta(months=count),
        "year": relativedelta(years=count),
    }
    local = moment.astimezone(ZoneInfo(zone))
    return (local + step[period]).astimezone(moment.tzinfo)


def format_money(amount: int, currency: str) -> str:
    """12345, "GBP" -> "123.45 GBP" in English, "123,45 GBP" in Spanish and German (billing.money.money_format);
    zero-decimal currencies like JPY print whole."""
    return money_format(amount, currency)


def parse_money(text: str | None, currency: str, *, field: str = "amount") -> int:
    """What staff typed ("79.00", "79,00" in es/de) as minor units, the decimals `format_money` shows;
    ValidationError `amount_invalid` otherwise (billing.money.money_parse)."""
    return money_parse(text, currency, field=field)


def input_money(amount: int, currency: str) -> str:
    """Minor units as a form field's editable value ("79.00", "79,00"), read back by `parse_money`."""
    return money_input(amount, currency)
