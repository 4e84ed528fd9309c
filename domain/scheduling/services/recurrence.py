"""Recurring series of appointments and classes: rules, generation ahead of time, split-and-move."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from dateutil import rrule
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import AuditAction, audit_record
from core.error_codes import ErrorCode
from core.exceptions import ValidationError
from core.models import User
from core.permissions import require
from core.studio_time import studio_timezone_name
from domain.clients.selectors import client_for_actor
from domain.scheduling import selectors, slots
from domain.scheduling.access import ensure_acts_for_trainer, trainer_get
from domain.scheduling.models import (
    Appointment,
    GroupSession,
    RecurrenceConflict,
    RecurringPattern,
)
from domain.scheduling.services import commerce as commerce_hooks
from domain.scheduling.services._shared import (
    SeriesResult,
    overlap_refused,
    pattern_end_before,
    session_overlap,
    slot_taken,
    trainer_conflict,
)
from domain.scheduling.services.reminders import (
    reminders_cancel,
    reminders_schedule,
)

MAX_SERIES_OCCURRENCES = 500


@dataclass(frozen=True)
class RecurrenceRule:
    frequency: str
    starts_on: date
    start_time: time
    interval: int = 1
    weekdays: tuple[int, ...] = ()
    until: date | None = None
    count: int | None = None
    excluded_dates: tuple[date, ...] = ()


def _check_rule(rule: RecurrenceRule) -> None:
    fields: dict[str, str] = {}
    if rule.frequency not in RecurringPattern.Frequency.values:
        fields["frequency"] = _("Weekly or monthly.")
    if not 1 <= rule.interval <= 52:
        fields["interval"] = _("Every 1 to 52.")
    if any(not 0 <= d <= 6 for d in rule.weekdays):
        fields["weekdays"] = _("Weekdays go from 0 (Monday) to 6 (Sunday).")
    if rule.until is None and rule.count is None:
        fields["until"] = _("Give an end date or a number of occurrences.")
    if rule.count is not None and not 1 <= rule.count <= MAX_SERIES_OCCURRENCES:
        fields["count"] = _("Between 1 and %(n)d occurrences.") % {"n": MAX_SERIES_OCCURRENCES}
    if rule.until is not None and rule.until < rule.starts_on:
        fields["until"] = _("The end date is before the first date.")
    if rule.until is not None and (rule.until - rule.starts_on).days > 3 * 366:
        fields["until"] = _("A series runs at most three years.")
    if fields:
        raise ValidationError(" ".join(fields.values()), code=ErrorCode.RECURRENCE_INVALID, fields=fields)


def occurrence_dates(pattern: RecurringPattern, start: date, end: date) -> list[date]:
    """The series' local dates in [start, end], excluded dates left out (RFC 5545: COUNT counts them)."""
    if pattern.frequency == RecurringPattern.Frequency.WEEKLY:
        options: dict[str, Any] = {"byweekday": pattern.weekdays or [pattern.starts_on.weekday()]}
        freq = rrule.WEEKLY
    else:
        options = {"bymonthday": pattern.starts_on.day}
        freq = rrule.MONTHLY
    rule = rrule.rrule(
        freq,
        dtstart=datetime.combine(pattern.starts_on, time()),
        interval=pattern.interval,
        until=datetime.combine(pattern.until, time()) if pattern.until else None,
        count=pattern.count,
        wkst=rrule.MO,
        **options,
    )
    excluded = set(pattern.excluded_dates)
    window = rule.between(datetime.combine(start, time()), datetime.combine(end, time()), inc=True)
    return [moment.date() for moment in window if moment.date() not in excluded]


def _occurrence_times(pattern: RecurringPattern, start: date, end: date) -> list[tuple[datetime, datetime]]:
    zone = ZoneInfo(pattern.timezone)
    duration = timedelta(minutes=pattern.duration_minutes)
    result = []
    for day in occurrence_dates(pattern, start, end):
        begins = slots.local_to_utc(day, pattern.start_time, zone)
        result.append((begins, begins + duration))
    return result


def pattern_from_rule(rule: RecurrenceRule, **template: Any) -> RecurringPattern:
    _check_rule(rule)
    return RecurringPattern.objects.create(
        frequency=rule.frequency,
        interval=rule.interval,
        weekdays=sorted(set(rule.weekdays)),
        starts_on=rule.starts_on,
        start_time=rule.start_time,
        until=rule.until,
        count=rule.count,
        excluded_dates=sorted(set(rule.excluded_dates)),
        timezone=studio_timezone_name(),
        **template,
    )


