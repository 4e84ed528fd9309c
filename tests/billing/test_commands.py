"""Recovery commands: list and re-process failed events; reconcile with Stripe's list of events."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from billing import webhooks
from billing.platform.models import PlatformInvoice, StripeEvent, StudioSubscription
from tests.fakes.stripe_subscriptions import run_clock


def test_reconcile_stores_and_handles_the_events_that_never_arrived(active, fake_stripe, billing_clock):
    # the renewal happens at Stripe, but none of its webhooks reach us
    mark = len(fake_stripe.events)
    billing_clock.move_to(active.current_period_end)
    run_clock(fake_stripe)
    missed = {e["id"] for e in fake_stripe.events[mark:]}
    assert missed
    assert not StripeEvent.objects.filter(pk__in=missed).exists()

    out = StringIO()
    since = (timezone.now() - timedelta(hours=1)).isoformat()
    call_command("stripe_events_reconcile", "--since", since, "--until", timezone.now().isoformat(), stdout=out)

    assert set(StripeEvent.objects.filter(pk__in=missed).values_list("pk", flat=True)) == missed
    assert f"{len(missed)} missing stored" in out.getvalue()
    renewal = PlatformInvoice.objects.filter(studio=active.studio, billing_reason="subscription_cycle").latest(
        "created"
    )
    assert (renewal.status, renewal.amount_paid) == ("paid", 4900)
    assert StudioSubscription.objects.get(pk=active.pk).current_period_end > active.current_period_end

    # run again: nothing is stored twice
    call_command("stripe_events_reconcile", "--since", since, stdout=out)
    assert StripeEvent.objects.filter(pk__in=missed).count() == len(missed)


def test_failed_events_are_listed_and_reprocessed_once(active, fake_stripe, billing_clock, deliver):
    calls: list[str] = []

    @webhooks.stripe_handler("test.platform.flaky", endpoint=webhooks.PLATFORM)
    def flaky(*, event, studio) -> None:
        calls.append(event.id)
        if len(calls) == 1:
            raise RuntimeError("downstream outage")

    event = fake_stripe.emit("test.platform.flaky", {"id": "obj_1", "object": "thing"}, account=None)
    StripeEvent.objects.create(
        event_id=event["id"], endpoint="platform", type=event["type"], created=timezone.now(), payload=event
    )
    with pytest.raises(RuntimeError):
        webhooks.event_process(event_id=event["id"])

    listed = StringIO()
    call_command("stripe_events_failed", stdout=listed)
    assert event["id"] in listed.getvalue()
    assert "1 event(s)" in listed.getvalue()

    out = StringIO()
    call_command("stripe_events_failed", "--reprocess", stdout=out)
    assert "-> processed" in out.getvalue()
    call_command("stripe_events_failed", "--reprocess", stdout=StringIO())
    assert calls == [event["id"], event["id"]]
    assert StripeEvent.objects.get(pk=event["id"]).status == "processed"
