"""A studio's subscription to a platform plan: trial at sign-up, upgrade now with proration, downgrade at
the period end, cancel at the period end, reactivate before it. Stripe is the source of truth: every
change is made there, then the answer (or a later webhook, re-read) is copied here by `subscription_sync`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context
from stripe.params import SubscriptionCreateParams, SubscriptionScheduleUpdateParams

from billing.platform.audit import studio_billing_audit
from billing.platform.models import PlanPrice, StudioSubscription
from billing.platform.selectors import plan_default
from billing.stripe_client import idempotency_key, stripe_client, stripe_errors
from core.audit import AuditAction
from core.error_codes import ErrorCode
from core.exceptions import ConflictError, NotFoundError
from core.models import Role, User
from tenants.models import Studio

Status = StudioSubscription.Status


def _ts(value: int | None) -> datetime | None:
    return datetime.fromtimestamp(int(value), tz=UTC) if value else None


def _dict(obj: Any) -> dict[str, Any]:
    return obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)


def studio_owner(studio: Studio) -> User | None:
    """The studio's owner (lives in the studio's schema)."""
    with schema_context(studio.schema_name):
        return User.objects.filter(role=Role.OWNER, is_active=True).order_by("pk").first()


# --- start ----------------------------------------------------------------------------------------------
def subscription_trial_start(*, studio: Studio) -> StudioSubscription | None:
    """At sign-up (inside provisioning's transaction): a trial on the default plan, Stripe set up after commit.

    Returns the subscription row, or None when no plan is offered yet (the platform has no plans).
    """
    plan = plan_default()
    if plan is None:
        return None
    prices = plan.prices.filter(active=True, interval=PlanPrice.Interval.MONTH)
    price = prices.filter(currency=studio.currency).first() or prices.first()
    if price is None:
        return None
    trial_end = timezone.now() + timedelta(days=plan.trial_days)
    subscription, _created = StudioSubscription.objects.get_or_create(
        studio=studio,
        defaults={"price": price, "status": Status.TRIALING, "trial_end": trial_end, "current_period_end": trial_end},
    )
    from billing.platform.tasks import subscription_stripe_setup

    transaction.on_commit(lambda: subscription_stripe_setup.delay(studio.pk))
    return subscription


def subscription_stripe_setup(*, studio_id: int) -> StudioSubscription | None:
    """Create the studio's Stripe customer and trialing subscription (idempotent: keys per studio)."""
    subscription = StudioSubscription.objects.select_related("studio", "price").filter(studio_id=studio_id).first()
    if subscription is None or subscription.stripe_subscription_id:
        return subscription
    studio = subscription.studio
    owner = studio_owner(studio)
    client = stripe_client()
    with stripe_errors():
        customer = client.v1.customers.create(
            params={
                "email": owner.email if owner else "",
                "name": studio.name,
                "metadata": {"studio": studio.schema_name},
            },
            options={"idempotency_key": idempotency_key("customer", studio.schema_name)},
        )
        params: SubscriptionCreateParams = {
            "customer": customer.id,
            "items": [{"price": subscription.price.stripe_price_id}],
            "metadata": {"studio": studio.schema_name},
            "payment_settings": {"save_default_payment_method": "on_subscription"},
        }
        if subscription.trial_end and subscription.trial_end > timezone.now():
            params["trial_end"] = int(subscription.trial_end.timestamp())
        stripe_sub = client.v1.subscriptions.create(
            params=params,
            options={"idempotency_key": idempotency_key("subscription", studio.schema_name)},
        )
    with transaction.atomic():
        StudioSubscription.objects.filter(pk=subscription.pk).update(
            stripe_customer_id=customer.id, stripe_subscription_id=stripe_sub.id
        )
        return subscription_sync(subscription=stripe_sub)


# --- sync from Stripe -----------------------------------------------------------------------------------
@transaction.atomic
def subscription_sync(*, subscription: Any) -> StudioSubscription | None:
    """Copy a Stripe Subscription (object or dict) onto the studio's row; None when it is not a studio's.

    Also: the first failure of a renewal starts the dunning clock (`past_due_since`); a paid subscription
    clears it and brings a studio suspended for non-payment back (the existing reactivation path).
    """
    data = _dict(subscription)
    row = (
        StudioSubscription.objects.select_for_update()
        .select_related("studio")
        .filter(stripe_subscription_id=data["id"])
        .first()
    )
    if row is None:  # set-up's answer not saved yet: match the studio, but never take over another subscription
        schema = (data.get("metadata") or {}).get("studio")
        row = (
            StudioSubscription.objects.select_for_update()
            .select_related("studio")
            .filter(studio__schema_name=schema, stripe_subscription_id="")
            .first()
        )
        if row is None:
            return None
        row.stripe_subscription_id = data["id"]
    item = data["items"]["data"][0]
    price = PlanPrice.objects.filter(stripe_price_id=item["price"]["id"]).first()
    if price is not None:
        row.price = price
    if row.scheduled_price_id and (not data.get("schedule") or row.scheduled_price_id == row.price_id):
        row.scheduled_price = None
    row.stripe_customer_id = data.get("customer") or row.stripe_customer_id
    row.stripe_schedule_id = data.get("schedule") or ""
    was = row.status
    row.status = data["status"] if data["status"] in Status.values else Status.INCOMPLETE
    row.trial_end = _ts(data.get("trial_end"))
    row.current_period_end = _ts(item.get("current_period_end"))
    row.cancel_at_period_end = bool(data.get("cancel_at_period_end"))
    row.canceled_at = _ts(data.get("ended_at")) if row.status == Status.CANCELED else None
    if row.status in (Status.PAST_DUE, Status.UNPAID):
        row.past_due_since = row.past_due_since or timezone.now()
    elif row.status in (Status.ACTIVE, Status.TRIALING):
        row.past_due_since = None
        if row.suspended_for_nonpayment:
            _reactivate_after_payment(row)
    row.save()
    if row.status == Status.CANCELED and was != Status.CANCELED:
        from billing.platform.services.ended import subscription_ended_notify

        subscription_ended_notify(row=row)  # the studio is restricted until a plan is chosen again
    return row


def _reactivate_after_payment(row: StudioSubscription) -> None:
    from tenants.services import studio_reactivate

    row.suspended_for_nonpayment = False
    if row.studio.status == Studio.Status.SUSPENDED:
        studio_reactivate(studio=row.studio, actor=None, reason="paid")


def subscription_refresh(*, studio: Studio) -> StudioSubscription | None:
    """Re-read the studio's subscription from Stripe and sync it (where event order cannot be trusted)."""
    row = StudioSubscription.objects.filter(studio=studio).exclude(stripe_subscription_id="").first()
    if row is None:
        return None
    with stripe_errors():
        return subscription_sync(subscription=stripe_client().v1.subscriptions.retrieve(row.stripe_subscription_id))


# --- the owner's changes --------------------------------------------------------------------------------
def _live(studio: Studio) -> StudioSubscription:
    row = StudioSubscription.objects.select_related("price__plan", "studio").filter(studio=studio).first()
    if row is None or not row.stripe_subscription_id:
        raise NotFoundError(_("This studio has no platform subscription yet."), code=ErrorCode.NO_SUBSCRIPTION)
    if row.status == Status.CANCELED:
        raise ConflictError(
            _("The subscription has ended; choose a plan to start a new one."), code=ErrorCode.SUBSCRIPTION_ENDED
        )
    return row


def _synced(row: StudioSubscription | None) -> StudioSubscription:
    if row is None:  # Stripe answered about a subscription that is not this studio's
        raise ConflictError(
            _("The subscription could not be matched to this studio."), code=ErrorCode.SUBSCRIPTION_MISMATCH
        )
    return row


def _release_schedule(row: StudioSubscription) -> None:
    if row.stripe_schedule_id:
        with stripe_errors():
            stripe_client().v1.subscription_schedules.release(row.stripe_schedule_id)


def subscription_change_plan(*, studio: Studio, price: PlanPrice, actor: User) -> StudioSubscription:
    """Move to another plan price: a bigger plan now, prorated and invoiced at once; a smaller one at the
    period end (a subscription schedule), so the studio keeps what it paid for. During a trial, at once.
    After the subscription ended, choosing a plan starts a new one (`ended.subscription_restart`).

    Raises NotFoundError (no subscription), ConflictError ("same_plan", "ended", "over_new_plan_limit"),
    CardDeclinedError (the upgrade's invoice was declined: nothing changed), PaymentProviderError.
    """
    from billing.platform.limits import active_client_count
    from billing.platform.services.ended import subscription_has_ended, subscription_restart

    limit = price.plan.client_limit
    if limit is not None and active_client_count(studio=studio) > limit:
        raise ConflictError(
            _("%(plan)s allows %(limit)d active clients; archive some first.")
            % {"plan": price.plan.name, "limit": limit},
            code=ErrorCode.OVER_NEW_PLAN_LIMIT,
        )
    if subscription_has_ended(studio=studio):
        return subscription_restart(studio=studio, price=price, actor=actor)
    row = _live(studio)
    if not price.active and price.pk != row.price_id:
        raise NotFoundError(_("This price is no longer offered."), code=ErrorCode.PRICE_UNAVAILABLE)
    if price.pk == row.price_id:
        raise ConflictError(_("The studio is already on this plan."), code=ErrorCode.SAME_PLAN)
    upgrade = (price.plan.rank, price.monthly_amount) > (row.plan.rank, row.price.monthly_amount)
    client = stripe_client()
    with stripe_errors():  # decide on Stripe's state, not our mirror (a webhook may not have arrived yet)
        current = client.v1.subscriptions.retrieve(row.stripe_subscription_id)
    trialing = current["status"] == Status.TRIALING
    if upgrade or trialing:
        _release_schedule(row)
        with stripe_errors():
            updated = client.v1.subscriptions.update(
                row.stripe_subscription_id,
                params={
                    "items": [{"id": current["items"]["data"][0]["id"], "price": price.stripe_price_id}],
                    "proration_behavior": "none" if trialing else "always_invoice",
                    "payment_behavior": "error_if_incomplete",
                },
            )
        result = subscription_sync(subscription=updated)
        action = AuditAction.PLATFORM_SUBSCRIPTION_UPGRADE
    else:
        result = _schedule_downgrade(row, price)
        action = AuditAction.PLATFORM_SUBSCRIPTION_SCHEDULE_DOWNGRADE
    studio_billing_audit(studio=studio, actor=actor, action=action, price=price.stripe_price_id)
    return _synced(result)


def _schedule_downgrade(row: StudioSubscription, price: PlanPrice) -> StudioSubscription:
    client = stripe_client()
    with stripe_errors():
        schedule_id = row.stripe_schedule_id
        if not schedule_id:
            schedule_id = client.v1.subscription_schedules.create(
                params={"from_subscription": row.stripe_subscription_id}
            ).id
        schedule = client.v1.subscription_schedules.retrieve(schedule_id)
        phase = schedule["phases"][0]
        params: SubscriptionScheduleUpdateParams = {
            "end_behavior": "release",
            "phases": [
                {
                    "items": [{"price": row.price.stripe_price_id, "quantity": 1}],
                    "start_date": phase["start_date"],
                    "end_date": phase["end_date"],
                },
                {  # type: ignore[typeddict-unknown-key]  # `iterations`: stripe 16's types list only `duration`
                    "items": [{"price": price.stripe_price_id, "quantity": 1}],
                    "iterations": 1,  # one period of the new price, then the schedule releases
                },
            ],
        }
        client.v1.subscription_schedules.update(schedule_id, params=params)
    StudioSubscription.objects.filter(pk=row.pk).update(scheduled_price=price, stripe_schedule_id=schedule_id)
    row.refresh_from_db()
    return row


def subscription_cancel(*, studio: Studio, actor: User) -> StudioSubscription:
    """Cancel at the period end (the studio keeps everything until then); a scheduled downgrade is dropped."""
    row = _live(studio)
    if row.cancel_at_period_end:
        return row
    _release_schedule(row)
    with stripe_errors():
        updated = stripe_client().v1.subscriptions.update(
            row.stripe_subscription_id, params={"cancel_at_period_end": True}
        )
    result = subscription_sync(subscription=updated)
    studio_billing_audit(studio=studio, actor=actor, action=AuditAction.PLATFORM_SUBSCRIPTION_CANCEL)
    return _synced(result)


def subscription_reactivate(*, studio: Studio, actor: User) -> StudioSubscription:
    """Undo a cancellation before the period ends. Raises ConflictError "not_cancelling" otherwise."""
    row = _live(studio)
    if not row.cancel_at_period_end:
        raise ConflictError(_("The subscription is not set to end."), code=ErrorCode.NOT_CANCELLING)
    with stripe_errors():
        updated = stripe_client().v1.subscriptions.update(
            row.stripe_subscription_id, params={"cancel_at_period_end": False}
        )
    result = subscription_sync(subscription=updated)
    studio_billing_audit(studio=studio, actor=actor, action=AuditAction.PLATFORM_SUBSCRIPTION_REACTIVATE)
    return _synced(result)


def payment_method_session_create(*, studio: Studio, return_url: str) -> str:
    """A Stripe-hosted page (billing portal) where the owner sets the card; returns its one-time URL."""
    row = StudioSubscription.objects.filter(studio=studio).first()  # an ended plan's card can change too
    if row is None or not row.stripe_customer_id:
        raise NotFoundError(_("This studio has no platform subscription yet."), code=ErrorCode.NO_SUBSCRIPTION)
    with stripe_errors():
        session = stripe_client().v1.billing_portal.sessions.create(
            params={"customer": row.stripe_customer_id, "return_url": return_url}
        )
    return str(session.url)
