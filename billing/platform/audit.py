"""Audit rows for what a studio's owner does to the studio's billing: written in the studio's own audit log
(its schema, where the owner is a user), whichever host the request came to."""

from __future__ import annotations

from typing import Any

from django_tenants.utils import schema_context

from core.audit import AuditAction, audit_record
from core.models import User
from tenants.models import Studio


def studio_billing_audit(*, studio: Studio, actor: User | None, action: AuditAction, **metadata: Any) -> None:
    with schema_context(studio.schema_name):
        audit_record(actor=actor, action=action, target=studio, **metadata)
