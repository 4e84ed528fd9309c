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
