"""Every billing webhook: replayed three times, delivered out of order, and forged — same end state, once."""

from __future__ import annotations

from datetime import timedelta

from billing.platform.models import ConnectedAccount, PlatformInvoice, StripeEvent, StudioSubscription
from billing.platform.services import subscription_change_plan
from tests.fakes.stripe_fixtures import pay_with
from tests.fakes.stripe_resources import account_onboard
from tests.fakes.stripe_subscriptions import run_clock
from tests.fakes.stripe_webhooks import events_since, webhook_post


def _state(studio) -> tuple:
    sub = StudioSubscription.objects.get(studio=studio)
    invoices = sorted(
        PlatformInvoice.objects.filter(studio=studio).values_list(
            "stripe_invoice_id", "status", "amount_due", "amount_paid", "attempt_count"
        )
    )
    account = ConnectedAccount.objects.filter(studio=studio).values_list("charges_enabled", "payouts_enabled").first()
    return (sub.status, sub.price_id, sub.current_period_end, sub.cancel_at_period_end, tuple(invoices), account)


def _post_all(client, events, capture, *, times: int = 1) -> None:
    for event in events:
        for _ in range(times):
            with capture(execute=True):
                assert webhook_post(client, event).status_code == 200


def test_replayed_out_of_order_and_forged_events_end_in_the_in_order_state(
    trialing, pro_plan, fake_stripe, billing_clock, public_client, studio_owner, django_capture_on_commit_callbacks
):
    studio = trialing.studio
    # a whole life at Stripe: a card, the trial converts, an upgrade, Connect onboarding
    pay_with(fake_stripe, trialing, "pm_card_visa")
    billing_clock.move_to(trialing.trial_end)
    run_clock(fake_stripe)
    billing_clock.move_to(trialing.trial_end + timedelta(days=10))
    subscription_change_plan(studio=studio, price=pro_plan.prices.get(interval="month"), actor=studio_owner)
    from tests.fakes.stripe_resources import account_create

    account = account_create(fake_stripe, {}, None)
    ConnectedAccount.objects.create(studio=studio, stripe_account_id=account["id"])
    account_onboard(fake_stripe, account["id"])
    events = events_since(fake_stripe, 0)  # everything Stripe sent in this test, sign-up included
    types = {e["type"] for e in events}
    assert {"invoice.created", "invoice.paid", "customer.subscription.updated", "account.updated"} <= types

    # forged: every one of them, signed with the wrong secret, is refused and stores nothing
    stored = StripeEvent.objects.count()
    for event in events:
        assert webhook_post(public_client, event, secret="whsec_forged").status_code == 400
    assert StripeEvent.objects.count() == stored

    # a blank mirror: what Stripe says is all we know
    def forget() -> None:
        StripeEvent.objects.all().delete()
        PlatformInvoice.objects.filter(studio=studio).delete()
        StudioSubscription.objects.filter(studio=studio).update(status="trialing", price=trialing.price)
        ConnectedAccount.objects.filter(studio=studio).update(charges_enabled=False, payouts_enabled=False)

    forget()

    # newest first, each three times
    _post_all(public_client, list(reversed(events)), django_capture_on_commit_callbacks, times=3)
    reversed_state = _state(studio)
    assert StripeEvent.objects.count() == len(events)
    assert set(StripeEvent.objects.values_list("attempts", flat=True)) == {1}

    # the same events, once, in order, from a blank mirror
    forget()
    _post_all(public_client, events, django_capture_on_commit_callbacks)

    assert _state(studio) == reversed_state
    assert reversed_state[0:2] == ("active", pro_plan.prices.get(interval="month").pk)
    assert reversed_state[-1] == (True, True)
    assert [i[2] for i in reversed_state[4]].count(4900) == 1  # trial (0), conversion (4900), upgrade (prorated)
    assert len(reversed_state[4]) == 3
