"""Pytest fixtures for billing: the fake Stripe server (session-wide), a plan, a studio able to charge.

Registered from tests/conftest.py (`pytest_plugins`), so every area's tests can use them.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings

from billing.platform.models import ConnectedAccount, Plan, StudioSubscription
from billing.platform.services import plan_create
from tenants.models import Studio
from tests.fakes import stripe_resources, stripe_subscriptions  # noqa: F401 (register the fake's routes)
from tests.fakes.stripe_server import FakeStripe


@pytest.fixture(scope="session")
def fake_stripe() -> Iterator[FakeStripe]:
    """The fake Stripe server on a free port; the stripe library is pointed at it for the whole session."""
    fake = FakeStripe()
    base = fake.serve()
    previous = settings.STRIPE_API_BASE
    settings.STRIPE_API_BASE = base
    yield fake
    settings.STRIPE_API_BASE = previous
    fake.shutdown()


@pytest.fixture
def plan(fake_stripe: FakeStripe, db: None) -> Plan:
    """ "Studio": 50 active clients, 2.50 % platform fee, 14-day trial, 49.00/490.00 GBP."""
    return plan_create(
        code="studio",
        name="Studio",
        client_limit=50,
        platform_fee_bps=250,
        trial_days=14,
        monthly_amount=4900,
        annual_amount=49000,
        currency="GBP",
        rank=2,
    )


@pytest.fixture
def connected_studio(studio: Studio, plan: Plan, fake_stripe: FakeStripe) -> Studio:
    """The `studio` on the plan, with a connected account that has finished onboarding."""
    from tests.fakes.stripe_resources import account_create, account_onboard

    account = account_create(fake_stripe, {"type": "express"}, None)
    account_onboard(fake_stripe, account["id"])
    ConnectedAccount.objects.create(
        studio=studio, stripe_account_id=account["id"], charges_enabled=True, payouts_enabled=True
    )
    StudioSubscription.objects.update_or_create(
        studio=studio, defaults={"price": plan.prices.get(interval="month", active=True), "status": "active"}
    )
    return studio
