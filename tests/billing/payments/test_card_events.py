"""What Stripe tells us after the sale, against the fake Stripe server and signed webhooks: a Checkout that
expires, refunds made in the Stripe dashboard (and one the bank returns), chargebacks, and cards saved at
Checkout that then pay a renewal off-session. Every event is delivered replayed and out of order."""

from __future__ import annotations

import pytest
from django.core import mail

from billing.payments import services
from billing.payments.models import (
    ClientPack,
    CreditMovement,
    Invoice,
    Payment,
    PaymentDispute,
    Refund,
    SavedCard,
)
from billing.payments.services.saved_cards import saved_card_remove
from core.exceptions import NotFoundError
from core.models import AuditEvent
from tests.billing.payments.checkout import at_checkout as _at_checkout
from tests.billing.payments.checkout import checkout as _checkout
from tests.billing.payments.checkout import paid_pack as _paid_pack
from tests.billing.payments.conftest import NOW
from tests.domain.api_helpers import send
from tests.factories.core import ClientFactory
from tests.factories.payments import MembershipFactory, PackFactory
from tests.fakes.stripe_payments import checkout_expire, dashboard_refund, dispute_close, dispute_open, refund_fail
from tests.fakes.stripe_resources import checkout_complete


def test_an_expired_checkout_cancels_its_payment_grants_nothing_and_a_new_one_starts(
    shop, fake_stripe, member, studio, deliver_all
):
    sale, payment = _at_checkout(member, studio, fake_stripe, checkout_expire, deliver_all)
    assert (payment.status, payment.checkout_url) == ("cancelled", "")
    invoice = Invoice.objects.get(pk=sale.invoice.pk)
    assert (invoice.status, invoice.amount_paid, invoice.amount_due) == ("open", 0, 10000)
    assert ClientPack.objects.get(pk=sale.pack.pk).status == "pending"
    again = _checkout(member, sale.invoice.pk)
    assert again.pk != payment.pk
    assert again.status == "pending"
    assert Invoice.objects.filter(client=member).count() == 1


def test_a_dashboard_refund_is_recorded_once_takes_back_credits_and_a_returned_one_gives_them_back(
    shop, fake_stripe, member, studio, deliver_all
):
    sale, payment = _paid_pack(member, studio, fake_stripe, deliver_all)
    assert payment.status == "succeeded"
    mark = len(fake_stripe.events)
    refund = dashboard_refund(fake_stripe, payment.stripe_payment_intent_id, amount=5000)
    deliver_all(mark)

    rows = list(Refund.objects.filter(payment=payment))
    assert [(r.amount, r.status, r.stripe_refund_id, r.created_by_id) for r in rows] == [
        (5000, "succeeded", refund["id"], None)
    ]
    payment.refresh_from_db()
    invoice = Invoice.objects.get(pk=sale.invoice.pk)
    assert (payment.amount_refunded, invoice.amount_refunded, invoice.status) == (5000, 5000, "paid")
    pack = ClientPack.objects.get(pk=sale.pack.pk)
    assert pack.credits_remaining == 5  # half the money back: half of the 10 credits taken back
    assert list(CreditMovement.objects.filter(pack=pack).values_list("reason", "delta", "balance_after")) == [
        ("refund", -5, 5),
        ("purchase", 10, 10),
    ]

    mark = len(fake_stripe.events)
    refund_fail(fake_stripe, refund["id"])
    deliver_all(mark)
    assert Refund.objects.get(pk=rows[0].pk).status == "failed"
    payment.refresh_from_db()
    assert (payment.amount_refunded, Invoice.objects.get(pk=sale.invoice.pk).amount_refunded) == (0, 0)
    assert ClientPack.objects.get(pk=sale.pack.pk).credits_remaining == 10


def test_our_own_card_refund_s_events_find_its_row(
    shop, fake_stripe, member, manager, studio, deliver_all, django_capture_on_commit_callbacks
):
    sale, payment = _paid_pack(member, studio, fake_stripe, deliver_all)
    mark = len(fake_stripe.events)
    with django_capture_on_commit_callbacks(execute=True):
        services.payment_refund(actor=manager, payment_id=payment.pk, amount=3000, reason="injury")
    deliver_all(mark)
    assert list(Refund.objects.filter(payment=payment).values_list("amount", "reason", "status")) == [
        (3000, "injury", "succeeded")
    ]
    payment.refresh_from_db()
    assert payment.amount_refunded == 3000
    assert ClientPack.objects.get(pk=sale.pack.pk).credits_remaining == 7  # 10 x (1 - 30 %)


def test_a_chargeback_is_recorded_with_its_latest_status_in_any_order(
    shop, fake_stripe, member, manager, studio, deliver_all, api_client
):
    _sale, payment = _paid_pack(member, studio, fake_stripe, deliver_all)
    mark = len(fake_stripe.events)
    dispute = dispute_open(fake_stripe, payment.stripe_payment_intent_id)
    dispute_close(fake_stripe, dispute["id"], status="lost")
    deliver_all(mark)  # closed arrives before created
    row = PaymentDispute.objects.get()
    assert (row.payment_id, row.amount, row.reason, row.status) == (payment.pk, 10000, "fraudulent", "lost")
    assert row.evidence_due_by is not None
    status, body = send(api_client(manager), "get", f"/api/v1/payments?client_id={member.pk}")
    assert (status, [d["status"] for d in body["items"][0]["disputes"]]) == (200, ["lost"])


