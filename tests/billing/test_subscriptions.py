"""A studio's platform subscription: trial at sign-up, conversion, upgrade, downgrade, cancel, reactivate."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail

from billing.platform.models import PlatformInvoice, StudioSubscription
from billing.platform.services import (
    plan_price_create,
    subscription_cancel,
    subscription_change_plan,
    subscription_reactivate,
)
from billing.stripe_client import CardDeclinedError
from core.exceptions import ConflictError
from tenants.services import studio_provision
from tests.factories.tenants import STRONG_PASSWORD
from tests.fakes.stripe_fixtures import T0, pay_with
from tests.fakes.stripe_subscriptions import run_clock


def test_sign_up_starts_a_trial_on_the_default_plan(
    plan, fake_stripe, billing_clock, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        studio = studio_provision(
            slug="gamma-gym",
            name="Gamma Gym",
            owner_email="owner@gamma.test",
            owner_password=STRONG_PASSWORD,
            currency="GBP",
        ).studio

    subscription = StudioSubscription.objects.get(studio=studio)
    assert (subscription.status, subscription.plan.code) == ("trialing", "studio")
    assert subscription.trial_end == T0 + timedelta(days=14)
    stripe_sub = fake_stripe.objects[subscription.stripe_subscription_id]
    assert (stripe_sub["status"], stripe_sub["trial_end"]) == ("trialing", int(subscription.trial_end.timestamp()))
    customer = fake_stripe.objects[subscription.stripe_customer_id]
    assert (customer["email"], customer["metadata"]) == ("owner@gamma.test", {"studio": studio.schema_name})


def test_trial_end_converts_to_a_paid_subscription(active, fake_stripe):
    assert active.status == "active"
    assert active.current_period_end == T0 + timedelta(days=14 + 31)  # 16 March + one month (31 days)
    (first_paid,) = PlatformInvoice.objects.filter(studio=active.studio, amount_due__gt=0)
    assert (first_paid.status, first_paid.amount_paid, first_paid.currency) == ("paid", 4900, "GBP")


def test_trial_end_without_a_card_goes_past_due(trialing, fake_stripe, billing_clock, deliver):
    mark = len(fake_stripe.events)
    billing_clock.move_to(trialing.trial_end)
    run_clock(fake_stripe)
    deliver(mark)

    trialing.refresh_from_db()
    assert trialing.status == "past_due"
    assert trialing.past_due_since == trialing.trial_end
    assert len(mail.outbox) == 1


def test_an_upgrade_is_prorated_and_invoiced_at_once(
    active, pro_plan, fake_stripe, billing_clock, deliver, studio_owner
):
    start = active.current_period_end - timedelta(days=31)
    billing_clock.move_to(start + timedelta(days=10))  # 21 of 31 days left
    mark = len(fake_stripe.events)

    subscription = subscription_change_plan(
        studio=active.studio, price=pro_plan.prices.get(interval="month"), actor=studio_owner
    )
    deliver(mark)

    assert (subscription.plan.code, subscription.scheduled_price) == ("pro", None)
    remaining = 21 / 31
    expected = round(9900 * remaining) - round(4900 * remaining)  # Stripe's proration: 6706 - 3319
    invoice = PlatformInvoice.objects.get(studio=active.studio, billing_reason="subscription_update")
    assert (invoice.amount_due, invoice.status) == (expected, "paid")
    assert expected == 3387


def test_a_declined_upgrade_changes_nothing(active, pro_plan, fake_stripe, billing_clock, studio_owner):
    pay_with(fake_stripe, active, "pm_card_chargeCustomerFail")

    with pytest.raises(CardDeclinedError):
        subscription_change_plan(studio=active.studio, price=pro_plan.prices.get(interval="month"), actor=studio_owner)

    active.refresh_from_db()
    assert active.plan.code == "studio"
    assert fake_stripe.objects[active.stripe_subscription_id]["items"]["data"][0]["price"]["id"] == (
        active.price.stripe_price_id
    )


def test_a_downgrade_waits_for_the_period_end(
    active, pro_plan, plan, fake_stripe, billing_clock, deliver, studio_owner
):
    subscription_change_plan(studio=active.studio, price=pro_plan.prices.get(interval="month"), actor=studio_owner)
    studio_price = plan.prices.get(interval="month")

    subscription = subscription_change_plan(studio=active.studio, price=studio_price, actor=studio_owner)

    assert (subscription.plan.code, subscription.scheduled_price) == ("pro", studio_price)
    mark = len(fake_stripe.events)
    billing_clock.move_to(subscription.current_period_end)
    run_clock(fake_stripe)
    deliver(mark)
    subscription.refresh_from_db()
    assert (subscription.plan.code, subscription.scheduled_price, subscription.status) == ("studio", None, "active")
    renewal = PlatformInvoice.objects.filter(studio=active.studio, billing_reason="subscription_cycle").first()
    assert renewal.amount_due == 4900


def test_cancel_at_period_end_then_reactivate_then_cancel_for_good(
    active, fake_stripe, billing_clock, deliver, studio_owner
):
    cancelled = subscription_cancel(studio=active.studio, actor=studio_owner)
    assert (cancelled.status, cancelled.cancel_at_period_end) == ("active", True)

    kept = subscription_reactivate(studio=active.studio, actor=studio_owner)
    assert kept.cancel_at_period_end is False
    with pytest.raises(ConflictError):
        subscription_reactivate(studio=active.studio, actor=studio_owner)

    subscription_cancel(studio=active.studio, actor=studio_owner)
    mark = len(fake_stripe.events)
    billing_clock.move_to(kept.current_period_end)
    run_clock(fake_stripe)
    deliver(mark)
    kept.refresh_from_db()
    assert (kept.status, kept.canceled_at) == ("canceled", kept.current_period_end)


def test_a_new_price_leaves_existing_subscribers_on_theirs(active, plan, fake_stripe, studio_owner):
    old = active.price

    new = plan_price_create(plan=plan, interval="month", amount=5900, currency="GBP")

    old.refresh_from_db()
    active.refresh_from_db()
    assert (old.active, new.active, active.price) == (False, True, old)
    assert fake_stripe.objects[active.stripe_subscription_id]["items"]["data"][0]["price"]["unit_amount"] == 4900
    assert fake_stripe.objects[new.stripe_price_id]["unit_amount"] == 5900