def _record_conflicts(pattern: RecurringPattern, items: list[tuple[datetime, str]]) -> list[RecurrenceConflict]:
    rows = [RecurrenceConflict(pattern=pattern, starts_at=when, reason=reason[:200]) for when, reason in items]
    RecurrenceConflict.objects.bulk_create(rows, ignore_conflicts=True)
    return rows


def _generate(pattern: RecurringPattern, *, until: date, now: datetime) -> SeriesResult:
    """Create the occurrences from `generated_until` up to `until`; report the ones that do not fit.

    Idempotent: an occurrence (pattern, original start) exists once, and a conflict is reported once.
    """
    first = pattern.generated_until + timedelta(days=1) if pattern.generated_until else pattern.starts_on
    result = SeriesResult(pattern=pattern)
    if first > until:
        return result
    times = [(s, e) for s, e in _occurrence_times(pattern, first, until) if s > now]
    if times:
        existing = set(RecurrenceConflict.objects.filter(pattern=pattern).values_list("starts_at", flat=True)) | set(
            (
                pattern.appointments if pattern.kind == RecurringPattern.Kind.APPOINTMENT else pattern.group_sessions
            ).values_list("original_starts_at", flat=True)
        )
        times = [(s, e) for s, e in times if s not in existing]
    created: list[Appointment] | list[GroupSession]
    if pattern.kind == RecurringPattern.Kind.APPOINTMENT:
        created, conflicts = _generate_appointments(pattern, times, now=now)
    else:
        created, conflicts = _generate_sessions(pattern, times)
    result.created = created
    result.conflicts = _record_conflicts(pattern, conflicts)
    pattern.generated_until = until
    pattern.save(update_fields=["generated_until", "updated_at"])
    return result


def _generate_appointments(
    pattern: RecurringPattern, times: list[tuple[datetime, datetime]], *, now: datetime
) -> tuple[list[Appointment], list[tuple[datetime, str]]]:
    if not times:
        return [], []
    trainer_get(pattern.trainer_id, for_update=True)
    appointment_type, client_id = pattern.appointment_type, pattern.client_id
    if appointment_type is None or client_id is None:  # the model's check constraint rules it out
        raise ValueError(f"appointment series {pattern.pk} has no type or no client")
    rules = selectors.slot_rules(appointment_type)
    busy = selectors.trainer_busy(
        trainer_id=pattern.trainer_id, start=times[0][0] - timedelta(days=1), end=times[-1][1] + timedelta(days=1)
    )
    rows, conflicts = [], []
    for start, end in times:
        if slots.overlaps(start, end, busy, rules):
            conflicts.append((start, _("The trainer is already booked at this time.")))
            continue
        rows.append(
            Appointment(
                trainer_id=pattern.trainer_id,
                client_id=client_id,
                appointment_type=appointment_type,
                starts_at=start,
                ends_at=end,
                buffer_before_minutes=appointment_type.buffer_before_minutes,
                buffer_after_minutes=appointment_type.buffer_after_minutes,
                status=Appointment.Status.CONFIRMED,
                location=appointment_type.location,
                online_link=appointment_type.online_link,
                notes=pattern.notes,
                recurrence=pattern,
                original_starts_at=start,
                created_by_id=pattern.created_by_id,
                confirmed_at=now,
            )
        )
        busy.append(slots.Busy(start, end, rules.buffer_before, rules.buffer_after))
    with overlap_refused(slot_taken):
        created = Appointment.objects.bulk_create(rows)
    client = User.objects.get(pk=client_id)
    created, unpaid = commerce_hooks.series_occurrences_consume(
        created, client=client, actor=pattern.created_by or client, now=now, override=pattern.entitlement_override
    )
    for appointment in created:
        reminders_schedule(starts_at=appointment.starts_at, recipient=client, appointment=appointment, now=now)
    return created, conflicts + unpaid


