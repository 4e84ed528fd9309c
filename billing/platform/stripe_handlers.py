"""Billing's own webhook handlers (found by billing.webhooks' autodiscovery of `stripe_handlers`).

Each re-reads the object from Stripe instead of trusting the event's snapshot: events arrive late, twice
and out of order (`invoice.paid` before `invoice.created`), and the re-read makes every order end alike.
"""

from __future__ import annotations

import stripe

from billing.platform.services.connect import connect_account_sync
from billing.platform.services.dunning import dunning_remind, invoice_sync
from billing.platform.services.subscriptions import subscription_sync
from billing.stripe_client import stripe_client
from billing.webhooks import CONNECT, PLATFORM, stripe_handler
from tenants.models import Studio


@stripe_handler("account.updated", endpoint=CONNECT)
def account_updated(*, event: stripe.Event, studio: Studio | None) -> None:
    """Keep the studio's Connect state (charges, payouts, requirements due) in sync."""
    connect_account_sync(account=stripe_client().v1.accounts.retrieve(event.data.object["id"]))


@stripe_handler("customer.subscription.*", endpoint=PLATFORM)
def subscription_changed(*, event: stripe.Event, studio: Studio | None) -> None:
    subscription_sync(subscription=stripe_client().v1.subscriptions.retrieve(event.data.object["id"]))


@stripe_handler("invoice.*", endpoint=PLATFORM)
def invoice_changed(*, event: stripe.Event, studio: Studio | None) -> None:
    """Mirror the invoice; a failed attempt reminds the owner (once per attempt); paid brings the studio back."""
    client = stripe_client()
    invoice = client.v1.invoices.retrieve(event.data.object["id"])
    row = invoice_sync(invoice=invoice)
    if row is None:
        return
    parent = invoice.to_dict().get("parent") or {}
    subscription_id = (parent.get("subscription_details") or {}).get("subscription")
    if subscription_id:
        subscription_sync(subscription=client.v1.subscriptions.retrieve(subscription_id))
    if event.type == "invoice.payment_failed":
        dunning_remind(invoice=row)
