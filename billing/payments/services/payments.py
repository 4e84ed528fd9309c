"""Money in and out: manual payments recorded by staff, refunds, and the fees' waive-or-charge step.

Card payments (Stripe Checkout on the studio's connected account) live in `services/cards.py`; both
paths end in `payment_succeeded`, which is idempotent (a payment succeeds once).
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.money import money_format
from billing.payments.models import BookingFee, Invoice, Payment, Refund, Strike
from billing.payments.services.invoices import (
    LineData,
    invoice_apply_payment,
    invoice_draft,
    invoice_finalise,
    invoice_for_update,
)
from core.audit import AuditAction, audit_record
from core.error_codes import ErrorCode
from core.exceptions import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from core.models import User
from core.permissions import is_management, is_studio_staff


def _ensure_staff(actor: User) -> None:
    if not is_studio_staff(actor):
        raise PermissionDeniedError(_("Only the studio's staff can do this."))


def _check_amount(amount: int, limit: int, currency: str, *, refund: bool = False) -> None:
    """`amount` (minor units) is positive and at most `limit`: what is still due, or still refundable."""
    if not isinstance(amount, int) or amount <= 0:
        raise ValidationError(
            _("The amount is a positive whole number of minor units."),
            code=ErrorCode.AMOUNT_INVALID,
            fields={"amount": _("More than 0.")},
        )
    if amount > limit:
        shown = money_format(limit, currency)
        detail = (
            _("That is more than the %(amount)s left to refund.")
            if refund
            else _("That is more than the %(amount)s still due.")
        )
        raise ValidationError(
            detail % {"amount": shown},
            code=ErrorCode.AMOUNT_EXCEEDS_DUE,
            fields={"amount": _("At most %(amount)s.") % {"amount": shown}},
        )


@transaction.atomic
def payment_record_manual(
    *,
    actor: User,
    invoice_id: int,
    amount: int,
    method: str,
    reference: str = "",
    note: str = "",
    now: datetime | None = None,
) -> Payment:
    """Staff record cash, a bank transfer or another payment (all or part of what is due); audited."""
    now = now or timezone.now()
    _ensure_staff(actor)
    if method not in Payment.MANUAL:
        raise ValidationError(
            _("Record cash, bank_transfer or other here; cards pay through checkout."),
            code=ErrorCode.METHOD_INVALID,
            fields={"method": _("One of: cash, bank_transfer, other.")},
        )
    invoice = invoice_for_update(invoice_id)
    if invoice.status != Invoice.Status.OPEN:
        raise ConflictError(_("This invoice is not open for payment."), code=ErrorCode.INVOICE_NOT_OPEN)
    _check_amount(amount, invoice.amount_due, invoice.currency)
    payment = Payment.objects.create(
        invoice=invoice,
        client=invoice.client,
        amount=amount,
        currency=invoice.currency,
        method=method,
        status=Payment.Status.SUCCEEDED,
        succeeded_at=now,
        reference=reference[:120],
        note=note[:500],
        recorded_by=actor,
    )
    invoice_apply_payment(invoice=invoice, amount=amount, now=now)
    audit_record(actor=actor, action=AuditAction.PAYMENT_RECORD, target=payment, amount=amount, method=method)
    return payment


def payment_succeeded(*, payment: Payment, now: datetime) -> bool:
    """Mark a pending payment succeeded and credit its invoice (caller holds both locks); False if already done."""
    if payment.status == Payment.Status.SUCCEEDED:
        return False
    payment.status = Payment.Status.SUCCEEDED
    payment.succeeded_at = now
    payment.save(update_fields=["status", "succeeded_at", "updated_at"])
    invoice = invoice_for_update(payment.invoice_id)
    if invoice.status == Invoice.Status.OPEN:
        invoice_apply_payment(invoice=invoice, amount=min(payment.amount, invoice.amount_due), now=now)
    return True


@transaction.atomic
def payment_refund(
    *, actor: User, payment_id: int, amount: int | None = None, reason: str = "", now: datetime | None = None
) -> Refund:
    """Refund all (amount None) or part of a succeeded payment; a card refund goes to Stripe after commit.
    Per the studio's policy the credits the refunded money paid for are taken back (`refund_revoke_credits`).

    Raises ValidationError (more than is left to refund), ConflictError (payment not succeeded, or
    `nothing_to_refund`: refunded in full already).
    """
    now = now or timezone.now()
    if not is_management(actor):
        raise PermissionDeniedError(_("Only the studio's managers can refund."))
    payment = Payment.objects.select_for_update().filter(pk=payment_id).first()
    if payment is None:
        raise NotFoundError(_("No such payment."), code=ErrorCode.PAYMENT_NOT_FOUND)
    if payment.status != Payment.Status.SUCCEEDED:
        raise ConflictError(_("Only a completed payment can be refunded."), code=ErrorCode.PAYMENT_NOT_REFUNDABLE)
    left = payment.amount - payment.amount_refunded
    if left <= 0:
        raise ConflictError(_("Nothing is left to refund on this payment."), code=ErrorCode.NOTHING_TO_REFUND)
    amount = left if amount is None else amount
    _check_amount(amount, left, payment.currency, refund=True)
    refund = Refund.objects.create(
        payment=payment, amount=amount, reason=reason[:500], created_by=actor, created_at=now
    )
    Payment.objects.filter(pk=payment.pk).update(amount_refunded=F("amount_refunded") + amount)
    Invoice.objects.filter(pk=payment.invoice_id).update(amount_refunded=F("amount_refunded") + amount)
    from billing.payments.services.refunds import refund_revoke_credits

    refund_revoke_credits(invoice_id=payment.invoice_id, actor=actor, now=now)
    if payment.method == Payment.Method.CARD:
        from billing.payments.tasks import card_refund_send, queue_after_commit

        queue_after_commit(card_refund_send, refund_id=refund.pk)
    audit_record(actor=actor, action=AuditAction.PAYMENT_REFUND, target=payment, amount=amount, reason=reason[:200])
    return refund


@transaction.atomic
def fee_waive(*, actor: User, fee_id: int, now: datetime | None = None) -> BookingFee:
    """Staff waive a pending fee (within the waive window, before it is charged) of a client they may see.

    Raises PermissionDeniedError (403) for clients, NotFoundError (404) for a fee of a client outside the
    actor's scope (another trainer's) as for an unknown id, ConflictError when it is no longer pending."""
    from domain.clients.selectors import clients_visible_to  # on use, as billing's other services import domain

    _ensure_staff(actor)
    visible = clients_visible_to(actor, include_archived=True)
    fee = BookingFee.objects.select_for_update().filter(pk=fee_id, client__in=visible).first()
    if fee is None:
        raise NotFoundError(_("No such fee."), code=ErrorCode.FEE_NOT_FOUND)
    if fee.status != BookingFee.Status.PENDING:
        raise ConflictError(_("Only a pending fee can be waived."), code=ErrorCode.FEE_NOT_PENDING)
    fee.status = BookingFee.Status.WAIVED
    fee.waived_by = actor
    fee.waived_at = now or timezone.now()
    fee.save(update_fields=["status", "waived_by", "waived_at", "updated_at"])
    audit_record(actor=actor, action=AuditAction.BOOKING_FEE_WAIVE, target=fee, amount=fee.amount)
    return fee


@transaction.atomic
def fee_charge(*, fee_id: int, now: datetime | None = None) -> Invoice | None:
    """Invoice a fee whose waive window has passed (once). The open invoice is charged to a card on file
    after commit (`tasks.invoice_collect`); without a card it stays open for the client to pay."""
    now = now or timezone.now()
    fee = BookingFee.objects.select_for_update().select_related("client").filter(pk=fee_id).first()
    if fee is None or fee.status != BookingFee.Status.PENDING or fee.charge_after > now:
        return None
    invoice = invoice_draft(
        client=fee.client,
        currency=fee.currency,
        lines=[LineData(description=fee.description, unit_amount=fee.amount)],
        actor=None,
    )
    fee.status = BookingFee.Status.CHARGED
    fee.invoice = invoice
    fee.save(update_fields=["status", "invoice", "updated_at"])
    invoice = invoice_finalise(invoice_id=invoice.pk, now=now)
    from billing.payments.tasks import invoice_collect, queue_after_commit

    queue_after_commit(invoice_collect, invoice_id=invoice.pk)
    return invoice


@transaction.atomic
def strikes_forgive(*, actor: User, client_id: int, strike_id: int | None = None, now: datetime | None = None) -> int:
    """Forgive one strike, or all of the client's (reset); any block they caused lifts. Returns how many.

    Raises PermissionDeniedError (403) for a role that may not (clients), NotFoundError (404) for a client
    outside the actor's scope (another trainer's, another studio's id) or a strike id of nobody's here."""
    from domain.clients.selectors import client_in_scope  # on use, as billing's other services import domain

    client_in_scope(actor=actor, client_id=client_id, action="commerce.record_payment")
    strikes = Strike.objects.filter(client_id=client_id, forgiven_at__isnull=True)
    if strike_id is not None:
        strikes = strikes.filter(pk=strike_id)
        if not strikes.exists():
            raise NotFoundError(_("No such strike."), code=ErrorCode.STRIKE_NOT_FOUND)
    count = strikes.update(forgiven_at=now or timezone.now(), forgiven_by=actor)
    audit_record(actor=actor, action=AuditAction.STRIKE_FORGIVE, client=client_id, count=count, strike=strike_id)
    return count
