"""Refunds and chargebacks as Stripe reports them, and what a refund takes back from the client's wallet.

A refund made in the Stripe dashboard (not through `payment_refund`) reaches us only as events
(`charge.refunded`, `refund.created` / `refund.updated`); `card_refunds_sync` re-reads the charge's refunds
from Stripe and records what it does not know yet, so a replayed or late event changes nothing and any
order of events ends alike. Our own refunds carry their id in Stripe's metadata, so their events find them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.payments import selectors
from billing.payments.models import ClientPack, CreditMovement, Invoice, Payment, PaymentDispute, Refund
from core.models import User

COUNTING = ("succeeded", "pending", "requires_action")  # Stripe refund statuses whose money is on its way back
DISPUTE_LOST = "lost"  # Stripe's final status of a chargeback the bank decided for the cardholder


def _refunded(payment: Payment, amount: int) -> None:
    """Move the payment's and its invoice's refunded totals by `amount` (minor units, may be negative)."""
    Payment.objects.filter(pk=payment.pk).update(amount_refunded=F("amount_refunded") + amount)
    Invoice.objects.filter(pk=payment.invoice_id).update(amount_refunded=F("amount_refunded") + amount)


def refund_revoke_credits(*, invoice_id: int, actor: User | None, now: datetime) -> int:
    """Per the studio's policy (`refund_revokes_credits`), take back the credits a refund paid for.

    Each pack sold on the invoice keeps `credits_total x (1 - refunded / total)` credits (rounded in the
    client's favour), never taking back credits already used; a refund that failed gives them back.
    Returns the signed number of credits moved (negative: taken). Call inside the refund's transaction.
    """
    if not selectors.policy_get().refund_revokes_credits:
        return 0
    invoice = Invoice.objects.get(pk=invoice_id)
    if invoice.total_amount <= 0:
        return 0
    moved = 0
    refunded = min(max(invoice.amount_refunded, 0), invoice.total_amount)
    for pack in ClientPack.objects.select_for_update().filter(invoice_id=invoice_id, status=ClientPack.Status.ACTIVE):
        target = pack.credits_total * refunded // invoice.total_amount
        taken = CreditMovement.objects.filter(pack=pack, reason=CreditMovement.Reason.REFUND).aggregate(n=Sum("delta"))
        already = -(taken["n"] or 0)
        delta = -min(target - already, pack.credits_remaining) if target > already else already - target
        if delta == 0:
            continue
        ClientPack.objects.filter(pk=pack.pk).update(credits_remaining=F("credits_remaining") + delta)
        pack.refresh_from_db(fields=["credits_remaining"])
        CreditMovement.objects.create(
            pack=pack,
            delta=delta,
            reason=CreditMovement.Reason.REFUND,
            balance_after=pack.credits_remaining,
            created_by=actor,
            created_at=now,
        )
        moved += delta
    return moved


def _payment_by_intent(intent_id: str) -> Payment | None:
    return Payment.objects.select_for_update().filter(stripe_payment_intent_id=intent_id).first()


def _refund_row(payment: Payment, stripe_refund: dict[str, Any]) -> Refund | None:
    """Our row for Stripe's refund: by its Stripe id, else by our id in its metadata (sent by us, its answer
    not saved yet), which links the two."""
    row = Refund.objects.select_for_update().filter(stripe_refund_id=stripe_refund["id"]).first()
    ours = str((stripe_refund.get("metadata") or {}).get("refund_id") or "")
    if row is None and ours.isdigit():
        row = Refund.objects.select_for_update().filter(pk=int(ours), payment=payment).first()
        if row is not None and not row.stripe_refund_id:
            row.stripe_refund_id = stripe_refund["id"]
            row.save(update_fields=["stripe_refund_id"])
    return row


@transaction.atomic
def card_refunds_sync(*, intent_id: str, refunds: list[dict[str, Any]], now: datetime | None = None) -> int:
    """Bring a card payment's refunds in line with Stripe's list of them (dicts: id, amount, status,
    metadata): a refund made in the dashboard is recorded (reason "Refunded in Stripe"), one Stripe failed
    or cancelled stops counting; the payment's and invoice's refunded totals and the credits follow.
    Idempotent. Returns how many rows changed (0 for a payment that is not ours)."""
    now = now or timezone.now()
    payment = _payment_by_intent(intent_id)
    if payment is None or payment.status != Payment.Status.SUCCEEDED:
        return 0
    changed = 0
    for stripe_refund in sorted(refunds, key=lambda r: (r.get("created") or 0, r["id"])):
        counts = stripe_refund.get("status") in COUNTING
        row = _refund_row(payment, stripe_refund)
        if row is None:
            if not counts:
                continue
            row = Refund.objects.create(
                payment=payment,
                amount=int(stripe_refund["amount"]),
                reason=_("Refunded in Stripe"),
                stripe_refund_id=stripe_refund["id"],
                created_at=now,
            )
            _refunded(payment, row.amount)
        elif counts == (row.status == Refund.Status.SUCCEEDED):
            continue
        else:
            row.status = Refund.Status.SUCCEEDED if counts else Refund.Status.FAILED
            row.save(update_fields=["status"])
            _refunded(payment, row.amount if counts else -row.amount)
        changed += 1
    if changed:
        refund_revoke_credits(invoice_id=payment.invoice_id, actor=None, now=now)
    return changed


@transaction.atomic
def dispute_record(*, dispute: dict[str, Any], now: datetime | None = None) -> PaymentDispute | None:
    """Record a chargeback on one of our card payments, or bring its status up to date (Stripe's dict, as
    re-read from Stripe). A dispute that is `lost` is booked as a refund of the disputed amount, once
    (`dispute_lost_book`); a won one books nothing. None when the disputed charge is not one of our payments."""
    intent_id = dispute.get("payment_intent") or ""
    payment = _payment_by_intent(intent_id) if intent_id else None
    if payment is None:
        return None
    due = (dispute.get("evidence_details") or {}).get("due_by")
    row, _created = PaymentDispute.objects.update_or_create(
        stripe_dispute_id=dispute["id"],
        defaults={
            "payment": payment,
            "amount": int(dispute.get("amount") or 0),
            "currency": str(dispute.get("currency") or payment.currency).upper(),
            "reason": str(dispute.get("reason") or "")[:60],
            "status": str(dispute.get("status") or "")[:40],
            "evidence_due_by": datetime.fromtimestamp(int(due), tz=UTC) if due else None,
        },
    )
    if row.status == DISPUTE_LOST:
        dispute_lost_book(payment=payment, dispute=row, now=now or timezone.now())
    return row


def dispute_lost_book(*, payment: Payment, dispute: PaymentDispute, now: datetime) -> Refund | None:
    """Book a lost chargeback as a refund of the disputed amount: the payment's and invoice's refunded
    totals, the studio's refunds (analytics) and, per the policy, the credits it paid for, exactly as a
    refund does. Once per dispute (`Refund.dispute` is unique, checked under the payment's lock), however
    often Stripe tells us; at most what is left to refund. None when nothing is booked (already booked,
    the payment not succeeded, or nothing left). Call inside the event's transaction, payment locked."""
    if payment.status != Payment.Status.SUCCEEDED or Refund.objects.filter(dispute=dispute).exists():
        return None
    amount = min(dispute.amount, payment.amount - payment.amount_refunded)
    if amount <= 0:
        return None
    refund = Refund.objects.create(
        payment=payment, amount=amount, reason=_("Chargeback lost"), dispute=dispute, created_at=now
    )
    _refunded(payment, amount)
    refund_revoke_credits(invoice_id=payment.invoice_id, actor=None, now=now)
    return refund
