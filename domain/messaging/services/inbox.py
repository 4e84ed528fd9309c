"""Marking notifications read (the bell)."""

from __future__ import annotations

from django.utils import timezone

from core.models import User
from core.permissions import require
from domain.messaging.models import Notification


def notifications_mark_read(*, actor: User, ids: list[int] | None = None) -> int:
    """Mark the actor's notifications read (all of them when `ids` is None); returns how many changed.
    Ids of other people's notifications are ignored."""
    require(actor, "notifications.view")
    rows = Notification.objects.filter(user=actor, is_read=False)
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    return rows.update(is_read=True, read_at=timezone.now())
