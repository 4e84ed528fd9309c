"""A cancelled platform subscription that reaches its period end: the studio is restricted (no new clients,
no card sales; refunds still work), the owner is told once, and choosing a plan again lifts it."""

from __future__ import annotations

import pytest
from django.core import mail

from billing.charges import studio_checkout_session_create
from billing.platform.limits import ClientLimitReached, client_limit_check
from billing.platform.models import ConnectedAccount
from billing.platform.services import subscription_change_plan
from core.exceptions import ConflictError
from tests.fakes.stripe_resources import account_create


def _sell(studio):
    return studio_checkout_session_create(
        studio=studio,
        amount=1000,
        currency="GBP",
        description="Drop-in",
        reference="test:1",
        success_url="http://x/",
        cancel_url="http://x/",
    )


def test_at_the_period_end_the_studio_is_restricted_and_the_owner_told_once(ended, fake_stripe, studio_owner):
    assert (ended.status, ended.canceled_at) == ("canceled", ended.current_period_end)
    assert [m.to for m in mail.outbox] == [[studio_owner.email]]
    assert "plan has ended" in mail.outbox[0].subject
    assert "/billing/" in mail.outbox[0].body

    with pytest.raises(ClientLimitReached) as refused:
        client_limit_check(studio=ended.studio)
    assert (refused.value.status_code, refused.value.code, refused.value.extra["upgrade_url"]) == (
        403,
        "ended",
        "/billing/",
    )
    account = account_create(fake_stripe, {}, None)["id"]
    ConnectedAccount.objects.create(studio=ended.studio, stripe_account_id=account, charges_enabled=True)
    with pytest.raises(ConflictError) as no_sales:
        _sell(ended.studio)
    assert no_sales.value.code == "ended"


def test_choosing_a_plan_again_starts_a_new_subscription_and_lifts_the_restrictions(
    ended, fake_stripe, studio_owner, deliver
):
    old_id = ended.stripe_subscription_id
    mark = len(fake_stripe.events)
    restarted = subscription_change_plan(studio=ended.studio, price=ended.price, actor=studio_owner)
    deliver(mark)
    restarted.refresh_from_db()
    assert restarted.status == "active"
    assert restarted.stripe_subscription_id not in ("", old_id)
    assert restarted.canceled_at is None
    client_limit_check(studio=ended.studio)  # admits clients again
    assert fake_stripe.objects[restarted.stripe_subscription_id]["trial_end"] is None


def test_a_declined_card_changes_nothing_and_a_new_card_then_starts_the_plan(ended, fake_stripe, studio_owner):
    from billing.stripe_client import CardDeclinedError
    from tests.fakes.stripe_fixtures import pay_with

    pay_with(fake_stripe, ended, "pm_card_chargeDeclined")
    with pytest.raises(CardDeclinedError):
        subscription_change_plan(studio=ended.studio, price=ended.price, actor=studio_owner)
    ended.refresh_from_db()
    assert ended.status == "canceled"
    pay_with(fake_stripe, ended, "pm_card_visa")
    restarted = subscription_change_plan(studio=ended.studio, price=ended.price, actor=studio_owner)
    assert restarted.status == "active"
