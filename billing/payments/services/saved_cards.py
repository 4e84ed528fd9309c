"""Cards on file: saved from a Checkout the client paid with `save_card` (Stripe keeps the card on a customer
of the studio's connected account), charged off-session for renewals and fees (`cards.invoice_charge_saved_card`),
listed in the wallet and removable by the client or the studio's staff."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from billing.payments.models import Payment, SavedCard
from core.audit import AuditAction, audit_record
from core.error_codes import ErrorCode
from core.exceptions import NotFoundError
from core.models import User
from core.permissions import is_studio_staff


@dataclass(frozen=True)
class CardOnFile:
    """A card Stripe saved for off-session use, as its PaymentMethod shows it."""

    customer: str
    payment_method: str
    brand: str = ""
    last4: str = ""
    fingerprint: str = ""  # Stripe's card.fingerprint: one card number on the studio's account
    created: datetime | None = None  # the PaymentMethod's `created`


@transaction.atomic
def saved_card_store(*, client_id: int, card: CardOnFile) -> SavedCard:
    """Keep a card Stripe saved for off-session use as the client's default (once per payment method).

    The same card saved again on the same customer (same fingerprint) is one card on file: the newer
    payment method replaces the older one (its row goes, and it is detached at Stripe after commit); an
    older one arriving late is itself the duplicate (detached, the newer row kept as the default).
    """
    existing = SavedCard.objects.select_for_update().filter(stripe_payment_method_id=card.payment_method).first()
    if existing is None and card.fingerprint:
        twin = (
            SavedCard.objects.select_for_update()
            .filter(stripe_customer_id=card.customer, fingerprint=card.fingerprint)
            .first()
        )
        if twin is not None and card.created and twin.stripe_created and card.created < twin.stripe_created:
            _detach_after_commit(card.payment_method)
            existing = twin
        elif twin is not None:
            _detach_after_commit(twin.stripe_payment_method_id)
            twin.delete()
    if existing is None:
        existing = SavedCard.objects.create(
            client_id=client_id,
            stripe_customer_id=card.customer,
            stripe_payment_method_id=card.payment_method,
            fingerprint=card.fingerprint[:64],
            stripe_created=card.created,
            brand=card.brand[:20],
            last4=card.last4[:4],
            is_default=True,
        )
    SavedCard.objects.filter(client_id=existing.client_id).exclude(pk=existing.pk).update(is_default=False)
    if not existing.is_default:
        SavedCard.objects.filter(pk=existing.pk).update(is_default=True)
        existing.is_default = True
    return existing


def _detach_after_commit(payment_method: str) -> None:
    from billing.payments.tasks import card_detach, queue_after_commit

    queue_after_commit(card_detach, payment_method=payment_method)


def saved_card_list(*, client: User) -> list[SavedCard]:
    """The client's cards on file, the default first."""
    return list(SavedCard.objects.filter(client=client))


@transaction.atomic
def saved_card_remove(*, actor: User, card_id: int) -> SavedCard:
    """The client (their own) or staff who see the client remove a card on file: it is never charged again;
    after commit it is detached from its Stripe customer. Audited. Raises NotFoundError (no such card, or
    not theirs / a client out of the staff member's reach)."""
    from domain.clients.selectors import clients_visible_to  # on use, as billing's other services import domain

    card = SavedCard.objects.select_for_update().filter(pk=card_id).first()
    seen = card is not None and (  # staff: a trainer only for the clients they see; else as an unknown card
        card.client_id == actor.pk
        or (
            is_studio_staff(actor)
            and clients_visible_to(actor, include_archived=True).filter(pk=card.client_id).exists()
        )
    )
    if card is None or not seen:
        raise NotFoundError(_("No such card."), code=ErrorCode.CARD_NOT_FOUND)
    audit_record(actor=actor, action=AuditAction.SAVED_CARD_REMOVE, target=card, client=card.client_id)
    payment_method = card.stripe_payment_method_id
    card.delete()
    following = SavedCard.objects.filter(client_id=card.client_id).order_by("-created_at").first()
    if following is not None and not SavedCard.objects.filter(client_id=card.client_id, is_default=True).exists():
        SavedCard.objects.filter(pk=following.pk).update(is_default=True)
    _detach_after_commit(payment_method)
    return card


def saved_card_from_checkout(
    *, metadata: dict[str, Any], intent: dict[str, Any], method: dict[str, Any]
) -> SavedCard | None:
    """Keep the card a paid Checkout saved (its intent has `setup_future_usage` and a customer) as the
    paying client's card on file; None when nothing was saved, the payment is not ours, or the payment
    method is no longer on a customer (detached since: a late replay must not bring it back).
    `intent` and `method` are Stripe's PaymentIntent and PaymentMethod as re-read from Stripe."""
    payment_id = str(metadata.get("payment_id") or "")
    if (
        not (intent.get("setup_future_usage") and intent.get("customer") and method.get("id"))
        or not method.get("customer")
        or not payment_id.isdigit()
    ):
        return None
    client_id = Payment.objects.filter(pk=int(payment_id)).values_list("client_id", flat=True).first()
    if client_id is None:
        return None
    details = method.get("card") or {}
    created = method.get("created")
    return saved_card_store(
        client_id=client_id,
        card=CardOnFile(
            customer=str(intent["customer"]),
            payment_method=str(method["id"]),
            brand=str(details.get("brand") or ""),
            last4=str(details.get("last4") or ""),
            fingerprint=str(details.get("fingerprint") or ""),
            created=datetime.fromtimestamp(int(created), tz=UTC) if created else None,
        ),
    )
