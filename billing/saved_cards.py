"""Charging a client's saved card (off-session) as a direct charge on the studio's connected account.

The same rules as `billing/charges.py` (application fee from the studio's plan, Stripe-Account header,
deterministic idempotency key), for renewals and fees when the client is not there to click "Pay".
"""

from __future__ import annotations

import stripe
from stripe.params import PaymentIntentCreateParams

from billing.charges import _account_for_charges, _check, _metadata, application_fee
from billing.platform.selectors import studio_plan
from billing.stripe_client import idempotency_key, stripe_client, stripe_errors
from tenants.models import Studio


def studio_saved_card_charge(
    *,
    studio: Studio,
    amount: int,
    currency: str,
    description: str,
    reference: str,
    customer: str,
    payment_method: str,
    metadata: dict[str, str] | None = None,
) -> stripe.PaymentIntent:
    """Confirm a PaymentIntent off-session on the saved card; amount in minor units.

    Returns the PaymentIntent (status "succeeded" when it went through). Raises CardDeclinedError (402)
    when the card is refused, ConflictError "payments_not_set_up", PaymentProviderError, ValidationError.
    """
    currency = _check(amount, currency, reference)
    account = _account_for_charges(studio)
    params: PaymentIntentCreateParams = {
        "amount": amount,
        "currency": currency,
        "description": description[:1000],
        "metadata": _metadata(studio, reference, metadata),
        "application_fee_amount": application_fee(plan=studio_plan(studio=studio), amount=amount),
        "customer": customer,
        "payment_method": payment_method,
        "off_session": True,
        "confirm": True,
    }
    with stripe_errors():
        return stripe_client().v1.payment_intents.create(
            params=params,
            options={
                "stripe_account": account,
                "idempotency_key": idempotency_key("pi-card", studio.schema_name, reference, amount, currency),
            },
        )


def studio_payment_method_detach(*, studio: Studio, payment_method: str) -> bool:
    """Take a saved card off its customer on the studio's account (it can no longer be charged). False when
    Stripe no longer has it. Raises PaymentProviderError."""
    from billing.charges import _connected_account

    account = _connected_account(studio)
    with stripe_errors():
        try:
            stripe_client().v1.payment_methods.detach(payment_method, options={"stripe_account": account})
        except stripe.InvalidRequestError as exc:
            if exc.http_status == 404:
                return False
            raise
    return True
