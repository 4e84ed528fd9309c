"""Background work of messaging. Tasks take ids, run in their studio's schema and are idempotent.

Beat runs the sweeps in the public schema; each queues one task per active studio (`studios_fan_out`).
"""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from core.tenancy import studios_fan_out
from domain.messaging import services


@shared_task(name="messaging.delivery_send", ignore_result=True, acks_late=True, reject_on_worker_lost=True)
def delivery_send_task(delivery_id: int) -> str:
    """Send one delivery; a duplicate or redelivered task sends nothing more. A retryable failure leaves the
    row pending with a later `send_after`: the deliveries sweep picks it up again."""
    return services.delivery_send(delivery_id=delivery_id)


@shared_task(name="messaging.deliveries_dispatch_due", ignore_result=True)
def deliveries_dispatch_due() -> int:
    """Queue a send for every due pending delivery of this studio (after quiet hours, retries, lost tasks)."""
    due = services.deliveries_due(now=timezone.now())
    for delivery_id in due:
        delivery_send_task.delay(delivery_id)
    return len(due)


@shared_task(name="messaging.deliveries_sweep", ignore_result=True)
def deliveries_sweep() -> int:
    """Beat, every minute."""
    return studios_fan_out(deliveries_dispatch_due)


@shared_task(name="messaging.automation_send", ignore_result=True, acks_late=True, reject_on_worker_lost=True)
def automation_send_task(send_id: int) -> bool:
    """Send one planned automation message; a duplicate or redelivered task sends nothing more."""
    return services.automation_send(send_id=send_id)


@shared_task(name="messaging.automations_run", ignore_result=True)
def automations_run() -> int:
    """Plan what this studio's automations have to send, then queue every send that is due."""
    services.automations_plan(now=timezone.now())
    due = services.automation_sends_due(now=timezone.now())
    for send_id in due:
        automation_send_task.delay(send_id)
    return len(due)


@shared_task(name="messaging.automations_sweep", ignore_result=True)
def automations_sweep() -> int:
    """Beat, every 15 minutes."""
    return studios_fan_out(automations_run)


@shared_task(name="messaging.archive_run", ignore_result=True)
def archive_run() -> tuple[int, int]:
    return services.archive_old(now=timezone.now())


@shared_task(name="messaging.archive_sweep", ignore_result=True)
def archive_sweep() -> int:
    """Beat, daily."""
    return studios_fan_out(archive_run)
