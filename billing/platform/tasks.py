"""Background work of platform billing. Tasks take ids and are idempotent."""

from __future__ import annotations

from celery import shared_task

from billing import webhooks


@shared_task(
    name="billing.stripe_event_process",
    ignore_result=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(Exception,),
    retry_backoff=30,
    retry_backoff_max=3600,
    max_retries=6,
)
def stripe_event_process(event_id: str) -> str:
    """Handle one stored Stripe event exactly once (a duplicate delivery of this task does nothing)."""
    return webhooks.event_process(event_id=event_id)


@shared_task(name="billing.subscription_stripe_setup", ignore_result=True, autoretry_for=(Exception,), max_retries=5)
def subscription_stripe_setup(studio_id: int) -> None:
    """After sign-up commits: the studio's Stripe customer and trialing subscription (idempotent)."""
    from billing.platform.services.subscriptions import subscription_stripe_setup as setup

    setup(studio_id=studio_id)


@shared_task(name="billing.dunning_sweep", ignore_result=True)
def dunning_sweep() -> int:
    """Beat, hourly: suspend studios unpaid for BILLING_UNPAID_SUSPEND_DAYS (public schema, one query).

    Not a per-studio fan-out: the subscriptions live in the public schema, so one pass sees them all.
    """
    from billing.platform.services.dunning import dunning_suspend_overdue

    return len(dunning_suspend_overdue())
