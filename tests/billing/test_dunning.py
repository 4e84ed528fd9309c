"""A failed renewal: past_due, one reminder per invoice and attempt, suspension ("unpaid"), reactivation."""

from __future__ import annotations

from datetime import timedelta

from django.core import mail

from billing.platform.models import DunningReminder, StudioSubscription
from billing.platform.services import dunning_suspend_overdue
from billing.platform.tasks import dunning_sweep
from core.models import AuditAction, AuditEvent
from tenants.models import Studio
from tests.fakes.stripe_fixtures import pay_with
from tests.fakes.stripe_subscriptions import run_clock
from tests.fakes.stripe_webhooks import events_since, webhook_post


def _renewal_fails(active, fake_stripe, billing_clock, deliver) -> int:
    pay_with(fake_stripe, active, "pm_card_chargeCustomerFail")
    mark = len(fake_stripe.events)
    billing_clock.move_to(active.current_period_end)
    run_clock(fake_stripe)
    deliver(mark)
    return mark


def test_a_failed_renewal_leads_to_past_due_reminders_suspension_and_reactivation_on_payment(
    active, fake_stripe, billing_clock, deliver, settings, public_client, django_capture_on_commit_callbacks
):
    settings.BILLING_UNPAID_SUSPEND_DAYS = 7
    mail.outbox.clear()
    failed_at = active.current_period_end

    # the renewal is declined: past due, and the owner hears about it once
    mark = _renewal_fails(active, fake_stripe, billing_clock, deliver)
    active.refresh_from_db()
    assert (active.status, active.past_due_since) == ("past_due", failed_at)
    assert [m.to for m in mail.outbox] == [["owner@alpha.test"]]
    assert "payment of 49.00 GBP failed" in mail.outbox[0].subject
    assert "Thursday 23 April 2026, 10:00" in mail.outbox[0].body  # the deadline, in London time (BST)

    # Stripe delivers the failure again: no second reminder for the same attempt
    (failure,) = events_since(fake_stripe, mark, types=("invoice.payment_failed",))
    with django_capture_on_commit_callbacks(execute=True):
        assert webhook_post(public_client, {**failure, "id": failure["id"] + "_redelivered"}).status_code == 200
    assert len(mail.outbox) == 1

    # Stripe's retry three days later fails too: a reminder for attempt 2
    mark = len(fake_stripe.events)
    billing_clock.move_to(failed_at + timedelta(days=3))
    run_clock(fake_stripe)
    deliver(mark)
    assert len(mail.outbox) == 2
    assert sorted(DunningReminder.objects.values_list("attempt", flat=True)) == [1, 2]

    # before N days the studio stays open; after them the sweep suspends it with the reason "unpaid"
    billing_clock.move_to(failed_at + timedelta(days=6, hours=23))
    assert dunning_sweep() == 0
    billing_clock.move_to(failed_at + timedelta(days=7))
    assert dunning_sweep() == 1
    assert dunning_sweep() == 0  # once
    studio = Studio.objects.get(pk=active.studio_id)
    assert studio.status == "suspended"
    audit = AuditEvent.objects.filter(action=AuditAction.STUDIO_SUSPEND).latest("pk")
    assert (audit.actor_id, audit.metadata["reason"]) == (None, "unpaid")
    active.refresh_from_db()
    assert (active.status, active.suspended_for_nonpayment) == ("unpaid", True)

    # the owner pays with a working card: the invoice is paid and the studio comes back by itself
    mark = len(fake_stripe.events)
    pay_with(fake_stripe, active, "pm_card_visa")
    deliver(mark)
    studio.refresh_from_db()
    active.refresh_from_db()
    assert studio.status == "active"
    assert (active.status, active.suspended_for_nonpayment, active.past_due_since) == ("active", False, None)


def test_a_studio_suspended_by_staff_is_not_reactivated_by_a_payment(
    active, fake_stripe, billing_clock, deliver, settings
):
    from tenants.services import studio_suspend

    _renewal_fails(active, fake_stripe, billing_clock, deliver)
    studio_suspend(studio=active.studio, actor=None, reason="abuse")

    mark = len(fake_stripe.events)
    pay_with(fake_stripe, active, "pm_card_visa")
    deliver(mark)

    assert Studio.objects.get(pk=active.studio_id).status == "suspended"
    assert StudioSubscription.objects.get(pk=active.pk).status == "active"


def test_the_sweep_leaves_paying_studios_alone(active, billing_clock):
    billing_clock.move_to(active.current_period_end + timedelta(days=60))
    assert dunning_suspend_overdue() == []