def _generate_sessions(
    pattern: RecurringPattern, times: list[tuple[datetime, datetime]]
) -> tuple[list[GroupSession], list[tuple[datetime, str]]]:
    if not times:
        return [], []
    trainer_get(pattern.trainer_id, for_update=True)
    class_type_id, capacity = pattern.class_type_id, pattern.capacity
    if class_type_id is None or capacity is None:  # the model's check constraint rules it out
        raise ValueError(f"class series {pattern.pk} has no class type or no capacity")
    span = (times[0][0] - timedelta(days=1), times[-1][1] + timedelta(days=1))
    busy = selectors.trainer_busy(trainer_id=pattern.trainer_id, start=span[0], end=span[1])
    rooms_busy = room_busy(pattern.room, *span)
    no_buffer = slots.SlotRules(duration=timedelta(0), step=timedelta(minutes=5))
    rows, conflicts = [], []
    for start, end in times:
        if slots.overlaps(start, end, busy, no_buffer):
            conflicts.append((start, _("The instructor is busy at this time.")))
            continue
        if slots.overlaps(start, end, rooms_busy, no_buffer):
            conflicts.append((start, _("The room is taken at this time.")))
            continue
        rows.append(
            GroupSession(
                class_type_id=class_type_id,
                instructor_id=pattern.trainer_id,
                room=pattern.room,
                capacity=capacity,
                starts_at=start,
                ends_at=end,
                notes=pattern.notes,
                recurrence=pattern,
                original_starts_at=start,
            )
        )
        busy.append(slots.Busy(start, end))
        rooms_busy.append(slots.Busy(start, end))
    with overlap_refused(session_overlap):
        created = GroupSession.objects.bulk_create(rows)
    return created, conflicts


def room_busy(room: str, start: datetime, end: datetime, exclude_id: int | None = None) -> list[slots.Busy]:
    if not room:
        return []
    rows = (
        GroupSession.objects.filter(
            room=room, status=GroupSession.Status.SCHEDULED, starts_at__lt=end, ends_at__gt=start
        )
        .exclude(pk=exclude_id)  # type: ignore[misc]  # pk=None excludes nothing, as meant
        .values_list("starts_at", "ends_at")
    )
    return [slots.Busy(s, e) for s, e in rows]


def _horizon(pattern: RecurringPattern, now: datetime) -> date:
    today = now.astimezone(ZoneInfo(pattern.timezone)).date()
    limit = today + timedelta(days=selectors.SERIES_HORIZON_DAYS)
    return min(limit, pattern.until) if pattern.until else limit


@transaction.atomic
def appointment_series_create(
    *,
    actor: User,
    trainer_id: int,
    client_id: int,
    appointment_type_id: int,
    rule: RecurrenceRule,
    notes: str = "",
    override: bool = False,
    now: datetime | None = None,
) -> SeriesResult:
    """A recurring 1:1 booking (staff only: owners and managers for any client, a trainer with themself for
    their clients): occurrences made ahead, the ones that clash reported. Each occurrence is paid for as a
    single booking is; with `override` the ones no pass pays for are booked too, each audited as an
    override (the same rule as `appointment_book`'s), now and when the series is extended."""
    require(actor, "scheduling.manage_appointments")
    now = now or timezone.now()
    trainer = trainer_get(trainer_id, for_update=True)
    ensure_acts_for_trainer(actor, trainer)
    client = client_for_actor(actor=actor, client_id=client_id)
    appointment_type = selectors.appointment_type_get(appointment_type_id=appointment_type_id, trainer_id=trainer.pk)
    pattern = pattern_from_rule(
        rule,
        kind=RecurringPattern.Kind.APPOINTMENT,
        duration_minutes=appointment_type.duration_minutes,
        trainer=trainer,
        client=client,
        appointment_type=appointment_type,
        notes=notes,
        entitlement_override=override,
        created_by=actor,
    )
    return series_start(pattern, actor=actor, now=now)


def series_start(pattern: RecurringPattern, *, actor: User, now: datetime) -> SeriesResult:
    result = _generate(pattern, until=_horizon(pattern, now), now=now)
    audit_record(
        actor=actor,
        action=(
            AuditAction.APPOINTMENT_SERIES_CREATE
            if pattern.kind == RecurringPattern.Kind.APPOINTMENT
            else AuditAction.CLASS_SERIES_CREATE
        ),
        target=pattern,
        created=len(result.created),
        conflicts=len(result.conflicts),
        override=pattern.entitlement_override,
    )
    return result


@transaction.atomic
def recurrence_extend(*, pattern_id: int, now: datetime | None = None) -> SeriesResult:
    """Keep a series' occurrences made SERIES_HORIZON_DAYS ahead (the daily beat task calls this)."""
    now = now or timezone.now()
    pattern = (
        RecurringPattern.objects.select_for_update(of=("self",)).select_related("appointment_type").get(pk=pattern_id)
    )
    return _generate(pattern, until=_horizon(pattern, now), now=now)


