"""Card money through the billing plumbing (billing/ owns every Stripe call): Checkout, saved cards, refunds.

A card payment row exists (pending) before Stripe is asked; its state then follows Stripe's events
(`billing/payments/stripe_handlers.py`), each handled once, in any order, however often replayed:
`card_payment_confirmed` is idempotent and keyed by our payment id carried in the metadata.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.payments.models import Invoice, Payment, Refund, SavedCard
from billing.payments.services.invoices import invoice_for_update
from billing.payments.services.payments import payment_succeeded
from core.db import tenant_connection
from core.error_codes import ErrorCode
from core.exceptions import ApplicationError, ConflictError, NotFoundError
from core.models import User
from core.permissions import is_studio_staff


def _reference(payment: Payment) -> str:
    return f"payment:{payment.pk}"


def _metadata(payment: Payment) -> dict[str, str]:
    return {"payment_id": str(payment.pk), "invoice_id": str(payment.invoice_id)}


def payment_checkout_start(
    *, actor: User, invoice_id: int, success_url: str, cancel_url: str, save_card: bool | None = None
) -> Payment:
    """A pending card payment for what is due on the invoice and its Stripe Checkout Session (the payer
    goes to `payment.checkout_url`). An unfinished checkout for the same amount is reused.

    `save_card` (default: for a membership's invoice, which renews) keeps the card on file for renewals
    and fees (`setup_future_usage="off_session"`); it is stored when the payment succeeds.

    Raises NotFoundError (not the client's invoice), ConflictError (not open), and billing's errors
    (`payments_not_set_up`, provider unavailable) - then the payment is marked cancelled.
    """
    with transaction.atomic():
        invoice = invoice_for_update(invoice_id)
        if actor.pk != invoice.client_id and not is_studio_staff(actor):
            raise NotFoundError(_("No such invoice."), code=ErrorCode.INVOICE_NOT_FOUND)
        if invoice.status != Invoice.Status.OPEN or invoice.amount_due <= 0:
            raise ConflictError(_("This invoice is not open for payment."), code=ErrorCode.INVOICE_NOT_OPEN)
        reusable = Payment.objects.filter(
            invoice=invoice, method=Payment.Method.CARD, status=Payment.Status.PENDING, amount=invoice.amount_due
        ).exclude(checkout_url="")
        if (existing := reusable.first()) is not None:
            return existing
        payment = Payment.objects.create(
            invoice=invoice,
            client=invoice.client,
            amount=invoice.amount_due,
            currency=invoice.currency,
            method=Payment.Method.CARD,
            recorded_by=actor,
        )
    from billing.charges import studio_checkout_session_create

    save = bool(invoice.subscription_id) if save_card is None else save_card
    on_file = SavedCard.objects.filter(client_id=invoice.client_id).first()
    try:
        session = studio_checkout_session_create(
            studio=tenant_connection.tenant,
            amount=payment.amount,
            currency=payment.currency,
            description=_("Invoice %(number)s") % {"number": invoice.number},
            reference=_reference(payment),
            success_url=success_url,
            cancel_url=cancel_url,
            metadata=_metadata(payment),
            customer_email=invoice.client.email or None,
            save_card=save,
            customer=on_file.stripe_customer_id if on_file else None,
        )
    except ApplicationError as exc:
        Payment.objects.filter(pk=payment.pk).update(status=Payment.Status.CANCELLED, failure_message=exc.message[:500])
        raise
    Payment.objects.filter(pk=payment.pk).update(
        stripe_checkout_session_id=session.id, stripe_payment_intent_id=session.payment_intent, checkout_url=session.url
    )
    payment.refresh_from_db()
    return payment


def _payment_for(metadata: dict[str, Any], intent_id: str | None) -> Payment | None:
    payment_id = str(metadata.get("payment_id") or "")
    queryset = Payment.objects.select_for_update()
    if payment_id.isdigit():
        return queryset.filter(pk=int(payment_id)).first()
    return queryset.filter(stripe_payment_intent_id=intent_id).first() if intent_id else None


@transaction.atomic
def card_payment_confirmed(
    *, metadata: dict[str, Any], intent_id: str | None, amount: int, now: datetime | None = None
) -> bool:
    """Stripe says the money arrived: the payment succeeds and its invoice is credited, once. False when
    it was already recorded or is not ours."""
    payment = _payment_for(metadata, intent_id)
    if payment is None or amount != payment.amount:
        return False
    if intent_id and not payment.stripe_payment_intent_id:
        payment.stripe_payment_intent_id = intent_id
        payment.save(update_fields=["stripe_payment_intent_id", "updated_at"])
    return payment_succeeded(payment=payment, now=now or timezone.now())


@transaction.atomic
def card_payment_failed(*, metadata: dict[str, Any], intent_id: str | None, message: str) -> bool:
    """A pending card payment failed; a membership renewal it was paying for becomes past due."""
    payment = _payment_for(metadata, intent_id)
    if payment is None or payment.status != Payment.Status.PENDING:
        return False
    payment.status = Payment.Status.FAILED
    payment.failure_message = message[:500]
    payment.save(update_fields=["status", "failure_message", "updated_at"])
    subscription_id = Invoice.objects.filter(pk=payment.invoice_id).values_list("subscription_id", flat=True).first()
    if subscription_id:
        from billing.payments.services.subscriptions import subscription_mark_past_due

        subscription_mark_past_due(subscription_id=subscription_id)
    return True


@transaction.atomic
def checkout_expired(*, metadata: dict[str, Any], session_id: str) -> bool:
    """The payer never finished a Checkout Session and Stripe expired it: its pending payment is cancelled
    (and no longer reused); nothing was paid, so nothing is granted. False if it was not pending."""
    payment = _payment_for(metadata, None) or (
        Payment.objects.select_for_update().filter(stripe_checkout_session_id=session_id).first()
    )
    if payment is None or payment.status != Payment.Status.PENDING:
        return False
    payment.status = Payment.Status.CANCELLED
    payment.failure_message = _("The checkout expired before it was paid.")
    payment.checkout_url = ""
    payment.save(update_fields=["status", "failure_message", "checkout_url", "updated_at"])
    return True


def invoice_charge_saved_card(*, invoice_id: int) -> str:
    """Charge an open invoice to the client's default card: "no_card", "not_open", "succeeded", "failed"."""
    from billing.saved_cards import studio_saved_card_charge

    with transaction.atomic():
        invoice = invoice_for_update(invoice_id)
        if invoice.status != Invoice.Status.OPEN or invoice.amount_due <= 0:
            return "not_open"
        card = SavedCard.objects.filter(client_id=invoice.client_id).first()
        if card is None:
            return "no_card"
        payment = Payment.objects.create(
            invoice=invoice,
            client=invoice.client,
            amount=invoice.amount_due,
            currency=invoice.currency,
            method=Payment.Method.CARD,
            reference=f"{card.brand} {card.last4}".strip(),
        )
    try:
        intent = studio_saved_card_charge(
            studio=tenant_connection.tenant,
            amount=payment.amount,
            currency=payment.currency,
            description=_("Invoice %(number)s") % {"number": invoice.number},
            reference=_reference(payment),
            customer=card.stripe_customer_id,
            payment_method=card.stripe_payment_method_id,
            metadata=_metadata(payment),
        )
    except ApplicationError as exc:
        card_payment_failed(metadata=_metadata(payment), intent_id=None, message=exc.message)
        return "failed"
    if intent.status == "succeeded":
        card_payment_confirmed(metadata=_metadata(payment), intent_id=intent.id, amount=intent.amount)
        return "succeeded"
    return "pending"


def refund_send(*, refund_id: int) -> bool:
    """Send a recorded card refund to Stripe (after its row committed); False if already sent."""
    from billing.charges import studio_refund_create

    refund = Refund.objects.select_related("payment").filter(pk=refund_id).first()
    if refund is None or refund.stripe_refund_id or not refund.payment.stripe_payment_intent_id:
        return False
    sent = studio_refund_create(
        studio=tenant_connection.tenant,
        payment_intent_id=refund.payment.stripe_payment_intent_id,
        amount=refund.amount,
        reference=f"refund:{refund.pk}",
        metadata={"refund_id": str(refund.pk), "payment_id": str(refund.payment_id)},
    )
    Refund.objects.filter(pk=refund.pk, stripe_refund_id__isnull=True).update(stripe_refund_id=sent.id)
    return True
