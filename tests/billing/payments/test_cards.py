"""Card money through the billing plumbing against the fake Stripe server: Checkout as a direct charge with
the plan's fee, webhooks replayed and out of order, saved cards for fees and renewals, refunds."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection

from billing.payments import services
from billing.payments.models import BookingFee, ClientSubscription, CommercePolicy, Invoice, Payment, SavedCard
from billing.payments.services.cards import invoice_charge_saved_card, payment_checkout_start
from billing.platform.models import ConnectedAccount
from tests.billing.payments.conftest import NOW
from tests.factories.payments import MembershipFactory, PackFactory
from tests.factories.scheduling import AppointmentFactory
from tests.fakes.stripe_resources import checkout_complete, customer_create
from tests.fakes.stripe_webhooks import events_since, webhook_post


@pytest.fixture
def shop(connected_studio, tenant):
    """The studio can take cards; returns its connected account id."""
    connection.set_tenant(connected_studio)
    return ConnectedAccount.objects.get(studio=connected_studio).stripe_account_id


def _deliver(public_client, events, studio, capture):
    for event in events:
        with capture(execute=True):
            assert webhook_post(public_client, event).status_code == 200
    connection.set_tenant(studio)


def test_checkout_pays_the_invoice_once_however_the_webhooks_arrive(
    shop, fake_stripe, public_client, member, studio, django_capture_on_commit_callbacks
):
    pack = PackFactory(currency=studio.currency)
    sale = services.package_purchase(actor=member, client_id=member.pk, package_id=pack.pk)
    mark = len(fake_stripe.events)
    payment = payment_checkout_start(
        actor=member, invoice_id=sale.invoice.pk, success_url="http://alpha.localhost/wallet/", cancel_url="http://x/"
    )
    assert (payment.status, payment.amount, payment.method) == ("pending", 10000, "card")
    assert payment.checkout_url.startswith(fake_stripe.base_url)
    # asking again reuses the unfinished checkout
    assert (
        payment_checkout_start(
            actor=member, invoice_id=sale.invoice.pk, success_url="http://x/", cancel_url="http://x/"
        ).pk
        == payment.pk
    )
    intent = fake_stripe.objects[payment.stripe_payment_intent_id]
    assert (intent["amount"], intent["application_fee_amount"], fake_stripe.owner[intent["id"]]) == (10000, 250, shop)

    checkout_complete(fake_stripe, payment.stripe_checkout_session_id)
    wanted = ("checkout.session.completed", "payment_intent.succeeded")
    events = events_since(fake_stripe, mark, types=wanted)
    assert sorted(e["type"] for e in events) == sorted(wanted)
    # delivered newest first, and each three times
    _deliver(public_client, [e for e in reversed(events) for _ in range(3)], studio, django_capture_on_commit_callbacks)

    payments = list(Payment.objects.filter(invoice=sale.invoice))
    assert [(p.status, p.amount) for p in payments] == [("succeeded", 10000)]
    invoice = Invoice.objects.get(pk=sale.invoice.pk)
    assert (invoice.status, invoice.amount_paid, Invoice.objects.filter(client=member).count()) == ("paid", 10000, 1)
    sale.pack.refresh_from_db()
    assert (sale.pack.status, sale.pack.credits_remaining) == ("active", 10)


def test_a_card_refund_goes_to_stripe_after_commit(
    shop, fake_stripe, public_client, member, manager, studio, django_capture_on_commit_callbacks
):
    sale = services.package_purchase(
        actor=member, client_id=member.pk, package_id=PackFactory(currency=studio.currency).pk
    )
    mark = len(fake_stripe.events)
    payment = payment_checkout_start(
        actor=member, invoice_id=sale.invoice.pk, success_url="http://x/", cancel_url="http://x/"
    )
    checkout_complete(fake_stripe, payment.stripe_checkout_session_id)
    _deliver(
        public_client,
        events_since(fake_stripe, mark, types=("payment_intent.succeeded",)),
        studio,
        django_capture_on_commit_callbacks,
    )
    with django_capture_on_commit_callbacks(execute=True):
        refund = services.payment_refund(actor=manager, payment_id=payment.pk, amount=3000, reason="injury")
    refund.refresh_from_db()
    assert refund.stripe_refund_id is not None
    charge = fake_stripe.objects[fake_stripe.objects[payment.stripe_payment_intent_id]["latest_charge"]]
    assert charge["amount_refunded"] == 3000


def _card(client, fake_stripe, account, method):
    customer = customer_create(fake_stripe, {"email": client.email}, account)
    return SavedCard.objects.create(
        client=client, stripe_customer_id=customer["id"], stripe_payment_method_id=method, brand="visa", last4="4242"
    )


@pytest.mark.parametrize("penalty", ["late_cancel", "no_show"])
@pytest.mark.parametrize(
    ("method", "outcome", "status"),
    [("pm_card_visa", "succeeded", "paid"), ("pm_card_chargeDeclined", "failed", "open")],
)
def test_a_late_cancel_or_no_show_fee_is_charged_to_the_card_on_file(
    shop, fake_stripe, member, manager, penalty, method, outcome, status
):
    CommercePolicy.objects.update_or_create(
        key=1, defaults={"late_cancel_fee_amount": 900, "no_show_fee_amount": 1500, "fee_waive_hours": 1}
    )
    _card(member, fake_stripe, shop, method)
    appointment = AppointmentFactory(client=member, starts_at=NOW)
    ref = services.BookingRef(
        client=member,
        starts_at=NOW,
        label="PT",
        appointment_id=appointment.pk,
        appointment_type_id=appointment.appointment_type_id,
    )
    if penalty == "late_cancel":
        services.booking_cancelled(actor=member, ref=ref, late=True, now=NOW)
    else:
        services.booking_no_show(actor=manager, ref=ref, now=NOW)
    amount = 900 if penalty == "late_cancel" else 1500
    invoice = services.fee_charge(fee_id=BookingFee.objects.get().pk, now=NOW + timedelta(hours=2))
    assert invoice_charge_saved_card(invoice_id=invoice.pk) == outcome
    invoice.refresh_from_db()
    payment = Payment.objects.get(invoice=invoice)
    expected_payment = "succeeded" if outcome == "succeeded" else "failed"
    assert (invoice.status, invoice.total_amount, payment.method, payment.status, payment.amount) == (
        status,
        amount,
        "card",
        expected_payment,
        amount,
    )
    intent = next(o for o in fake_stripe.objects.values() if o.get("metadata", {}).get("payment_id") == str(payment.pk))
    assert (intent["customer"], fake_stripe.owner[intent["id"]]) == (SavedCard.objects.get().stripe_customer_id, shop)


def test_a_renewal_whose_saved_card_is_declined_is_past_due(shop, fake_stripe, member, buy, studio):
    m = buy(member, MembershipFactory(currency=studio.currency), now=NOW).membership
    _card(member, fake_stripe, shop, "pm_card_chargeDeclined")
    renewal = services.subscription_renew(subscription_id=m.pk, now=m.next_bill_at)
    assert invoice_charge_saved_card(invoice_id=renewal.pk) == "failed"
    m.refresh_from_db()
    assert m.status == ClientSubscription.Status.PAST_DUE


def test_without_a_connected_account_checkout_is_a_clear_409_and_leaves_no_pending_payment(member, pack, tenant):
    from core.exceptions import ConflictError

    sale = services.package_purchase(actor=member, client_id=member.pk, package_id=pack.pk)
    with pytest.raises(ConflictError) as refused:
        payment_checkout_start(
            actor=member, invoice_id=sale.invoice.pk, success_url="http://x/", cancel_url="http://x/"
        )
    assert refused.value.code == "payments_not_set_up"
    assert not Payment.objects.filter(status="pending").exists()