def series_split_and_move(
    *, appointment: Appointment, new_start: datetime, text_changes: dict[str, str], actor: User, now: datetime
) -> SeriesResult:
    """This and following: the old series ends the day before; a new one (shifted) takes the rest.

    Every following live occurrence moves by the same wall-clock change (days and time of day); one that
    would clash keeps its time, is marked as an exception and is reported.
    """
    old = RecurringPattern.objects.select_for_update().get(pk=appointment.recurrence_id)  # type: ignore[misc]  # callers pass a series' appointment
    zone = ZoneInfo(old.timezone)
    pivot = appointment.original_starts_at or appointment.starts_at
    old_local = appointment.starts_at.astimezone(zone)
    new_local = new_start.astimezone(zone)
    day_shift = (new_local.date() - old_local.date()).days
    pivot_day = pivot.astimezone(zone).date()
    before = len(occurrence_dates(old, old.starts_on, pivot_day - timedelta(days=1))) if old.count else 0
    new_pattern = RecurringPattern.objects.create(
        kind=old.kind,
        frequency=old.frequency,
        interval=old.interval,
        weekdays=sorted({(d + day_shift) % 7 for d in old.weekdays}),
        starts_on=pivot_day + timedelta(days=day_shift),
        start_time=new_local.time().replace(tzinfo=None),
        duration_minutes=old.duration_minutes,
        timezone=old.timezone,
        until=old.until + timedelta(days=day_shift) if old.until else None,
        count=max(1, old.count - before) if old.count else None,
        excluded_dates=[d + timedelta(days=day_shift) for d in old.excluded_dates if d >= pivot_day],
        generated_until=old.generated_until + timedelta(days=day_shift) if old.generated_until else None,
        trainer_id=old.trainer_id,
        client_id=old.client_id,
        appointment_type_id=old.appointment_type_id,
        notes=text_changes.get("notes", old.notes),
        entitlement_override=old.entitlement_override,
        created_by=actor,
    )
    pattern_end_before(old, pivot)
    following = list(
        Appointment.objects.select_for_update()
        .filter(recurrence=old, starts_at__gte=appointment.starts_at)
        .exclude(pk=appointment.pk)
        .order_by("starts_at")
    )
    result = SeriesResult(pattern=new_pattern)
    moving = [appointment] + [a for a in following if a.status in Appointment.LIVE and not a.is_exception]
    moving_ids = tuple(a.pk for a in moving)
    conflicts: list[tuple[datetime, str]] = []
    for item in [appointment, *following]:
        item.recurrence = new_pattern
        for name, value in text_changes.items():
            setattr(item, name, value)
        if item.pk not in moving_ids:
            item.original_starts_at = _shifted(item.original_starts_at or item.starts_at, zone, day_shift, None)
            continue
        target = _shifted(item.starts_at, zone, day_shift, new_local.time())
        item.original_starts_at = target
        duration = item.ends_at - item.starts_at
        rules = slots.SlotRules(
            duration=duration,
            step=duration,
            buffer_before=timedelta(minutes=item.buffer_before_minutes),
            buffer_after=timedelta(minutes=item.buffer_after_minutes),
        )
        clash = trainer_conflict(
            trainer_id=item.trainer_id,
            start=target,
            end=target + duration,
            rules=rules,
            exclude_appointment_ids=moving_ids,
        )
        if clash or target < now:
            item.is_exception = True
            conflicts.append((target, _("The trainer is already booked at this time.")))
            continue
        item.starts_at, item.ends_at = target, target + duration
        result.moved.append(item)
    # Free every old slot before taking new ones, so a shift by less than a session never hits itself.
    Appointment.objects.filter(pk__in=[a.pk for a in result.moved]).update(
        status=Appointment.Status.CANCELLED, cancelled_at=now
    )
    with overlap_refused(slot_taken):
        for item in [appointment, *following]:
            item.save()
    for item in result.moved:
        commerce_hooks.appointment_moved(item)
        reminders_cancel(appointment=item)
        if item.status == Appointment.Status.CONFIRMED:
            reminders_schedule(starts_at=item.starts_at, recipient=item.client, appointment=item, now=now)
    result.conflicts = _record_conflicts(new_pattern, conflicts)
    audit_record(
        actor=actor,
        action=AuditAction.APPOINTMENT_MOVE_FOLLOWING,
        target=appointment,
        moved=len(result.moved),
        conflicts=len(conflicts),
        new_pattern=new_pattern.pk,
    )
    return result


def _shifted(moment: datetime, zone: Any, day_shift: int, new_time: time | None) -> datetime:
    local = moment.astimezone(zone)
    day = local.date() + timedelta(days=day_shift)
    return slots.local_to_utc(day, new_time or local.time().replace(tzinfo=None), zone)
