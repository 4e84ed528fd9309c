from __future__ import annotations

from django import template

from billing.money import money_format

register = template.Library()


@register.filter
def money(amount: int | None, currency: str) -> str:
    """`{{ invoice.amount_due|money:invoice.currency }}` -> "49.00 GBP"."""
    return "" if amount is None else money_format(int(amount), currency or "")
