"""When a cancelled platform subscription reaches its end (Stripe's `customer.subscription.deleted`).

The studio is then **restricted** until its owner chooses a plan again: nothing is deleted and everyone
keeps signing in, but no new active client is admitted (`limits.client_limit_check`, 403 "ended") and the
studio takes no card payments (`billing.charges`, 409 "ended"); refunds and recorded cash still work. The
owner is emailed once, after commit. Choosing a plan on the billing page starts a new subscription on the
studio's Stripe customer at once, without a trial (`subscription_restart`).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.platform.audit import studio_billing_audit
from billing.platform.models import PlanPrice, StudioSubscription
from billing.stripe_client import CardDeclinedError, idempotency_key, stripe_client, stripe_errors
from core.audit import AuditAction
from core.error_codes import ErrorCode
from core.exceptions import ConflictError, NotFoundError
from core.models import User
from tenants.models import Studio

Status = StudioSubscription.Status


def subscription_has_ended(*, studio: Studio) -> bool:
    """True while the studio's platform subscription has ended and no new one has started (restricted)."""
    return StudioSubscription.objects.filter(studio=studio, status=Status.CANCELED).exists()


def subscription_ended_notify(*, row: StudioSubscription) -> None:
    """Email the owner that the plan ended (once: call it on the change to "canceled"), after commit."""
    transaction.on_commit(lambda: _send_ended(row.pk))


def _send_ended(subscription_id: int) -> None:
    from billing.platform.services.dunning import owner_email_send
    from billing.platform.services.subscriptions import studio_owner
    from core.tenancy import studio_base_url

    row = StudioSubscription.objects.select_related("studio", "price__plan").get(pk=subscription_id)
    owner = studio_owner(row.studio)
    if owner is None or row.status != Status.CANCELED:
        return
    context = {
        "studio_name": row.studio.name,
        "plan": row.plan.name,
        "ended_at": row.canceled_at or timezone.now(),
        "billing_url": f"{studio_base_url(row.studio)}/billing/",
    }
    owner_email_send(
        studio=row.studio,
        template_prefix="emails/billing/plan_ended",
        to=owner.email,
        context=context,
        key=f"plan-ended-{row.stripe_subscription_id}",
    )


def subscription_restart(*, studio: Studio, price: PlanPrice, actor: User) -> StudioSubscription:
    """A restricted studio chooses a plan: a new subscription on its Stripe customer, charged at once to the
    card on file (no second trial); the restrictions lift as soon as it is active.

    Raises NotFoundError (no subscription or the price is not offered), ConflictError "ended" (not ended),
    CardDeclinedError (402: no card or it was declined; nothing changes), PaymentProviderError.
    """
    from billing.platform.services.subscriptions import subscription_sync

    row = StudioSubscription.objects.select_related("studio").filter(studio=studio).first()
    if row is None or not row.stripe_customer_id:
        raise NotFoundError(_("This studio has no platform subscription yet."), code=ErrorCode.NO_SUBSCRIPTION)
    if row.status != Status.CANCELED:
        raise ConflictError(_("The studio's plan has not ended."), code=ErrorCode.SUBSCRIPTION_ENDED)
    if not price.active or not price.plan.active:
        raise NotFoundError(_("This price is no longer offered."), code=ErrorCode.PRICE_UNAVAILABLE)
    client = stripe_client()
    with stripe_errors():  # the card on file is part of the key: after a decline, a new card is a new try
        customer = client.v1.customers.retrieve(row.stripe_customer_id).to_dict()
        card = (customer.get("invoice_settings") or {}).get("default_payment_method") or ""
        created = client.v1.subscriptions.create(
            params={
                "customer": row.stripe_customer_id,
                "items": [{"price": price.stripe_price_id}],
                "metadata": {"studio": studio.schema_name},
                "payment_behavior": "error_if_incomplete",
            },
            options={
                "idempotency_key": idempotency_key(
                    "restart", studio.schema_name, row.stripe_subscription_id, price.stripe_price_id, card
                )
            },
        )
    if created.status not in (Status.ACTIVE, Status.TRIALING):
        with stripe_errors():
            client.v1.subscriptions.cancel(created.id)
        raise CardDeclinedError(_("The card on file was declined; update it and choose the plan again."))
    with transaction.atomic():
        StudioSubscription.objects.filter(pk=row.pk).update(
            stripe_subscription_id=created.id, price=price, canceled_at=None, cancel_at_period_end=False
        )
        result = subscription_sync(subscription=created)
        studio_billing_audit(
            studio=studio, actor=actor, action=AuditAction.PLATFORM_SUBSCRIPTION_RESTART, price=price.stripe_price_id
        )
    return result or row
