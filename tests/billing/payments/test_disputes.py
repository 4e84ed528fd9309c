"""A chargeback the studio loses is booked as a refund of the disputed amount (payment, invoice, the
studio's refunds in analytics, credits per the refund policy), once however often Stripe tells us; a won
one books nothing. Through the fake Stripe server and signed webhooks, every event replayed and out of order."""

from __future__ import annotations

import pytest
from django.utils import timezone

from billing.payments.models import ClientPack, CommercePolicy, CreditMovement, Invoice, PaymentDispute, Refund
from billing.payments.selectors import policy_get
from core.studio_time import studio_zone
from domain.analytics.models import BusinessMetric
from domain.analytics.services import day_compute
from tests.billing.payments.checkout import paid_pack
from tests.fakes.stripe_payments import dispute_close, dispute_open


def _dispute(fake_stripe, deliver_all, intent_id: str, *, status: str) -> dict:
    mark = len(fake_stripe.events)
    dispute = dispute_open(fake_stripe, intent_id)
    dispute_close(fake_stripe, dispute["id"], status=status)
    deliver_all(mark)  # closed first, then created; each twice
    return dispute


def _state(sale, payment):
    payment.refresh_from_db()
    invoice = Invoice.objects.get(pk=sale.invoice.pk)
    pack = ClientPack.objects.get(pk=sale.pack.pk)
    return payment.amount_refunded, invoice.amount_refunded, invoice.status, pack.credits_remaining


def test_a_lost_chargeback_is_booked_once_as_a_refund_and_takes_back_the_credits(
    shop, fake_stripe, member, studio, deliver_all
):
    # given a 10-credit pack paid 100.00 by card
    sale, payment = paid_pack(member, studio, fake_stripe, deliver_all)
    # when the cardholder's bank disputes the charge and the studio loses
    dispute = _dispute(fake_stripe, deliver_all, payment.stripe_payment_intent_id, status="lost")
    # and Stripe tells us again under another event id
    mark = len(fake_stripe.events)
    fake_stripe.emit("charge.dispute.funds_withdrawn", dispute, account=fake_stripe.owner[dispute["id"]])
    deliver_all(mark)

    # then one refund of the disputed amount is booked, linked to the dispute
    row = PaymentDispute.objects.get(stripe_dispute_id=dispute["id"])
    refunds = list(Refund.objects.filter(payment=payment).values_list("amount", "status", "dispute_id", "reason"))
    assert refunds == [(10000, "succeeded", row.pk, "Chargeback lost")]
    # the payment and invoice show it, and the unused credits are taken back as for a refund
    assert _state(sale, payment) == (10000, 10000, "paid", 0)
    ledger = CreditMovement.objects.filter(pack_id=sale.pack.pk).values_list("reason", "delta", "balance_after")
    assert list(ledger) == [("refund", -10, 0), ("purchase", 10, 10)]
    # and the studio's figures count it among the day's refunds
    booked = Refund.objects.get(payment=payment)
    day = timezone.localtime(booked.created_at, studio_zone()).date()
    day_compute(day=day)
    metric = BusinessMetric.objects.get(day=day)
    assert (metric.revenue_amount, metric.refunds_amount) == (10000, 10000)


def test_a_won_chargeback_books_nothing(shop, fake_stripe, member, studio, deliver_all):
    sale, payment = paid_pack(member, studio, fake_stripe, deliver_all)
    _dispute(fake_stripe, deliver_all, payment.stripe_payment_intent_id, status="won")
    assert PaymentDispute.objects.get().status == "won"
    assert not Refund.objects.exists()
    assert _state(sale, payment) == (0, 0, "paid", 10)


@pytest.mark.parametrize(("revokes", "credits_left"), [(True, 5), (False, 10)])
def test_a_lost_chargeback_follows_the_refund_policy_and_never_exceeds_what_is_left(
    shop, fake_stripe, member, studio, deliver_all, revokes, credits_left
):
    CommercePolicy.objects.filter(pk=policy_get().pk).update(refund_revokes_credits=revokes)
    sale, payment = paid_pack(member, studio, fake_stripe, deliver_all)
    # a partial dispute (half the charge) is lost
    mark = len(fake_stripe.events)
    dispute = dispute_open(fake_stripe, payment.stripe_payment_intent_id)
    fake_stripe.objects[dispute["id"]]["amount"] = 5000
    dispute_close(fake_stripe, dispute["id"], status="lost")
    deliver_all(mark)
    assert _state(sale, payment) == (5000, 5000, "paid", credits_left)
    assert list(Refund.objects.values_list("amount", flat=True)) == [5000]
