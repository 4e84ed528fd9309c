"""Money as integer minor units plus an ISO 4217 currency: conversion for display and for MRR."""

from __future__ import annotations

from decimal import Decimal

from django.utils.formats import number_format

# Currencies without a minor unit (Stripe's "zero-decimal currencies").
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
