"""Money as integer minor units plus an ISO 4217 currency: conversion for display, for MRR, and from what
people type (`money_parse`)."""

from __future__ import annotations

import re
from decimal import Decimal

from django.utils.formats import get_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.error_codes import ErrorCode
from core.exceptions import ValidationError

# The one list of currencies without a minor unit (Stripe's zero-decimal currencies): every price, fee,
# payment and invoice is printed, typed and parsed by it.
ZERO_DECIMAL = frozenset(
    {"BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"}
)


def money_format(amount: int, currency: str, *, zero_decimal: frozenset[str] = ZERO_DECIMAL) -> str:
    """An amount in minor units as the active language writes it, the ISO code after it.

    12345, "GBP" -> "123.45 GBP" (en), "123,45 GBP" (es, de); 123456 -> "1,234.56 GBP" (en), "1.234,56 GBP"
    (de); 500, "JPY" -> "500 JPY". `zero_decimal`: the currencies printed whole (no minor unit).
    """
    currency = currency.upper()
    if currency in zero_decimal:
        return f"{number_format(amount, 0, force_grouping=True)} {currency}"
    return f"{number_format(Decimal(amount) / 100, 2, force_grouping=True)} {currency}"


_MAX_WHOLE_DIGITS = 12  # a billion in any currency is far beyond a studio's till; keeps ints small


def money_places(currency: str, *, zero_decimal: frozenset[str] = ZERO_DECIMAL) -> int:
    """How many decimals `currency` is written with: 0 for zero-decimal currencies (JPY), else 2."""
    return 0 if currency.upper() in zero_decimal else 2


def money_input(amount: int, currency: str, *, zero_decimal: frozenset[str] = ZERO_DECIMAL) -> str:
    """Minor units as a form's field shows them for editing, in the active language, ungrouped, no code:
    7900, "GBP" -> "79.00" (en), "79,00" (es, de); 500, "JPY" -> "500". `money_parse` reads it back."""
    places = money_places(currency, zero_decimal=zero_decimal)
    return number_format(Decimal(amount).scaleb(-places), places, use_l10n=True, force_grouping=False)


def money_parse(
    text: str | None, currency: str, *, field: str = "amount", zero_decimal: frozenset[str] = ZERO_DECIMAL
) -> int:
    """What a person typed as money ("79.00", "79,00" in es/de, "79") -> integer minor units (7900), exactly.

    The decimal separator is "." or the active language's; no grouping separators or inner spaces (an
    ambiguous "1.234" or "1 234" is refused, never read as the wrong amount); no sign. Refuses more
    decimals than `currency` has (JPY: none).
    Raises ValidationError `amount_invalid` with `fields[field]` saying what to type.
    """
    places = money_places(currency, zero_decimal=zero_decimal)
    separators = {".", str(get_format("DECIMAL_SEPARATOR"))}
    pattern = rf"(\d{{1,{_MAX_WHOLE_DIGITS}}})(?:[{re.escape(''.join(separators))}](\d*))?"
    found = re.fullmatch(pattern, (text or "").strip())
    if found is None or (found.group(2) == "" and places == 0):
        example = money_input(7900 * 10**places // 100, currency, zero_decimal=zero_decimal)
        message = _("Enter an amount in %(currency)s, such as %(example)s.") % {
            "currency": currency.upper(),
            "example": example,
        }
        raise ValidationError(message, code=ErrorCode.AMOUNT_INVALID, fields={field: message})
    whole, fraction = found.group(1), (found.group(2) or "")
    if len(fraction) > places:
        message = (
            ngettext(
                "%(currency)s amounts have at most %(n)d decimal.",
                "%(currency)s amounts have at most %(n)d decimals.",
                places,
            )
            if places
            else _("%(currency)s amounts are whole numbers, without decimals.")
        ) % {"currency": currency.upper(), "n": places}
        raise ValidationError(message, code=ErrorCode.AMOUNT_INVALID, fields={field: message})
    return int(whole) * 10**places + int(fraction.ljust(places, "0") or 0)
