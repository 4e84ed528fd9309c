"""Studio sales as direct charges on the studio's connected account, with the platform's application fee.

The only way studio commerce takes money: it names the studio, the amount (minor units), currency,
description, metadata and its own `reference` (unique per sale, e.g. "order:42"); this module adds the
application fee from the studio's plan, the Stripe-Account header and a deterministic idempotency key
(the same reference and amount never charge twice). Webhooks about the charge arrive on the Connect
endpoint and go to handlers registered with `billing.webhooks.stripe_handler(..., endpoint=CONNECT)`.
"""

from __future__ import annotations

from typing import Any

import stripe
from django.utils.translation import gettext as _

from billing.platform.models import ConnectedAccount, Plan
from billing.platform.selectors import studio_plan
from billing.stripe_client import idempotency_key, stripe_client, stripe_errors
from core.error_codes import ErrorCode
from core.exceptions import ConflictError, ValidationError
from tenants.models import Studio


def application_fee(*, plan: Plan | None, amount: int) -> int:
    """The platform's cut of a sale, minor units: amount x plan.platform_fee_bps / 10 000, rounded half up."""
    if plan is None or amount <= 0:
        return 0
    return (amount * plan.platform_fee_bps + 5000) // 10000


def _account_for_charges(studio: Studio) -> str:
    """The connected account to charge on; refused while the studio's platform plan has ended."""
    from billing.platform.services.ended import subscription_has_ended

    account = ConnectedAccount.objects.filter(studio=studio).first()
    if account is None or not account.charges_enabled:
        raise ConflictError(
            _("%(studio)s cannot take card payments until its Stripe payouts set-up is finished.")
            % {"studio": studio.name},
            code=ErrorCode.PAYMENTS_NOT_SET_UP,
        )
    if subscription_has_ended(studio=studio):
        raise ConflictError(
            _("%(studio)s cannot take card payments until it chooses a FitWell Pro plan again.")
            % {"studio": studio.name},
            code=ErrorCode.SUBSCRIPTION_ENDED,
        )
    return account.stripe_account_id


def _check(amount: int, currency: str, reference: str) -> str:
    if amount <= 0:
        raise ValidationError(_("The amount must be positive."), fields={"amount": _("Must be more than 0.")})
    if len(currency) != 3 or not currency.isalpha():
        raise ValidationError(_("Unknown currency."), fields={"currency": _("Use an ISO code such as GBP.")})
    if not reference:
        raise ValidationError(_("A charge needs a reference."), fields={"reference": _("Required.")})
    return currency.lower()


def _metadata(studio: Studio, reference: str, metadata: dict[str, str] | None) -> dict[str, str]:
    return {**(metadata or {}), "studio": studio.schema_name, "reference": reference}


def studio_payment_intent_create(
    *,
    studio: Studio,
    amount: int,
    currency: str,
    description: str,
    reference: str,
    metadata: dict[str, str] | None = None,
    customer_email: str | None = None,
) -> stripe.PaymentIntent:
    """A PaymentIntent on the studio's connected account (a direct charge) with the plan's application fee.

    amount: minor units (> 0); currency: ISO 4217. Returns Stripe's PaymentIntent (its `client_secret`
    goes to the payer's browser). Raises ValidationError (bad amount/currency/reference), ConflictError
    "payments_not_set_up" (no connected account able to charge), CardDeclinedError, PaymentProviderError.
    """
    currency = _check(amount, currency, reference)
    account = _account_for_charges(studio)
    params: dict[str, Any] = {
        "amount": amount,
        "currency": currency,
        "description": description[:1000],
        "metadata": _metadata(studio, reference, metadata),
        "application_fee_amount": application_fee(plan=studio_plan(studio=studio), amount=amount),
        "automatic_payment_methods": {"enabled": True},
    }
    if customer_email:
        params["receipt_email"] = customer_email
    with stripe_errors():
        return stripe_client().v1.payment_intents.create(
            params=params,  # type: ignore[arg-type]  # a plain dict; stripe types it as its TypedDict
            options={
                "stripe_account": account,
                "idempotency_key": idempotency_key("pi", studio.schema_name, reference, amount, currency),
            },
        )


