"""Money as integer minor units plus an ISO 4217 currency: conversion for display and for MRR."""

from __future__ import annotations

from decimal import Decimal

# Currencies without a minor unit (Stripe's "zero-decimal currencies").
ZERO_DECIMAL = frozenset(
    {"BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"}
)


def money_format(amount: int, currency: str) -> str:
    """12345, "GBP" -> "123.45 GBP"; 123456, "GBP" -> "1,234.56 GBP"; 500, "JPY" -> "500 JPY"."""
    currency = currency.upper()
    if currency in ZERO_DECIMAL:
        return f"{amount:,} {currency}"
    return f"{Decimal(amount) / 100:,.2f} {currency}"
