"""Studio commerce's Stripe event handlers (Connect endpoint; found by billing.webhooks' autodiscovery).

They run in the studio's schema inside the event's once-only transaction. Each finds our payment by the
`payment_id` in the metadata (or the payment intent's id), so `checkout.session.completed` and
`payment_intent.succeeded` may come in any order and any number of times: the first records the payment,
the rest change nothing. Where the order of events decides the outcome (a session expired or paid, a
refund's status, a dispute's), the object is re-read from Stripe first, so every order ends alike.
Work queued from here goes through `tasks.queue_after_commit`, bound to the studio (the event's
transaction commits after the connection has left the studio's schema).
"""

from __future__ import annotations

from typing import Any

import stripe

from billing.charges import studio_object_get, studio_refunds_list
from billing.payments.services.cards import card_payment_confirmed, card_payment_failed, checkout_expired
from billing.payments.services.refunds import DISPUTE_LOST, card_refunds_sync, dispute_record
from billing.payments.services.saved_cards import saved_card_from_checkout
from billing.webhooks import CONNECT, stripe_handler
from tenants.models import Studio


def _plain(obj: Any) -> dict[str, Any]:
    """A Stripe object (or the plain dict of a stored event) as a plain dict."""
    return obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)


def _session_paid(studio: Studio, session: dict[str, Any]) -> None:
    metadata = session.get("metadata") or {}
    card_payment_confirmed(
        metadata=metadata, intent_id=session.get("payment_intent"), amount=int(session.get("amount_total") or 0)
    )
    if session.get("payment_intent"):
        intent = studio_object_get(studio=studio, kind="payment_intent", object_id=session["payment_intent"])
        if intent.get("setup_future_usage") and intent.get("payment_method"):
            method = studio_object_get(studio=studio, kind="payment_method", object_id=intent["payment_method"])
            saved_card_from_checkout(metadata=metadata, intent=intent, method=method)


@stripe_handler("checkout.session.completed", "checkout.session.expired", endpoint=CONNECT)
def checkout_changed(*, event: stripe.Event, studio: Studio | None) -> None:
    """Paid: the payment succeeds (and a card saved with it is kept); expired: its pending payment is
    cancelled. Re-read, so a late or replayed event cannot undo what the session really ended as."""
    if studio is None:
        return
    snapshot = _plain(event.data.object)
    session = studio_object_get(studio=studio, kind="checkout_session", object_id=snapshot["id"])
    if session.get("status") == "complete" and session.get("payment_status") == "paid":
        _session_paid(studio, session)
    elif session.get("status") == "expired":
        checkout_expired(metadata=session.get("metadata") or {}, session_id=session["id"])


@stripe_handler("payment_intent.succeeded", endpoint=CONNECT)
def intent_succeeded(*, event: stripe.Event, studio: Studio | None) -> None:
    intent = _plain(event.data.object)
    card_payment_confirmed(
        metadata=intent.get("metadata") or {},
        intent_id=intent.get("id"),
        amount=int(intent.get("amount_received") or 0),
    )


@stripe_handler("payment_intent.payment_failed", endpoint=CONNECT)
def intent_failed(*, event: stripe.Event, studio: Studio | None) -> None:
    """Re-read the intent: a later retry may already have succeeded (events arrive out of order)."""
    if studio is None:
        return
    snapshot = _plain(event.data.object)
    current = studio_object_get(studio=studio, kind="payment_intent", object_id=snapshot["id"])
    if current.get("status") == "succeeded":
        card_payment_confirmed(
            metadata=snapshot.get("metadata") or {}, intent_id=current["id"], amount=int(current["amount"])
        )
        return
    error = snapshot.get("last_payment_error") or {}
    card_payment_failed(
        metadata=snapshot.get("metadata") or {}, intent_id=snapshot.get("id"), message=str(error.get("message") or "")
    )


@stripe_handler(
    "charge.refunded", "charge.refund.updated", "refund.created", "refund.updated", "refund.failed", endpoint=CONNECT
)
def refunds_changed(*, event: stripe.Event, studio: Studio | None) -> None:
    """A refund made here or in the Stripe dashboard, or its status changed: sync the payment's refunds
    with Stripe's list of them (idempotent in any order)."""
    intent_id = _plain(event.data.object).get("payment_intent")
    if studio is None or not intent_id:
        return
    _payment_caught_up(studio, intent_id)
    card_refunds_sync(intent_id=intent_id, refunds=studio_refunds_list(studio=studio, payment_intent_id=intent_id))


def _payment_caught_up(studio: Studio, intent_id: str) -> None:
    """A refund's or dispute's events may come before the payment's: record the payment first when Stripe
    says it succeeded (idempotent)."""
    intent = studio_object_get(studio=studio, kind="payment_intent", object_id=intent_id)
    if intent.get("status") == "succeeded":
        card_payment_confirmed(
            metadata=intent.get("metadata") or {}, intent_id=intent_id, amount=int(intent.get("amount_received") or 0)
        )


@stripe_handler("charge.dispute.*", endpoint=CONNECT)
def dispute_changed(*, event: stripe.Event, studio: Studio | None) -> None:
    """A chargeback opened, moved or closed: recorded on the payment with Stripe's current status; a lost
    one is booked as a refund, once."""
    if studio is None:
        return
    snapshot = _plain(event.data.object)
    dispute = studio_object_get(studio=studio, kind="dispute", object_id=snapshot["id"])
    if dispute.get("payment_intent") and dispute.get("status") == DISPUTE_LOST:
        _payment_caught_up(studio, str(dispute["payment_intent"]))
    dispute_record(dispute=dispute)
