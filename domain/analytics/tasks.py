"""Background work of analytics: the hourly sweep computes today (so far) and yesterday for every studio.

Tasks take ids or ISO dates, run in their studio's schema, and are idempotent (a day's rows are replaced).
"""

from __future__ import annotations

from datetime import date, timedelta

from celery import shared_task

from core.studio_time import studio_today
from core.tenancy import studios_fan_out
from domain.analytics import services


@shared_task(name="analytics.flag_notify", ignore_result=True, acks_late=True, reject_on_worker_lost=True)
def flag_notify(flag_id: int) -> bool:
    return services.flag_notify(flag_id=flag_id)


@shared_task(name="analytics.days_compute", ignore_result=True)
def days_compute(day: str | None = None) -> int:
    """Compute yesterday, then `day` (default: today, with the at-risk flags); notices go after commit."""
    today = date.fromisoformat(day) if day else studio_today()
    services.day_compute(day=today - timedelta(days=1))
    result = services.day_compute(day=today, flags=True)
    for flag_id in result.flags_opened:
        flag_notify.delay_on_commit(flag_id)  # type: ignore[attr-defined]  # Celery 5.4, missing from celery-types
    return result.clients


@shared_task(name="analytics.sweep", ignore_result=True)
def sweep() -> int:
    """Beat, hourly: fan out to every active studio."""
    return studios_fan_out(days_compute)
