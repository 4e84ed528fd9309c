"""Background work of scheduling. Tasks take ids, run in their studio's schema, and are idempotent.

Beat runs the *sweeps* in the public schema; each sweep queues one task per active studio, which runs
in that studio's schema (tenant-schemas-celery carries the schema in the message headers).
"""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from core.tenancy import studios_fan_out
from domain.scheduling import selectors, services


@shared_task(name="scheduling.reminder_send", ignore_result=True, acks_late=True, reject_on_worker_lost=True)
def reminder_send(reminder_id: int) -> str:
    """Send one reminder; a duplicate or retried delivery of this task sends nothing more."""
    return services.reminder_send(reminder_id=reminder_id)


@shared_task(name="scheduling.reminders_dispatch_due", ignore_result=True)
def reminders_dispatch_due() -> int:
    """Queue a send for every due reminder of this studio (a reminder needing a retry is due again)."""
    due = selectors.reminders_due(now=timezone.now())
    for reminder_id in due:
        reminder_send.delay(reminder_id)
    return len(due)


@shared_task(name="scheduling.reminders_sweep", ignore_result=True)
def reminders_sweep() -> int:
    """Beat, every minute: fan out to every active studio."""
    return studios_fan_out(reminders_dispatch_due)


@shared_task(name="scheduling.recurrences_extend", ignore_result=True)
def recurrences_extend() -> int:
    """Make occurrences of this studio's open series up to the horizon; conflicts are recorded."""
    extended = 0
    for pattern_id in selectors.patterns_to_extend(now=timezone.now()):
        services.recurrence_extend(pattern_id=pattern_id)
        extended += 1
    return extended


@shared_task(name="scheduling.recurrences_sweep", ignore_result=True)
def recurrences_sweep() -> int:
    return studios_fan_out(recurrences_extend)


@shared_task(name="scheduling.waitlist_promotion_notify", ignore_result=True)
def waitlist_promotion_notify(participant_id: int) -> bool:
    return services.notify_waitlist_promotion(participant_id=participant_id)


@shared_task(name="scheduling.waitlist_skipped_notify", ignore_result=True)
def waitlist_skipped_notify(participant_id: int, reason: str) -> bool:
    return services.notify_waitlist_skipped(participant_id=participant_id, reason=reason)
