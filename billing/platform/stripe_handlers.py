"""Billing's own webhook handlers (found by billing.webhooks' autodiscovery of `stripe_handlers`)."""

from __future__ import annotations

import stripe

from billing.platform.services.connect import connect_account_sync
from billing.webhooks import CONNECT, stripe_handler
from tenants.models import Studio


@stripe_handler("account.updated", endpoint=CONNECT)
def account_updated(*, event: stripe.Event, studio: Studio | None) -> None:
    """Keep the studio's Connect state in sync; re-read, so an older event cannot undo a newer state."""
    from billing.stripe_client import stripe_client

    connect_account_sync(account=stripe_client().v1.accounts.retrieve(event.data.object["id"]))
