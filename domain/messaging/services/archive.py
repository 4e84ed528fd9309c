"""Archival: messages and notifications older than the studio's setting (default 12 months) move to archive
tables, out of the hot ones, still exportable (a client's export reads both)."""

from __future__ import annotations

from datetime import datetime

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.error_codes import ErrorCode
from core.exceptions import ValidationError
from core.models import User
from core.permissions import require
from domain.messaging.models import ArchivedMessage, ArchivedNotification, Message, MessagingSettings, Notification

BATCH = 1000


def settings_update(*, actor: User, archive_after_months: int | None = None,
                    edit_window_minutes: int | None = None) -> MessagingSettings:  # fmt: skip
    """The studio's messaging settings: archive period (1-120 months), edit window (0-1440 minutes)."""
    require(actor, "messaging.manage_settings")
    found = MessagingSettings.current()
    if archive_after_months is not None:
        if not 1 <= archive_after_months <= 120:
            raise ValidationError(_("Between 1 and 120 months."), code=ErrorCode.VALIDATION_ERROR,
                                  fields={"archive_after_months": _("Between 1 and 120.")})  # fmt: skip
        found.archive_after_months = archive_after_months
    if edit_window_minutes is not None:
        if not 0 <= edit_window_minutes <= 1440:
            raise ValidationError(_("Between 0 and 1440 minutes."), code=ErrorCode.VALIDATION_ERROR,
                                  fields={"edit_window_minutes": _("Between 0 and 1440.")})  # fmt: skip
        found.edit_window_minutes = edit_window_minutes
    found.save()
    return found


@transaction.atomic
def _archive_messages(cutoff: datetime) -> int:
    batch = list(Message.objects.filter(sent_at__lt=cutoff).prefetch_related("attachments").order_by("pk")[:BATCH])
    ArchivedMessage.objects.bulk_create(
        [
            ArchivedMessage(
                original_id=m.pk, thread_id=m.thread_id, sender_id=m.sender_id, body=m.body, sent_at=m.sent_at,
                edited_at=m.edited_at, deleted_at=m.deleted_at,
                files=[{"name": a.name, "kind": a.kind, "file": a.file.name} for a in m.attachments.all()],
            )
            for m in batch
        ],
        ignore_conflicts=True,
    )  # fmt: skip
    Message.objects.filter(pk__in=[m.pk for m in batch]).delete()  # the files stay, named in the archive
    return len(batch)


@transaction.atomic
def _archive_notifications(cutoff: datetime) -> int:
    batch = list(Notification.objects.filter(created_at__lt=cutoff).order_by("pk")[:BATCH])
    ArchivedNotification.objects.bulk_create(
        [
            ArchivedNotification(original_id=n.pk, user_id=n.user_id, kind=n.kind, title=n.title, body=n.body,
                                 created_at=n.created_at)
            for n in batch
        ],
        ignore_conflicts=True,
    )  # fmt: skip
    Notification.objects.filter(pk__in=[n.pk for n in batch]).delete()
    return len(batch)


def archive_old(*, now: datetime | None = None) -> tuple[int, int]:
    """Move what is older than the studio's period, in batches (each its own transaction, so a killed run
    resumes where it stopped); returns (messages, notifications) moved."""
    now = now or timezone.now()
    cutoff = now - relativedelta(months=MessagingSettings.current().archive_after_months)
    moved = [0, 0]
    for index, step in enumerate((_archive_messages, _archive_notifications)):
        while True:
            count = step(cutoff)
            moved[index] += count
            if count < BATCH:
                break
    return moved[0], moved[1]
