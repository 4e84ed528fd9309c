"""Pytest fixtures for billing: the fake Stripe server (session-wide), a plan, a studio able to charge.

Registered from tests/conftest.py (`pytest_plugins`), so every area's tests can use them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
import time_machine
from django.conf import settings

from billing.platform.models import ConnectedAccount, Plan, StudioSubscription
from billing.platform.services import plan_create, subscription_trial_start
from tenants.models import Studio
from tests.fakes import stripe_payments, stripe_resources, stripe_subscriptions  # noqa: F401 (register the fake's routes)
from tests.fakes.stripe_server import FakeStripe
from tests.fakes.stripe_subscriptions import customer_card_set, run_clock
from tests.fakes.stripe_webhooks import deliver_since

_running: list[FakeStripe] = []


@pytest.fixture(scope="session")
def fake_stripe() -> Iterator[FakeStripe]:
    """The fake Stripe server on a free port; the stripe library is pointed at it for the whole session."""
    fake = FakeStripe()
    _running.append(fake)
    base = fake.serve()
    previous = settings.STRIPE_API_BASE
    settings.STRIPE_API_BASE = base
    yield fake
    settings.STRIPE_API_BASE = previous
    fake.shutdown()


@pytest.fixture(autouse=True)
def _fake_stripe_per_test() -> Iterator[None]:
    """Each test's database starts afresh, so Stripe does too: no objects, events or idempotency keys of
    the last test (our keys are deterministic per studio, and old subscriptions would renew on the clock)."""
    yield
    for fake in _running:
        fake.reset()


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


# --- the platform subscription of `studio`, driven through Stripe and its webhooks -------------------------
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def billing_clock() -> Iterator[time_machine.Coordinates]:
    """Now is pinned at T0 (a Monday, 09:00 UTC) and moves only when a test moves it."""
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def pro_plan(fake_stripe, db) -> Plan:
    """ "Pro": unlimited clients, 1.00 % fee, 99.00/990.00 GBP, ranked above "Studio"."""
    return plan_create(
        code="pro",
        name="Pro",
        client_limit=None,
        platform_fee_bps=100,
        trial_days=14,
        monthly_amount=9900,
        annual_amount=99000,
        currency="GBP",
        rank=3,
    )


@pytest.fixture
def deliver(public_client, fake_stripe, django_capture_on_commit_callbacks) -> Callable[..., list]:
    """`deliver(mark)`: post every event the fake recorded since `mark`, signed, in order; tasks run."""

    def run(mark: int, **kwargs) -> list:
        with django_capture_on_commit_callbacks(execute=True):
            responses = deliver_since(public_client, fake_stripe, mark, **kwargs)
        assert all(r.status_code == 200 for r in responses), [r.content for r in responses]
        return responses

    return run


@pytest.fixture
def trialing(
    studio, plan, fake_stripe, billing_clock, deliver, django_capture_on_commit_callbacks
) -> StudioSubscription:
    """The studio on a 14-day trial of "Studio", set up at Stripe as sign-up does."""
    mark = len(fake_stripe.events)
    with django_capture_on_commit_callbacks(execute=True):  # as sign-up: Stripe is set up after commit
        subscription_trial_start(studio=studio)
    deliver(mark)  # the customer, subscription and trial invoice events, as Stripe sends them
    return StudioSubscription.objects.get(studio=studio)


def pay_with(fake_stripe, subscription: StudioSubscription, card: str) -> None:
    """The owner saved `card` on the Stripe-hosted page."""
    customer_card_set(fake_stripe, subscription.stripe_customer_id, card, account=None)


@pytest.fixture
def active(trialing, fake_stripe, billing_clock, deliver) -> StudioSubscription:
    """The trial converted: a card on file, the clock past the trial end, the first invoice paid."""
    pay_with(fake_stripe, trialing, "pm_card_visa")
    mark = len(fake_stripe.events)
    billing_clock.move_to(trialing.trial_end)
    run_clock(fake_stripe)
    deliver(mark)
    trialing.refresh_from_db()
    return trialing


@pytest.fixture
def ended(active, fake_stripe, billing_clock, deliver, studio_owner) -> StudioSubscription:
    """The owner cancelled and the period ended: the subscription is over (mail outbox cleared before)."""
    from django.core import mail

    from billing.platform.services import subscription_cancel

    subscription_cancel(studio=active.studio, actor=studio_owner)
    mail.outbox.clear()
    mark = len(fake_stripe.events)
    billing_clock.move_to(active.current_period_end)
    run_clock(fake_stripe)
    deliver(mark)
    deliver(mark)  # Stripe sends them again: nothing changes twice
    active.refresh_from_db()
    return active
