"""Secret calendar feed links (iCalendar): rotate and revoke."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone

from core.audit import AuditAction, audit_record
from core.models import User
from core.permissions import require
from domain.scheduling import selectors
from domain.scheduling.models import (
    CalendarFeed,
)


@transaction.atomic
def calendar_feed_rotate(*, owner: User) -> str:
    """A new secret feed token (returned once; only its digest is stored); any previous link stops working."""
    require(owner, "scheduling.calendar_feed")
    now = timezone.now()
    CalendarFeed.objects.filter(owner=owner, revoked_at__isnull=True).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(owner=owner, token_digest=selectors.feed_token_digest(token))
    audit_record(actor=owner, action=AuditAction.CALENDAR_FEED_ROTATE, target=feed)
    return token


@transaction.atomic
def calendar_feed_revoke(*, owner: User) -> int:
    require(owner, "scheduling.calendar_feed")
    revoked = CalendarFeed.objects.filter(owner=owner, revoked_at__isnull=True).update(revoked_at=timezone.now())
    audit_record(actor=owner, action=AuditAction.CALENDAR_FEED_REVOKE, target=owner, revoked=revoked)
    return revoked
