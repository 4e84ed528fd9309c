"""The audit log: who did what to whom, from where, when — written in the caller's transaction."""

from __future__ import annotations

from typing import Any

from django.db import models

from core.models import AuditAction, AuditEvent, User

__all__ = ["AuditAction", "audit_record"]


def audit_record(
    *,
    actor: User | None,
    action: AuditAction,
    target: models.Model | None = None,
    ip: str | None = None,
    **metadata: Any,
) -> AuditEvent:
    """Write one audit row. Call it inside the service's transaction so it commits with the change.

    `target`: the row acted on (its model label, id and text are kept, so the row may go later);
    `metadata`: JSON-serialisable details (`actor_email` is taken out as the email of an unknown actor).
    """
    known = actor if actor is not None and getattr(actor, "pk", None) is not None else None
    return AuditEvent.objects.create(
        actor_id=known.pk if known is not None else None,
        actor_email=(known.email if known is not None else metadata.pop("actor_email", "")) or "",
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:200] if target is not None else "",
        ip=ip or None,
        metadata=metadata,
    )
