"""The one place a Stripe client is built; everything that talks to Stripe gets it from `stripe_client()`.

The real `stripe` library's StripeClient, with the API version pinned (objects and webhook payloads have
the shape of that version whatever the account's default), its base address from settings
(`STRIPE_API_BASE`: the local fake server in development and tests, api.stripe.com otherwise) and
network retries on (Stripe's idempotency keys make retried POSTs safe).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

import stripe
from django.conf import settings
from django.utils.translation import gettext as _

from core.error_codes import ErrorCode
from core.exceptions import ApplicationError

logger = logging.getLogger(__name__)

# The version every request and every webhook endpoint uses; change it only with the code that reads objects.
STRIPE_API_VERSION = "2026-10-28.endive"


class PaymentProviderError(ApplicationError):
    """Stripe could not be reached or refused the request: the user may try again later (503)."""

    status_code = 503

    def __init__(self, message: str | None = None, *, code: ErrorCode = ErrorCode.PAYMENT_PROVIDER_UNAVAILABLE) -> None:
        super().__init__(message or _("Payments are unavailable at the moment. Please try again shortly."), code=code)


class CardDeclinedError(ApplicationError):
    """The card was declined (402): the user should use another payment method."""

    status_code = 402

    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message or _("The card was declined. Please use another payment method."), code=ErrorCode.CARD_DECLINED
        )


@lru_cache(maxsize=4)
def _client(api_key: str, api_base: str) -> stripe.StripeClient:
    return stripe.StripeClient(
        api_key,
        stripe_version=STRIPE_API_VERSION,
        base_addresses={"api": api_base, "connect": api_base, "files": api_base},
        max_network_retries=2,
    )


def stripe_client() -> stripe.StripeClient:
    """The StripeClient for the configured key and base address (cached per pair)."""
    return _client(settings.STRIPE_SECRET_KEY, settings.STRIPE_API_BASE)


def idempotency_key(*parts: object) -> str:
    """A deterministic key from what makes a request unique: the same request twice is one charge.

    Shape: "fw-" + 40 hex characters (SHA-256 of the parts joined by "|", cut); Stripe keeps a key 24 hours.
    """
    return "fw-" + hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()[:40]


@contextmanager
def stripe_errors() -> Iterator[None]:
    """Turn Stripe's exceptions into ApplicationErrors (402 for a declined card, 503 otherwise), logged."""
    try:
        yield
    except stripe.CardError as exc:
        raise CardDeclinedError() from exc
    except stripe.StripeError as exc:
        logger.warning("Stripe request failed: %s (%s)", exc.user_message or exc, type(exc).__name__)
        raise PaymentProviderError() from exc
