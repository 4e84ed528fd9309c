"""The fake's after-the-sale resources on a connected account: cards saved by Checkout (payment methods on a
customer), refunds listed and failing, Checkout Sessions expiring, and disputes; plus what a person does in
the Stripe dashboard (refund, a chargeback opening and closing) as plain functions for tests.

Each handler is `(fake, params, account, **path_groups) -> dict | (status, dict)`, as in stripe_resources.
"""

from __future__ import annotations

import hashlib
from typing import Any

from tests.fakes.stripe_server import FakeStripe, StripeFakeError

route = FakeStripe.route


# --- cards saved by Checkout (setup_future_usage) --------------------------------------------------------
BRANDS = {"3": "amex", "4": "visa", "5": "mastercard"}


def card_details(number: str, account: str | None) -> dict[str, Any]:
    """A PaymentMethod's `card` for a card number, as Stripe shows it: brand, last 4, expiry and the
    `fingerprint`, the same for the same number on one account (and different on another)."""
    digest = hashlib.sha256(f"{account}:{number}".encode()).hexdigest()[:16]
    brand = BRANDS.get(number[:1], "unknown")
    return {"brand": brand, "last4": number[-4:], "exp_month": 12, "exp_year": 2030, "fingerprint": digest}


def card_save_for(
    fake: FakeStripe,
    session: dict[str, Any],
    intent: dict[str, Any],
    account: str | None,
    *,
    number: str = "4242424242424242",
) -> None:
    """Paying a session whose intent has `setup_future_usage`: a new card payment method (for the card
    `number`) is attached to the session's customer (created when `customer_creation` is "always"), as
    Stripe does: paying twice with one card makes two payment methods with one fingerprint."""
    if not intent.get("setup_future_usage"):
        return
    customer = session.get("customer")
    if not customer:
        from tests.fakes.stripe_resources import customer_create

        customer = customer_create(fake, {"email": session.get("customer_email")}, account)["id"]
        session["customer"] = customer
    method = fake.add(
        {
            "id": fake.new_id("pm"),
            "object": "payment_method",
            "type": "card",
            "customer": customer,
            "card": card_details(number, account),
        },
        account=account,
    )
    intent.update(customer=customer, payment_method=method["id"])


@route("GET", "/v1/payment_methods/(?P<pid>[^/]+)")
def payment_method_get(fake: FakeStripe, params: dict[str, Any], account: str | None, pid: str) -> dict[str, Any]:
    return fake.get(pid, account=account, kind="payment_method")


@route("POST", "/v1/payment_methods/(?P<pid>[^/]+)/detach")
def payment_method_detach(fake: FakeStripe, params: dict[str, Any], account: str | None, pid: str) -> dict[str, Any]:
    method = fake.get(pid, account=account, kind="payment_method")
    if not method.get("customer"):
        raise StripeFakeError("The payment method is not attached to a customer.", code="payment_method_unattached")
    method["customer"] = None
    fake.emit("payment_method.detached", method, account=account)
    return method


# --- refunds ----------------------------------------------------------------------------------------------
@route("GET", "/v1/refunds")
def refund_list(fake: FakeStripe, params: dict[str, Any], account: str | None) -> dict[str, Any]:
    refunds = [
        r for r in fake.of_kind("refund", account=account) if r["payment_intent"] == params.get("payment_intent")
    ]
    return fake.listing(refunds, params, "/v1/refunds")


def dashboard_refund(fake: FakeStripe, intent_id: str, amount: int | None = None) -> dict[str, Any]:
    """A refund made by a person in the Stripe dashboard (no metadata of ours): refund.created and
    charge.refunded are sent."""
    from tests.fakes.stripe_resources import refund_create

    account = fake.owner[intent_id]
    params: dict[str, Any] = {"payment_intent": intent_id}
    if amount is not None:
        params["amount"] = amount
    refund = refund_create(fake, params, account)
    fake.emit("refund.created", refund, account=account)
    return refund


def refund_fail(fake: FakeStripe, refund_id: str) -> dict[str, Any]:
    """The bank returns a refund (Stripe: status "failed"): the charge's refunded amount drops again."""
    account = fake.owner[refund_id]
    refund = fake.get(refund_id, account=account, kind="refund")
    charge = fake.get(refund["charge"], account=account, kind="charge")
    refund["status"] = "failed"
    charge["amount_refunded"] -= refund["amount"]
    charge["refunded"] = False
    fake.emit("refund.updated", refund, account=account, previous={"status": "succeeded"})
    fake.emit("charge.refund.updated", refund, account=account)
    return refund


# --- Checkout Sessions that expire -----------------------------------------------------------------------
def checkout_expire(fake: FakeStripe, session_id: str) -> dict[str, Any]:
    """Nobody paid before the session's expiry: it expires and its payment intent is cancelled."""
    account = fake.owner[session_id]
    session = fake.get(session_id, account=account, kind="checkout.session")
    if session["status"] != "open":
        raise StripeFakeError("Only an open Checkout Session can expire.", code="checkout_session_not_open")
    session.update(status="expired", url=None)
    if session["payment_intent"]:
        fake.get(session["payment_intent"], account=account, kind="payment_intent")["status"] = "canceled"
    fake.emit("checkout.session.expired", session, account=account)
    return session


# --- disputes (chargebacks) ---------------------------------------------------------------------------------
def dispute_open(fake: FakeStripe, intent_id: str, *, reason: str = "fraudulent") -> dict[str, Any]:
    """The cardholder's bank disputes the charge: charge.dispute.created."""
    account = fake.owner[intent_id]
    intent = fake.get(intent_id, account=account, kind="payment_intent")
    dispute = fake.add(
        {
            "id": fake.new_id("dp"),
            "object": "dispute",
            "amount": intent["amount"],
            "currency": intent["currency"],
            "charge": intent["latest_charge"],
            "payment_intent": intent_id,
            "reason": reason,
            "status": "needs_response",
            "evidence_details": {"due_by": fake.now() + 7 * 86400},
        },
        account=account,
    )
    fake.emit("charge.dispute.created", dispute, account=account)
    return dispute


def dispute_close(fake: FakeStripe, dispute_id: str, *, status: str) -> dict[str, Any]:
    """The bank decides ("won" or "lost"): charge.dispute.closed."""
    account = fake.owner[dispute_id]
    dispute = fake.get(dispute_id, account=account, kind="dispute")
    dispute["status"] = status
    fake.emit("charge.dispute.closed", dispute, account=account)
    return dispute


@route("GET", "/v1/disputes/(?P<did>[^/]+)")
def dispute_get(fake: FakeStripe, params: dict[str, Any], account: str | None, did: str) -> dict[str, Any]:
    return fake.get(did, account=account, kind="dispute")
