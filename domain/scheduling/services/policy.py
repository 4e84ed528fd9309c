"""The studio's scheduling policy: late-cancellation window, reminder offsets and channels."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import AuditAction, audit_record
from core.error_codes import ErrorCode
from core.exceptions import ValidationError
from core.models import User
from core.permissions import require
from domain.notifications.channels import CHANNEL_NAMES
from domain.scheduling.models import (
    SchedulingPolicy,
)


@transaction.atomic
def scheduling_policy_update(
    *,
    actor: User,
    late_cancel_window_minutes: int | None = None,
    reminder_offsets_minutes: list[int] | None = None,
    reminder_channels: list[str] | None = None,
) -> SchedulingPolicy:
    require(actor, "scheduling.manage_policy")
    policy, _created = SchedulingPolicy.objects.select_for_update().get_or_create(key=1)
    fields: dict[str, str] = {}
    if late_cancel_window_minutes is not None:
        if not 0 <= late_cancel_window_minutes <= 14 * 24 * 60:
            fields["late_cancel_window_minutes"] = _("Use between 0 minutes and 14 days.")
        policy.late_cancel_window_minutes = late_cancel_window_minutes
    if reminder_offsets_minutes is not None:
        if len(reminder_offsets_minutes) > 5 or any(not 5 <= m <= 14 * 24 * 60 for m in reminder_offsets_minutes):
            fields["reminder_offsets_minutes"] = _("Up to five reminders, each 5 minutes to 14 days before.")
        policy.reminder_offsets_minutes = sorted(set(reminder_offsets_minutes), reverse=True)
    if reminder_channels is not None:
        if any(c not in CHANNEL_NAMES for c in reminder_channels):
            fields["reminder_channels"] = _("Channels are email, sms and push.")
        policy.reminder_channels = list(dict.fromkeys(reminder_channels))
    if fields:
        raise ValidationError(" ".join(fields.values()), code=ErrorCode.POLICY_INVALID, fields=fields)
    policy.save()
    audit_record(
        actor=actor,
        action=AuditAction.SCHEDULING_POLICY_UPDATE,
        target=policy,
        late_cancel_window_minutes=policy.late_cancel_window_minutes,
        reminder_offsets_minutes=policy.reminder_offsets_minutes,
        reminder_channels=policy.reminder_channels,
    )
    return policy
