"""Card sales through the fake Stripe server and signed webhooks, for the tests of what Stripe tells us
after the sale (the fixtures `shop` and `deliver_all` are in this folder's conftest)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from billing.payments import services
from billing.payments.models import Payment
from billing.payments.services.cards import payment_checkout_start
from core.models import User
from tests.factories.payments import PackFactory
from tests.fakes.stripe_resources import checkout_complete


def checkout(member: User, invoice_id: int, **kwargs: Any) -> Payment:
    return payment_checkout_start(
        actor=member, invoice_id=invoice_id, success_url="http://x/ok", cancel_url="http://x/", **kwargs
    )


def at_checkout(
    member: User,
    studio: Any,
    fake_stripe: Any,
    finish: Callable[..., Any],
    deliver_all: Callable[[int], None],
    **kwargs: Any,
) -> tuple[services.Sale, Payment]:
    """A pack sold and its checkout started; `finish(fake, session_id)` then happens at Stripe, and
    every event since is delivered. Returns (sale, payment)."""
    sale = services.package_purchase(
        actor=member, client_id=member.pk, package_id=PackFactory(currency=studio.currency).pk
    )
    payment = checkout(member, sale.invoice.pk, **kwargs)
    mark = len(fake_stripe.events)
    finish(fake_stripe, payment.stripe_checkout_session_id)
    deliver_all(mark)
    payment.refresh_from_db()
    return sale, payment


def paid_pack(
    member: User, studio: Any, fake_stripe: Any, deliver_all: Callable[[int], None]
) -> tuple[services.Sale, Payment]:
    """A 10-credit pack (100.00) paid by card at Checkout, its events delivered."""
    return at_checkout(member, studio, fake_stripe, checkout_complete, deliver_all)
