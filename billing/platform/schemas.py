"""Shapes of the public-host billing API. Money: integer minor units + ISO currency; times: ISO 8601 UTC."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema


class PriceOut(Schema):
    id: int
    plan: str
    plan_name: str
    interval: str
    amount: int
    currency: str
    client_limit: int | None
    platform_fee_bps: int


class SubscriptionOut(Schema):
    studio: str
    status: str
    price: PriceOut
    trial_end: datetime | None
    current_period_end: datetime | None
    cancel_at_period_end: bool
    scheduled_price: PriceOut | None
    active_clients: int
    past_due_since: datetime | None


class InvoiceOut(Schema):
    id: str
    status: str
    amount_due: int
    amount_paid: int
    currency: str
    attempt_count: int
    billing_reason: str
    hosted_invoice_url: str
    period_start: datetime | None
    period_end: datetime | None
    created: datetime


class PlanChangeIn(Schema):
    price_id: int


class RedirectOut(Schema):
    url: str


class ConnectOut(Schema):
    account_id: str | None
    charges_enabled: bool
    payouts_enabled: bool
    details_submitted: bool
    requirements_due: list[str]
