"""The fake's subscriptions, subscription schedules and invoices, and the clock that renews them."""

from __future__ import annotations

from typing import Any

from tests.fakes.stripe_server import FakeStripe


def customer_card_set(fake: FakeStripe, customer_id: str, payment_method: str, *, account: str | None) -> None:
    customer = fake.get(customer_id, account=account, kind="customer")
    customer["invoice_settings"]["default_payment_method"] = payment_method


def run_clock(fake: FakeStripe) -> list[dict[str, Any]]:
    return []