def studio_checkout_session_create(
    *,
    studio: Studio,
    amount: int,
    currency: str,
    description: str,
    reference: str,
    success_url: str,
    cancel_url: str,
    metadata: dict[str, str] | None = None,
    customer_email: str | None = None,
    quantity: int = 1,
    save_card: bool = False,
    customer: str | None = None,
) -> stripe.checkout.Session:
    """A Stripe-hosted Checkout Session for one line (amount x quantity) as a direct charge with the fee.

    amount: unit price in minor units. Returns the Session (send the payer to `session.url`). The fee is
    on the total. `save_card` keeps the card on the connected account for off-session charges
    (`setup_future_usage="off_session"`) on `customer` (a customer of that account), or on a customer
    Checkout creates. Raises as studio_payment_intent_create.
    """
    currency = _check(amount, currency, reference)
    if quantity < 1:
        raise ValidationError(_("The quantity must be at least 1."), fields={"quantity": _("At least 1.")})
    account = _account_for_charges(studio)
    metadata = _metadata(studio, reference, metadata)
    fee = application_fee(plan=studio_plan(studio=studio), amount=amount * quantity)
    params: dict[str, Any] = {
        "mode": "payment",
        "success_url": success_url,
        "cancel_url": cancel_url,
        "client_reference_id": reference,
        "metadata": metadata,
        "line_items": [
            {
                "quantity": quantity,
                "price_data": {"currency": currency, "unit_amount": amount, "product_data": {"name": description}},
            }
        ],
        "payment_intent_data": {"application_fee_amount": fee, "metadata": metadata, "description": description},
    }
    if save_card:
        params["payment_intent_data"]["setup_future_usage"] = "off_session"
    if customer:
        params["customer"] = customer
    elif save_card:
        params["customer_creation"] = "always"
    if customer_email and not customer:
        params["customer_email"] = customer_email
    with stripe_errors():
        return stripe_client().v1.checkout.sessions.create(
            params=params,  # type: ignore[arg-type]  # a plain dict; stripe types it as its TypedDict
            options={
                "stripe_account": account,
                "idempotency_key": idempotency_key(
                    "cs", studio.schema_name, reference, amount, quantity, currency, save_card, customer or ""
                ),
            },
        )


def studio_refund_create(
    *,
    studio: Studio,
    payment_intent_id: str,
    amount: int | None,
    reference: str,
    metadata: dict[str, str] | None = None,
) -> stripe.Refund:
    """Refund (part of) a direct charge on the studio's account; amount in minor units, None for the rest.

    The application fee is refunded in proportion; `metadata` rides on the refund (its events carry it).
    Works whatever the studio's plan. Raises PaymentProviderError when Stripe refuses.
    """
    account = _connected_account(studio)
    params: dict[str, Any] = {
        "payment_intent": payment_intent_id,
        "refund_application_fee": True,
        "metadata": _metadata(studio, reference, metadata),
    }
    if amount is not None:
        params["amount"] = amount
    with stripe_errors():
        return stripe_client().v1.refunds.create(
            params=params,  # type: ignore[arg-type]  # a plain dict; stripe types it as its TypedDict
            options={
                "stripe_account": account,
                "idempotency_key": idempotency_key("re", studio.schema_name, reference, payment_intent_id, amount),
            },
        )


def _connected_account(studio: Studio) -> str:
    account = ConnectedAccount.objects.filter(studio=studio).first()
    if account is None:
        raise ConflictError(_("This studio has no Stripe account."), code=ErrorCode.PAYMENTS_NOT_SET_UP)
    return account.stripe_account_id


def studio_refunds_list(*, studio: Studio, payment_intent_id: str) -> list[dict[str, Any]]:
    """Every refund of a direct charge as Stripe has it now (dicts: id, amount, status, metadata), however
    it was made (here or in the Stripe dashboard). Raises PaymentProviderError, ConflictError."""
    account = _connected_account(studio)
    with stripe_errors():
        listing = stripe_client().v1.refunds.list(
            params={"payment_intent": payment_intent_id, "limit": 100}, options={"stripe_account": account}
        )
        return [refund.to_dict() for refund in listing.auto_paging_iter()]


def studio_object_get(*, studio: Studio, kind: str, object_id: str) -> dict[str, Any]:
    """Re-read one object of the studio's account (kind: "checkout_session", "dispute", "payment_intent",
    "payment_method") as a dict, where an event's snapshot may be stale. Raises PaymentProviderError."""
    account = _connected_account(studio)
    client = stripe_client().v1
    services = {
        "checkout_session": client.checkout.sessions,
        "dispute": client.disputes,
        "payment_intent": client.payment_intents,
        "payment_method": client.payment_methods,
    }
    with stripe_errors():
        return services[kind].retrieve(object_id, options={"stripe_account": account}).to_dict()  # type: ignore[attr-defined]  # the services' retrieve() types differ; each returns a StripeObject
