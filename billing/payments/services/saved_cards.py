"""Cards on file: saved from a Checkout the client paid with `save_card` (Stripe keeps the card on a customer
of the studio's connected account), charged off-session for renewals and fees (`cards.invoice_charge_saved_card`),
listed in the wallet and removable by the client or the studio's staff."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from billing.payments.models import Payment, SavedCard
from core.audit import AuditAction, audit_record
from core.error_codes import ErrorCode
from core.exceptions import NotFoundError
from core.models import User
from core.permissions import is_studio_staff


@transaction.atomic
def saved_card_store(*, client_id: int, customer: str, payment_method: str, brand: str, last4: str) -> SavedCard:
    """Keep a card Stripe saved for off-session use as the client's default (once per payment method)."""
    card, _created = SavedCard.objects.get_or_create(
        stripe_payment_method_id=payment_method,
        defaults={
            "client_id": client_id,
            "stripe_customer_id": customer,
            "brand": brand[:20],
            "last4": last4[:4],
            "is_default": True,
        },
    )
    SavedCard.objects.filter(client_id=client_id).exclude(pk=card.pk).update(is_default=False)
    return card


def saved_card_list(*, client: User) -> list[SavedCard]:
    """The client's cards on file, the default first."""
    return list(SavedCard.objects.filter(client=client))


@transaction.atomic
def saved_card_remove(*, actor: User, card_id: int) -> SavedCard:
    """The client (their own) or staff who see the client remove a card on file: it is never charged again;
    after commit it is detached from its Stripe customer. Audited. Raises NotFoundError (no such card, or
    not theirs / a client out of the staff member's reach)."""
    card = SavedCard.objects.select_for_update().filter(pk=card_id).first()
    if card is None or (card.client_id != actor.pk and not is_studio_staff(actor)):
        raise NotFoundError(_("No such card."), code=ErrorCode.CARD_NOT_FOUND)
    if card.client_id != actor.pk:
        from domain.clients.selectors import client_get

        client_get(actor=actor, client_id=card.client_id)  # a trainer only for the clients they see
    audit_record(actor=actor, action=AuditAction.SAVED_CARD_REMOVE, target=card, client=card.client_id)
    payment_method = card.stripe_payment_method_id
    card.delete()
    following = SavedCard.objects.filter(client_id=card.client_id).order_by("-created_at").first()
    if following is not None and not SavedCard.objects.filter(client_id=card.client_id, is_default=True).exists():
        SavedCard.objects.filter(pk=following.pk).update(is_default=True)
    from billing.payments.tasks import card_detach, queue_after_commit

    queue_after_commit(card_detach, payment_method=payment_method)
    return card


def saved_card_from_checkout(
    *, metadata: dict[str, Any], intent: dict[str, Any], method: dict[str, Any]
) -> SavedCard | None:
    """Keep the card a paid Checkout saved (its intent has `setup_future_usage` and a customer) as the
    paying client's card on file; None when nothing was saved or the payment is not ours.
    `intent` and `method` are Stripe's PaymentIntent and PaymentMethod as re-read from Stripe."""
    payment_id = str(metadata.get("payment_id") or "")
    if (
        not (intent.get("setup_future_usage") and intent.get("customer") and method.get("id"))
        or not payment_id.isdigit()
    ):
        return None
    client_id = Payment.objects.filter(pk=int(payment_id)).values_list("client_id", flat=True).first()
    if client_id is None:
        return None
    card = method.get("card") or {}
    return saved_card_store(
        client_id=client_id,
        customer=str(intent["customer"]),
        payment_method=str(method["id"]),
        brand=str(card.get("brand") or ""),
        last4=str(card.get("last4") or ""),
    )