def test_a_card_saved_at_checkout_pays_the_renewal_and_the_receipt_is_mailed_from_the_studio(
    shop, fake_stripe, member, studio, deliver_all, django_capture_on_commit_callbacks
):
    sale = services.package_purchase(
        actor=member, client_id=member.pk, package_id=MembershipFactory(currency=studio.currency).pk, now=NOW
    )
    payment = _checkout(member, sale.invoice.pk)  # a membership renews: the card is kept by default
    session = fake_stripe.objects[payment.stripe_checkout_session_id]
    intent = fake_stripe.objects[session["payment_intent"]]
    assert intent["setup_future_usage"] == "off_session"
    mark = len(fake_stripe.events)
    mail.outbox.clear()
    checkout_complete(fake_stripe, payment.stripe_checkout_session_id)
    deliver_all(mark)

    card = SavedCard.objects.get(client=member)
    assert (card.brand, card.last4, card.is_default) == ("visa", "4242", True)
    assert card.stripe_customer_id == fake_stripe.objects[card.stripe_payment_method_id]["customer"]
    # the receipt was queued by the webhook's handler and sent in the studio's schema
    invoice = Invoice.objects.get(pk=sale.invoice.pk)
    assert [m.to for m in mail.outbox if invoice.number in m.subject] == [[member.email]]

    membership = sale.membership
    membership.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        renewal = services.subscription_renew(subscription_id=membership.pk, now=membership.next_bill_at)
    renewal.refresh_from_db()
    paid = Payment.objects.get(invoice=renewal)
    assert (renewal.status, renewal.amount_paid, paid.method, paid.status) == (
        "paid",
        renewal.total_amount,
        "card",
        "succeeded",
    )
    charged = fake_stripe.objects[paid.stripe_payment_intent_id]
    assert (charged["customer"], charged["payment_method"]) == (card.stripe_customer_id, card.stripe_payment_method_id)


def test_a_card_on_file_is_removed_by_its_client_only_and_detached_at_stripe(
    shop, fake_stripe, member, studio, deliver_all, django_capture_on_commit_callbacks
):
    _at_checkout(member, studio, fake_stripe, checkout_complete, deliver_all, save_card=True)
    card = SavedCard.objects.get(client=member)

    with pytest.raises(NotFoundError):
        saved_card_remove(actor=ClientFactory(), card_id=card.pk)
    with django_capture_on_commit_callbacks(execute=True):
        saved_card_remove(actor=member, card_id=card.pk)
    assert not SavedCard.objects.filter(client=member).exists()
    assert fake_stripe.objects[card.stripe_payment_method_id]["customer"] is None
    assert AuditEvent.objects.filter(action="saved_card.remove", actor_id=member.pk).count() == 1


def test_refund_events_that_arrive_before_the_payment_s_leave_one_payment_one_refund(
    shop, fake_stripe, member, studio, deliver_all
):
    sale = services.package_purchase(
        actor=member, client_id=member.pk, package_id=PackFactory(currency=studio.currency).pk
    )
    payment = _checkout(member, sale.invoice.pk)
    mark = len(fake_stripe.events)
    checkout_complete(fake_stripe, payment.stripe_checkout_session_id)
    dashboard_refund(fake_stripe, payment.stripe_payment_intent_id)  # all of it
    deliver_all(mark)  # newest first: the refund's events, then the payment's

    payment.refresh_from_db()
    invoice = Invoice.objects.get(pk=sale.invoice.pk)
    assert (payment.status, payment.amount_refunded) == ("succeeded", 10000)
    assert (invoice.status, invoice.amount_paid, invoice.amount_refunded) == ("paid", 10000, 10000)
    assert Payment.objects.filter(invoice=invoice).count() == 1
    assert Refund.objects.filter(payment=payment).count() == 1
    assert ClientPack.objects.get(pk=sale.pack.pk).credits_remaining == 0


def test_erasing_a_client_detaches_their_cards_at_stripe(
    shop, fake_stripe, member, studio, deliver_all, django_capture_on_commit_callbacks
):
    from core.models import Role, User
    from domain.privacy.services import client_erase

    _at_checkout(member, studio, fake_stripe, checkout_complete, deliver_all, save_card=True)
    card = SavedCard.objects.get(client=member)
    owner = User.objects.filter(role=Role.OWNER).first()
    with django_capture_on_commit_callbacks(execute=True):
        client_erase(actor=owner, client_id=member.pk, confirm_name=member.get_full_name() or member.email)
    assert not SavedCard.objects.filter(client=member).exists()
    assert fake_stripe.objects[card.stripe_payment_method_id]["customer"] is None
