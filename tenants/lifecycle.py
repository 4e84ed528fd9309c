"""Closing a studio: offline at once, its data kept for a retention period, then erased — each step audited.

    active / suspended --close--> closed --(STUDIO_RETENTION_DAYS)--> erased (schema, media, platform rows)
                                  closed --reopen (within retention)--> active

A closed studio's address answers "not found" (tenants/middleware.py) and beat sweeps skip it. Erasure
drops the schema and every public row that belongs to the studio (its domains, subscription, invoices,
Connect account: whatever a deletion cascades to) in one transaction, then deletes its media; the audit
rows about the studio (public schema) stay, so who closed and erased what, and when, remains known.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from core.audit import AuditAction, audit_record
from core.error_codes import ErrorCode
from core.exceptions import ConflictError
from core.models import User
from tenants import schema_pool
from tenants.models import Studio
from tenants.observability import storage_walk
from tenants.routing import routing_forget

logger = logging.getLogger(__name__)


def retention_ends(studio: Studio) -> datetime | None:
    """When a closed studio's data may be erased (None while it is not closed)."""
    if studio.closed_at is None:
        return None
    return studio.closed_at + timedelta(days=settings.STUDIO_RETENTION_DAYS)


def _conflict(studio: Studio) -> ConflictError:
    return ConflictError(
        _("%(name)s is %(status)s, so this cannot be done.")
        % {"name": studio.name, "status": studio.get_status_display().lower()},
        code=ErrorCode.STUDIO_STATUS_CONFLICT,
    )


@transaction.atomic
def studio_close(*, studio: Studio, actor: User | None, reason: str = "", ip: str | None = None) -> Studio:
    """Close an active or suspended studio: offline now, data kept STUDIO_RETENTION_DAYS. Raises ConflictError."""
    studio = Studio.objects.select_for_update().get(pk=studio.pk)
    if studio.status not in (Studio.Status.ACTIVE, Studio.Status.SUSPENDED):
        raise _conflict(studio)
    studio.status, studio.closed_at = Studio.Status.CLOSED, timezone.now()
    studio.save(update_fields=["status", "closed_at", "updated_at"])
    routing_forget()
    ends = retention_ends(studio)
    audit_record(
        actor=actor,
        action=AuditAction.STUDIO_CLOSE,
        target=studio,
        ip=ip,
        reason=reason.strip()[:500],
        erase_after=ends.isoformat() if ends else "",
    )
    return studio


@transaction.atomic
def studio_reopen(*, studio: Studio, actor: User | None, reason: str = "", ip: str | None = None) -> Studio:
    """Bring a closed studio back, exactly as it was, while its data is still kept. Raises ConflictError."""
    studio = Studio.objects.select_for_update().get(pk=studio.pk)
    if studio.status != Studio.Status.CLOSED:
        raise _conflict(studio)
    studio.status, studio.closed_at = Studio.Status.ACTIVE, None
    studio.save(update_fields=["status", "closed_at", "updated_at"])
    routing_forget()
    audit_record(actor=actor, action=AuditAction.STUDIO_REOPEN, target=studio, ip=ip, reason=reason.strip()[:500])
    return studio


def studio_erase(*, studio: Studio, actor: User | None, reason: str = "", early: bool = False) -> dict[str, int]:
    """Erase a closed studio whose retention period is over (`early=True`: before it ends, audited as such).

    Returns {"tables": n, "media_files": n}. Raises ConflictError when the studio is not closed or its
    retention period is not over (and not `early`). Database first (one transaction), media after commit.
    """
    from tenants.studio_backup import studio_public_rows

    with transaction.atomic():
        studio = Studio.objects.select_for_update().get(pk=studio.pk)
        ends = retention_ends(studio)
        if studio.status != Studio.Status.CLOSED or ends is None or (ends > timezone.now() and not early):
            raise _conflict(studio)
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM pg_tables WHERE schemaname = %s", [studio.schema_name])
            tables = cursor.fetchone()[0]
        with schema_context(studio.schema_name):
            media = list(storage_walk(""))
        audit_record(
            actor=actor,
            action=AuditAction.STUDIO_ERASE,
            target=studio,
            reason=reason.strip()[:500],
            slug=studio.slug,
            schema=studio.schema_name,
            closed_at=studio.closed_at.isoformat() if studio.closed_at else "",
            early=early,
            tables=tables,
            media_files=len(media),
            public_rows=len(studio_public_rows(studio)),
        )
        schema = studio.schema_name
        schema_pool.schema_drop(schema)
        studio.delete()  # cascades to its domains, subscription, invoices, Connect account
        routing_forget()
        transaction.on_commit(lambda: _media_erase(schema, media))
    return {"tables": tables, "media_files": len(media)}


def _media_erase(schema: str, names: list[str]) -> None:
    with schema_context(schema):
        for name in names:
            try:
                default_storage.delete(name)
            except OSError:
                logger.warning("erasing %s: could not delete media %s", schema, name)


def studios_erase_due() -> list[str]:
    """Erase every closed studio whose retention period is over (the daily beat task). Returns their slugs."""
    cutoff = timezone.now() - timedelta(days=settings.STUDIO_RETENTION_DAYS)
    erased = []
    for studio in Studio.objects.filter(status=Studio.Status.CLOSED, closed_at__lte=cutoff).order_by("closed_at"):
        try:
            studio_erase(studio=studio, actor=None, reason="retention period over")
        except ConflictError:
            continue  # reopened meanwhile
        erased.append(studio.slug)
    return erased
