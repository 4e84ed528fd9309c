"""Automations: owners and managers choose a trigger, a delay, a channel and a template; a beat task plans
what is due (one `AutomationSend` row per automation, client and occurrence: the unique key that makes a
duplicate run, a retried task or a killed worker unable to send twice) and sends it at a sensible local
hour through `notify`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import AuditAction, audit_record
from core.error_codes import ErrorCode
from core.exceptions import NotFoundError, ValidationError
from core.models import User
from core.permissions import require
from domain.messaging.catalog import WORDINGS
from domain.messaging.models import CHANNELS, Automation, AutomationSend, Trigger
from domain.messaging.services.notify import notify
from domain.messaging.services.preferences import preference_of, zone_of
from domain.messaging.triggers import matches

LATEST_HOUR = 20  # nothing automated goes out at or after 20:00 local: it waits for the next morning
NEEDS_DAYS = (Trigger.NO_WORKOUT, Trigger.NO_VISIT, Trigger.EXPIRING)


@dataclass(frozen=True)
class AutomationData:
    name: str
    trigger: str
    channel: str
    template_key: str
    days: int = 0
    delay_minutes: int = 0
    once_per_client: bool = True
    send_hour: int = 10


def _check(data: AutomationData) -> None:
    fields: dict[str, str] = {}
    if not data.name.strip() or len(data.name) > 120:
        fields["name"] = _("Give it a name (up to 120 characters).")
    if data.trigger not in Trigger.values:
        fields["trigger"] = _("Unknown trigger.")
    if data.channel not in CHANNELS:
        fields["channel"] = _("Channels are in_app, email, push and sms.")
    if data.template_key not in WORDINGS:
        fields["template_key"] = _("Unknown template.")
    if data.trigger in NEEDS_DAYS and not 1 <= data.days <= 365:
        fields["days"] = _("Between 1 and 365 days.")
    if not 0 <= data.delay_minutes <= 60 * 24 * 60:
        fields["delay_minutes"] = _("At most 60 days.")
    if not 6 <= data.send_hour < LATEST_HOUR:
        fields["send_hour"] = _("Between 6 and 19.")
    if fields:
        raise ValidationError(_("The automation is not valid."), code=ErrorCode.AUTOMATION_INVALID, fields=fields)


@transaction.atomic
def automation_save(*, actor: User, data: AutomationData, automation_id: int | None = None) -> Automation:
    """Create or change an automation (switched off until `automation_switch`). Raises ValidationError
    (`automation_invalid`, with fields), NotFoundError for an unknown id."""
    require(actor, "messaging.manage_automations")
    _check(data)
    automation = Automation(created_by=actor) if automation_id is None else _get(automation_id, lock=True)
    for name, value in data.__dict__.items():
        setattr(automation, name, value.strip() if isinstance(value, str) else value)
    automation.save()
    audit_record(actor=actor, action=AuditAction.AUTOMATION_UPDATE, target=automation, trigger=automation.trigger)
    return automation


def _get(automation_id: int, *, lock: bool = False) -> Automation:
    rows = Automation.objects.select_for_update() if lock else Automation.objects
    found = rows.filter(pk=automation_id).first()
    if found is None:
        raise NotFoundError(_("Automation not found."), code=ErrorCode.AUTOMATION_NOT_FOUND)
    return found


@transaction.atomic
def automation_switch(*, actor: User, automation_id: int, active: bool, backfill: bool = False) -> Automation:
    """Switch on (acting only on what happens from now on, unless `backfill`: then also on everyone who
    already matches) or off."""
    require(actor, "messaging.manage_automations")
    automation = _get(automation_id, lock=True)
    automation.is_active = active
    if active:
        automation.active_since, automation.backfill = timezone.now(), backfill
    automation.save(update_fields=["is_active", "active_since", "backfill"])
    audit_record(actor=actor, action=AuditAction.AUTOMATION_UPDATE, target=automation, active=active)
    return automation


def sending_time(moment: datetime, *, zone_pref: object, send_hour: int) -> datetime:
    """`moment`, or the next `send_hour` o'clock in the person's zone when it falls outside
    [send_hour, 20:00) there."""
    zone = zone_of(zone_pref)  # type: ignore[arg-type]  # a Preference
    local = moment.astimezone(zone)
    if send_hour <= local.hour < LATEST_HOUR:
        return moment
    day = local.date() if local.hour < send_hour else local.date() + timedelta(days=1)
    return datetime.combine(day, time(send_hour), tzinfo=zone).astimezone(moment.tzinfo)


def automations_plan(*, now: datetime | None = None) -> int:
    """Record what every active automation has to send (idempotent: existing keys are left alone);
    returns how many new sends were planned."""
    now = now or timezone.now()
    planned = 0
    for automation in Automation.objects.filter(is_active=True):
        found = matches(automation, now=now)
        people = {u.pk: u for u in User.objects.filter(pk__in={m.client_id for m in found})}
        rows = []
        for match in found:
            occurrence = "once" if automation.once_per_client else match.occurrence
            due = match.at + timedelta(minutes=automation.delay_minutes)
            pref = preference_of(people[match.client_id])
            rows.append(AutomationSend(automation=automation, client_id=match.client_id, occurrence=occurrence[:80],
                                       due_at=sending_time(due, zone_pref=pref, send_hour=automation.send_hour),
                                       context={**match.context, "days": str(automation.days)}))  # fmt: skip
        before = AutomationSend.objects.filter(automation=automation).count()
        AutomationSend.objects.bulk_create(rows, ignore_conflicts=True)
        planned += AutomationSend.objects.filter(automation=automation).count() - before
    return planned


def automation_sends_due(*, now: datetime | None = None, limit: int = 500) -> list[int]:
    now = now or timezone.now()
    due = AutomationSend.objects.filter(sent_at__isnull=True, due_at__lte=now, automation__is_active=True)
    return list(due.order_by("due_at").values_list("pk", flat=True)[:limit])


@transaction.atomic
def automation_send(*, send_id: int, now: datetime | None = None) -> bool:
    """Send one planned automation message at most once: the row is locked (SKIP LOCKED) and marked sent in
    the transaction that notifies; the notification's key is the send's, so even a lost mark cannot send
    twice. False when there was nothing to do."""
    now = now or timezone.now()
    send = (
        AutomationSend.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("automation", "client")
        .filter(pk=send_id, sent_at__isnull=True, due_at__lte=now)
        .first()
    )
    if send is None or not send.automation.is_active or not send.client.is_active:
        return False
    automation = send.automation
    send.notification = notify(
        user=send.client,
        kind=automation.template_key,
        key=f"automation-{automation.pk}-{send.client_id}-{send.occurrence}",
        context=send.context,
        channels=[] if automation.channel == "in_app" else [automation.channel],
        now=now,
    )
    send.sent_at = now
    send.save(update_fields=["sent_at", "notification"])
    return True
