"""Background work of privacy. Tasks take ids, run in their studio's schema, and are idempotent."""

from __future__ import annotations

from celery import shared_task

from core.tenancy import studios_fan_out
from domain.privacy import exports, retention


@shared_task(name="privacy.client_export_build", ignore_result=True, acks_late=True)
def client_export_build(export_id: int) -> str:
    return exports.export_build(export_id=export_id)


@shared_task(name="privacy.studio_export_build", ignore_result=True, acks_late=True)
def studio_export_build(export_id: int) -> str:
    return exports.export_build(export_id=export_id)


@shared_task(name="privacy.retention_apply", ignore_result=True)
def retention_apply() -> dict[str, int]:
    return retention.retention_apply()


@shared_task(name="privacy.retention_sweep", ignore_result=True)
def retention_sweep() -> int:
    """Hourly, from beat (public schema): apply each active studio's retention policy in its schema."""
    return studios_fan_out(retention_apply)
