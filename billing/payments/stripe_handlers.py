"""Studio commerce's Stripe event handlers (Connect endpoint; found by billing.webhooks' autodiscovery).

They run in the studio's schema inside the event's once-only transaction. Each finds our payment by the
`payment_id` in the metadata, so `checkout.session.completed` and `payment_intent.succeeded` may come in
any order and any number of times: the first records the payment, the rest change nothing.
"""

from __future__ import annotations

from typing import Any

import stripe

from billing.payments.services.cards import card_payment_confirmed, card_payment_failed
from billing.webhooks import CONNECT, stripe_handler
from tenants.models import Studio


def _plain(obj: Any) -> dict:
    """A Stripe object (or the plain dict of a stored event) as a plain dict."""
    return obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)


@stripe_handler("checkout.session.completed", endpoint=CONNECT)
def checkout_completed(*, event: stripe.Event, studio: Studio | None) -> None:
    session = _plain(event.data.object)
    if session.get("payment_status") == "paid":
        card_payment_confirmed(
            metadata=session.get("metadata") or {},
            intent_id=session.get("payment_intent"),
            amount=int(session.get("amount_total") or 0),
        )


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
    from billing.stripe_client import stripe_client

    snapshot = _plain(event.data.object)
    current = stripe_client().v1.payment_intents.retrieve(snapshot["id"], options={"stripe_account": event.account})
    if current.status == "succeeded":
        card_payment_confirmed(metadata=snapshot.get("metadata") or {}, intent_id=current.id, amount=current.amount)
        return
    error = snapshot.get("last_payment_error") or {}
    card_payment_failed(
        metadata=snapshot.get("metadata") or {}, intent_id=snapshot.get("id"), message=str(error.get("message") or "")
    )
