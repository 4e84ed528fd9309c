"""Stripe Connect onboarding: a studio's connected account, its hosted onboarding link, its state."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction

from billing.platform.models import ConnectedAccount
from billing.stripe_client import idempotency_key, stripe_client, stripe_errors
from core.audit import AuditAction, audit_record
from core.models import User
from tenants.models import Studio


def _account_for(studio: Studio, actor: User) -> ConnectedAccount:
    existing = ConnectedAccount.objects.filter(studio=studio).first()
    if existing:
        return existing
    with stripe_errors():
        account = stripe_client().v1.accounts.create(
            params={
                "type": "express",
                "country": settings.STRIPE_CONNECT_COUNTRY,
                "email": actor.email,
                "default_currency": studio.currency.lower(),
                "business_profile": {"name": studio.name},
                "capabilities": {"card_payments": {"requested": True}, "transfers": {"requested": True}},
                "metadata": {"studio": studio.schema_name},
            },
            options={"idempotency_key": idempotency_key("account", studio.schema_name)},
        )
    with transaction.atomic():
        link, created = ConnectedAccount.objects.get_or_create(
            studio=studio, defaults={"stripe_account_id": account.id}
        )
        if created:
            audit_record(actor=actor, action=AuditAction.CONNECTED_ACCOUNT_CREATE, target=studio, account=account.id)
    return link


def connect_onboarding_link_create(*, studio: Studio, actor: User, return_url: str, refresh_url: str) -> str:
    """The Stripe-hosted onboarding address for the studio's connected account (created on first use).

    return_url/refresh_url: absolute URLs on the studio's host. Returns a one-time URL valid minutes.
    Raises PaymentProviderError when Stripe cannot be reached.
    """
    account = _account_for(studio, actor)
    with stripe_errors():
        link = stripe_client().v1.account_links.create(
            params={
                "account": account.stripe_account_id,
                "type": "account_onboarding",
                "return_url": return_url,
                "refresh_url": refresh_url,
            }
        )
    return str(link.url)


def connect_account_sync(*, account: Any) -> ConnectedAccount | None:
    """Copy a Stripe Account's state (charges, payouts, details, requirements due) onto our map row.

    account: a stripe.Account (or its dict). Returns the row, or None for an account that is not a studio's.
    """
    if hasattr(account, "to_dict"):
        account = account.to_dict()
    row = ConnectedAccount.objects.select_for_update().filter(stripe_account_id=account["id"]).first()
    if row is None:
        return None
    requirements = account.get("requirements") or {}
    row.charges_enabled = bool(account.get("charges_enabled"))
    row.payouts_enabled = bool(account.get("payouts_enabled"))
    row.details_submitted = bool(account.get("details_submitted"))
    row.requirements_due = list(requirements.get("currently_due") or [])
    row.save()
    return row


@transaction.atomic
def connect_account_refresh(*, studio: Studio) -> ConnectedAccount | None:
    """Re-read the studio's account from Stripe (on the onboarding return, before any webhook) and sync it."""
    row = ConnectedAccount.objects.filter(studio=studio).first()
    if row is None:
        return None
    with stripe_errors():
        account = stripe_client().v1.accounts.retrieve(row.stripe_account_id)
    return connect_account_sync(account=account)
