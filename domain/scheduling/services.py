"""Writes to the schedule. Every booking path locks what it races on and lets the database have the last word.

- 1:1 appointments lock the trainer's row (FOR NO KEY UPDATE) so buffer and class checks are exact; the
  exclusion constraint `appointment_no_trainer_overlap` refuses an overlap whatever happens, and that
  refusal is turned into a clean 409.
- Class registrations lock the class row; `seats_taken <= capacity` is a check constraint, and the
  waitlist position is assigned under the same lock, so the order is the order of arrival.
- Reminder rows are written with the booking and cancelled with it, in the same transaction.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from dateutil import rrule
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.exceptions import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from core.models import User
from domain.notifications.channels import CHANNEL_NAMES, DeliveryError, Message, channel_get
from domain.scheduling import selectors, slots
from domain.scheduling.access import (
    client_get,
    ensure_acts_for_client,
    ensure_acts_for_trainer,
    is_manager,
    is_staff_member,
    studio_timezone_name,
    trainer_get,
)
from domain.scheduling.models import (
    Appointment,
    AppointmentReminder,
    AppointmentType,
    AvailabilityException,
    CalendarFeed,
    ClassType,
    GroupSession,
    RecurrenceConflict,
    RecurringPattern,
    SchedulingPolicy,
    SessionParticipant,
    TrainerAvailability,
)

MAX_SERIES_OCCURRENCES = 500
REMINDER_MAX_ATTEMPTS = 5
EXCLUSION_VIOLATION = "23P01"


def _is_exclusion_violation(exc: IntegrityError) -> bool:
    cause = exc.__cause__
    return (
        getattr(cause, "sqlstate", None) == EXCLUSION_VIOLATION
        or getattr(getattr(cause, "diag", None), "sqlstate", None) == EXCLUSION_VIOLATION
    )


def _slot_taken() -> ConflictError:
    return ConflictError(_("That time is no longer available. Please choose another slot."), code="slot_taken")


# --- Policy ------------------------------------------------------------------------------------


@transaction.atomic
def scheduling_policy_update(
    *,
    actor: User,
    late_cancel_window_minutes: int | None = None,
    reminder_offsets_minutes: list[int] | None = None,
    reminder_channels: list[str] | None = None,
) -> SchedulingPolicy:
    if not is_manager(actor):
        raise PermissionDeniedError(_("Only owners and managers change the studio's policy."))
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
        raise ValidationError(" ".join(fields.values()), code="policy_invalid", fields=fields)
    policy.save()
    audit_record(
        actor=actor,
        action="scheduling.policy_update",
        target=policy,
        late_cancel_window_minutes=policy.late_cancel_window_minutes,
        reminder_offsets_minutes=policy.reminder_offsets_minutes,
        reminder_channels=policy.reminder_channels,
    )
    return policy


# --- Appointment types and availability -----------------------------------------------------------

APPOINTMENT_TYPE_FIELDS = (
    "name",
    "description",
    "duration_minutes",
    "location",
    "online_link",
    "price_amount",
    "price_currency",
    "buffer_before_minutes",
    "buffer_after_minutes",
    "min_notice_minutes",
    "max_advance_days",
    "slot_step_minutes",
    "requires_confirmation",
    "is_active",
)


def _check_appointment_type(appointment_type: AppointmentType) -> None:
    fields: dict[str, str] = {}
    if not appointment_type.name.strip():
        fields["name"] = _("Give the type a name.")
    if not 5 <= appointment_type.duration_minutes <= 24 * 60:
        fields["duration_minutes"] = _("A session lasts between 5 minutes and 24 hours.")
    if not 5 <= appointment_type.slot_step_minutes <= 24 * 60:
        fields["slot_step_minutes"] = _("Start times are 5 minutes to 24 hours apart.")
    if len(appointment_type.price_currency) != 3 or not appointment_type.price_currency.isupper():
        fields["price_currency"] = _("Use a three-letter ISO currency code.")
    if appointment_type.max_advance_days > 730:
        fields["max_advance_days"] = _("Bookings open at most two years ahead.")
    if fields:
        raise ValidationError(" ".join(fields.values()), code="appointment_type_invalid", fields=fields)


@transaction.atomic
def appointment_type_create(*, actor: User, trainer_id: int | None = None, **values: Any) -> AppointmentType:
    """A bookable type; with a trainer it is theirs, without one every trainer offers it (managers only)."""
    if trainer_id is None:
        if not is_manager(actor):
            raise PermissionDeniedError(_("Only owners and managers create studio-wide types."))
    else:
        ensure_acts_for_trainer(actor, trainer_get(trainer_id))
    unknown = set(values) - set(APPOINTMENT_TYPE_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s.") % {"f": ", ".join(sorted(unknown))}, code="unknown_fields")
    appointment_type = AppointmentType(trainer_id=trainer_id, **values)
    _check_appointment_type(appointment_type)
    appointment_type.save()
    return appointment_type


@transaction.atomic
def appointment_type_update(*, actor: User, appointment_type_id: int, **changes: Any) -> AppointmentType:
    appointment_type = AppointmentType.objects.select_for_update().filter(pk=appointment_type_id).first()
    if appointment_type is None:
        raise NotFoundError(_("No such appointment type."), code="appointment_type_not_found")
    if appointment_type.trainer_id is None:
        if not is_manager(actor):
            raise PermissionDeniedError(_("Only owners and managers change studio-wide types."))
    else:
        ensure_acts_for_trainer(actor, appointment_type.trainer)
    for name, value in changes.items():
        if name not in APPOINTMENT_TYPE_FIELDS:
            raise ValidationError(_("Unknown field: %(f)s.") % {"f": name}, code="unknown_fields")
        setattr(appointment_type, name, value)
    _check_appointment_type(appointment_type)
    appointment_type.save()
    return appointment_type


@dataclass(frozen=True)
class WeeklyHours:
    weekday: int
    start_time: time
    end_time: time
    valid_from: date | None = None
    valid_until: date | None = None


@transaction.atomic
def availability_set(*, actor: User, trainer_id: int, hours: Iterable[WeeklyHours]) -> list[TrainerAvailability]:
    """Replace the trainer's weekly working hours (several ranges a day allowed, none overlapping)."""
    trainer = trainer_get(trainer_id, for_update=True)
    ensure_acts_for_trainer(actor, trainer)
    hours = sorted(hours, key=lambda h: (h.weekday, h.start_time))
    for index, item in enumerate(hours):
        field_name = f"hours.{index}"
        if not 0 <= item.weekday <= 6:
            raise ValidationError(
                _("Weekdays go from 0 (Monday) to 6 (Sunday)."),
                code="weekday_invalid",
                fields={field_name: _("Invalid weekday.")},
            )
        if item.start_time >= item.end_time:
            raise ValidationError(
                _("Each range must end after it starts."),
                code="range_invalid",
                fields={field_name: _("End after start.")},
            )
        if item.valid_from and item.valid_until and item.valid_from > item.valid_until:
            raise ValidationError(
                _("“Valid from” must not be after “valid until”."),
                code="validity_invalid",
                fields={field_name: _("Validity reversed.")},
            )
        previous = hours[index - 1] if index else None
        if (
            previous
            and previous.weekday == item.weekday
            and previous.end_time > item.start_time
            and _validity_overlaps(previous, item)
        ):
            raise ValidationError(
                _("Two ranges on the same day overlap."),
                code="ranges_overlap",
                fields={field_name: _("Overlaps the previous range.")},
            )
    TrainerAvailability.objects.filter(trainer=trainer).delete()
    return TrainerAvailability.objects.bulk_create(
        TrainerAvailability(
            trainer=trainer,
            weekday=h.weekday,
            start_time=h.start_time,
            end_time=h.end_time,
            valid_from=h.valid_from,
            valid_until=h.valid_until,
        )
        for h in hours
    )


def _validity_overlaps(a: WeeklyHours, b: WeeklyHours) -> bool:
    return (a.valid_until is None or b.valid_from is None or b.valid_from <= a.valid_until) and (
        b.valid_until is None or a.valid_from is None or a.valid_from <= b.valid_until
    )


@transaction.atomic
def availability_exception_add(
    *,
    actor: User,
    trainer_id: int,
    day: date,
    kind: str,
    start_time: time | None = None,
    end_time: time | None = None,
    note: str = "",
) -> AvailabilityException:
    """Time off (a whole day, or a range) or extra hours on one date."""
    trainer = trainer_get(trainer_id, for_update=True)
    ensure_acts_for_trainer(actor, trainer)
    if kind not in AvailabilityException.Kind.values:
        raise ValidationError(
            _("Choose time off or extra hours."), code="exception_kind_invalid", fields={"kind": _("off or extra")}
        )
    if (start_time is None) != (end_time is None) or (kind == AvailabilityException.Kind.EXTRA and start_time is None):
        raise ValidationError(
            _("Give both a start and an end time."),
            code="exception_times_missing",
            fields={"start_time": _("Required with an end time.")},
        )
    if start_time is not None and end_time is not None and start_time >= end_time:
        raise ValidationError(
            _("The end must be after the start."), code="range_invalid", fields={"end_time": _("End after start.")}
        )
    return AvailabilityException.objects.create(
        trainer=trainer, date=day, kind=kind, start_time=start_time, end_time=end_time, note=note[:200]
    )


@transaction.atomic
def availability_exception_remove(*, actor: User, exception_id: int) -> None:
    exception = AvailabilityException.objects.select_related("trainer").filter(pk=exception_id).first()
    if exception is None:
        raise NotFoundError(_("No such exception."), code="exception_not_found")
    ensure_acts_for_trainer(actor, exception.trainer)
    exception.delete()


# --- Reminders (rows written with the booking) ----------------------------------------------------


def _reminders_schedule(
    *,
    starts_at: datetime,
    recipient: User,
    appointment: Appointment | None = None,
    participant: SessionParticipant | None = None,
    now: datetime | None = None,
) -> list[AppointmentReminder]:
    """One reminder per configured offset and channel, for the ones still in the future."""
    now = now or timezone.now()
    policy = selectors.policy_get()
    rows = [
        AppointmentReminder(
            appointment=appointment,
            participant=participant,
            recipient=recipient,
            channel=channel,
            offset_minutes=offset,
            send_at=starts_at - timedelta(minutes=offset),
        )
        for offset in policy.reminder_offsets_minutes
        for channel in policy.reminder_channels
        if starts_at - timedelta(minutes=offset) > now
    ]
    return AppointmentReminder.objects.bulk_create(rows)


def _reminders_cancel(**booking: Any) -> int:
    return AppointmentReminder.objects.filter(status=AppointmentReminder.Status.SCHEDULED, **booking).update(
        status=AppointmentReminder.Status.CANCELLED
    )


class ReminderOutcome(StrEnum):
    SENT = "sent"
    SKIPPED = "skipped"  # already handled, locked by another worker, not due yet, or booking cancelled
    RETRY = "retry"
    FAILED = "failed"


@transaction.atomic
def reminder_send(*, reminder_id: int, now: datetime | None = None) -> ReminderOutcome:
    """Send one reminder at most once.

    The row is locked (SKIP LOCKED: a duplicate delivery of the task returns at once) and moves from
    `scheduled` to `sent` in the transaction that sends it. If the worker dies mid-way the transaction
    rolls back with the connection, the row is `scheduled` again and the retried task sends it; once
    committed as `sent`, every later delivery of the task is a no-op.
    """
    now = now or timezone.now()
    reminder = (
        AppointmentReminder.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("recipient", "appointment", "participant")
        .filter(pk=reminder_id)
        .first()
    )
    if reminder is None or reminder.status != AppointmentReminder.Status.SCHEDULED or reminder.send_at > now:
        return ReminderOutcome.SKIPPED
    if not _booking_still_live(reminder, now):
        reminder.status = AppointmentReminder.Status.CANCELLED
        reminder.save(update_fields=["status"])
        return ReminderOutcome.SKIPPED
    reminder.attempts += 1
    channel = channel_get(reminder.channel)
    try:
        if not channel.can_reach(reminder.recipient):
            raise DeliveryError("The recipient cannot be reached on this channel.", permanent=True)
        channel.send(_reminder_message(reminder))
    except DeliveryError as exc:
        reminder.last_error = str(exc)[:500]
        give_up = exc.permanent or reminder.attempts >= REMINDER_MAX_ATTEMPTS
        if give_up:
            reminder.status = AppointmentReminder.Status.FAILED
        reminder.save(update_fields=["attempts", "last_error", "status"])
        return ReminderOutcome.FAILED if give_up else ReminderOutcome.RETRY
    reminder.status = AppointmentReminder.Status.SENT
    reminder.sent_at = now
    reminder.save(update_fields=["attempts", "status", "sent_at", "last_error"])
    return ReminderOutcome.SENT


def _booking_still_live(reminder: AppointmentReminder, now: datetime) -> bool:
    """Still booked and not started (a reminder found late, after an outage, is dropped, not sent)."""
    if reminder.appointment_id:
        return reminder.appointment.status in Appointment.LIVE and reminder.appointment.starts_at > now
    participant = reminder.participant
    return (
        participant.status == SessionParticipant.Status.BOOKED
        and GroupSession.objects.filter(
            pk=participant.session_id, status=GroupSession.Status.SCHEDULED, starts_at__gt=now
        ).exists()
    )


def _reminder_message(reminder: AppointmentReminder) -> Message:
    from django.db import connection

    if reminder.appointment_id:
        appointment = Appointment.objects.select_related("trainer", "appointment_type").get(pk=reminder.appointment_id)
        what = appointment.appointment_type.name
        starts_at, with_whom = appointment.starts_at, appointment.trainer.full_name
        where = appointment.location or appointment.online_link
    else:
        session = GroupSession.objects.select_related("class_type", "instructor").get(
            pk=reminder.participant.session_id
        )
        what, starts_at, with_whom, where = (
            session.class_type.name,
            session.starts_at,
            session.instructor.full_name,
            session.room,
        )
    studio = getattr(connection, "tenant", None)
    context = {
        "person": reminder.recipient,
        "what": what,
        "with_whom": with_whom,
        "where": where,
        "starts_at": timezone.localtime(starts_at, selectors.studio_zone()),
        "studio_name": getattr(studio, "name", ""),
    }
    with translation.override(getattr(studio, "locale", None) or "en"):
        subject = render_to_string("emails/scheduling/reminder_subject.txt", context).strip()
        text = render_to_string("emails/scheduling/reminder.txt", context)
    schema = getattr(connection, "schema_name", "public")
    return Message(
        recipient=reminder.recipient, subject=subject, text=text, idempotency_key=f"reminder-{schema}-{reminder.pk}"
    )


def notify_waitlist_promotion(*, participant_id: int) -> bool:
    """Tell a client their waitlist place became a seat (runs after the promotion committed)."""
    from django.db import connection

    participant = (
        SessionParticipant.objects.select_related("client", "session__class_type", "session__instructor")
        .filter(pk=participant_id, status=SessionParticipant.Status.BOOKED)
        .first()
    )
    if participant is None:
        return False
    session = participant.session
    studio = getattr(connection, "tenant", None)
    context = {
        "person": participant.client,
        "what": session.class_type.name,
        "with_whom": session.instructor.full_name,
        "where": session.room,
        "starts_at": timezone.localtime(session.starts_at, selectors.studio_zone()),
        "studio_name": getattr(studio, "name", ""),
    }
    with translation.override(getattr(studio, "locale", None) or "en"):
        subject = render_to_string("emails/scheduling/promoted_subject.txt", context).strip()
        text = render_to_string("emails/scheduling/promoted.txt", context)
    key = f"promoted-{getattr(connection, 'schema_name', 'public')}-{participant.pk}"
    channel_get("email").send(Message(recipient=participant.client, subject=subject, text=text, idempotency_key=key))
    return True


# --- Appointments ---------------------------------------------------------------------------------


def _aware(value: datetime) -> datetime:
    """Datetimes without an offset mean the studio's local time."""
    if timezone.is_naive(value):
        return slots.local_to_utc(value.date(), value.time(), selectors.studio_zone())
    return value.astimezone(UTC)


def _trainer_conflict(
    *,
    trainer_id: int,
    start: datetime,
    end: datetime,
    rules: slots.SlotRules,
    exclude_appointment_ids: tuple[int, ...] = (),
    exclude_session_ids: tuple[int, ...] = (),
) -> slots.Busy | None:
    margin = timedelta(days=1)
    busy = selectors.trainer_busy(
        trainer_id=trainer_id,
        start=start - margin,
        end=end + margin,
        exclude_appointment_ids=exclude_appointment_ids,
        exclude_session_ids=exclude_session_ids,
    )
    return slots.overlaps(start, end, busy, rules)


def _check_client_slot(*, trainer_id: int, appointment_type: AppointmentType, start: datetime, now: datetime) -> None:
    """A client books only what the slot finder offers: inside working hours, notice and horizon."""
    earliest, latest = selectors.booking_window(appointment_type, now)
    if start < earliest:
        raise ValidationError(
            _("This session needs to be booked at least %(h)s in advance.")
            % {"h": _format_minutes(appointment_type.min_notice_minutes)},
            code="too_short_notice",
        )
    if start > latest:
        raise ValidationError(
            _("Bookings open %(d)d days ahead.") % {"d": appointment_type.max_advance_days}, code="too_far_ahead"
        )
    zone = selectors.studio_zone()
    local_day = start.astimezone(zone).date()
    end = start + timedelta(minutes=appointment_type.duration_minutes)
    windows = slots.working_windows(
        tz=zone,
        start_date=local_day - timedelta(days=1),
        end_date=local_day + timedelta(days=1),
        weekly=selectors._weekly_ranges(trainer_id),
        exceptions=selectors._day_exceptions(trainer_id, local_day - timedelta(days=1), local_day + timedelta(days=1)),
    )
    if not slots.fits_windows(start, end, windows):
        raise ValidationError(_("The trainer is not available at that time."), code="outside_availability")


def _format_minutes(minutes: int) -> str:
    if minutes % 60 == 0:
        hours = minutes // 60
        return translation.ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
    return translation.ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}


@transaction.atomic
def appointment_book(
    *,
    actor: User,
    trainer_id: int,
    client_id: int,
    appointment_type_id: int,
    starts_at: datetime,
    notes: str = "",
    now: datetime | None = None,
) -> Appointment:
    """Book a 1:1 session: one booking or a 409, never two overlapping sessions of one trainer.

    A client books an offered slot for themselves (requested if the type needs the trainer's
    confirmation, else confirmed); staff may book outside working hours but never over other bookings.
    """
    now = now or timezone.now()
    client = client_get(client_id)
    ensure_acts_for_client(actor, client)
    trainer = trainer_get(trainer_id, for_update=True)
    if is_staff_member(actor) and not is_manager(actor) and actor.pk != trainer.pk:
        raise PermissionDeniedError(_("You can only book sessions with yourself."), code="not_your_schedule")
    appointment_type = selectors.appointment_type_get(appointment_type_id=appointment_type_id, trainer_id=trainer.pk)
    start = _aware(starts_at)
    end = start + timedelta(minutes=appointment_type.duration_minutes)
    booked_by_client = not is_staff_member(actor)
    if booked_by_client:
        _check_client_slot(trainer_id=trainer.pk, appointment_type=appointment_type, start=start, now=now)
    elif start < now:
        raise ValidationError(_("This time is in the past."), code="in_the_past")
    if _trainer_conflict(trainer_id=trainer.pk, start=start, end=end, rules=selectors.slot_rules(appointment_type)):
        raise _slot_taken()
    status = (
        Appointment.Status.REQUESTED
        if booked_by_client and appointment_type.requires_confirmation
        else Appointment.Status.CONFIRMED
    )
    appointment = _appointment_insert(
        Appointment(
            trainer=trainer,
            client=client,
            appointment_type=appointment_type,
            starts_at=start,
            ends_at=end,
            buffer_before_minutes=appointment_type.buffer_before_minutes,
            buffer_after_minutes=appointment_type.buffer_after_minutes,
            status=status,
            location=appointment_type.location,
            online_link=appointment_type.online_link,
            notes=notes,
            created_by=actor,
            confirmed_at=now if status == Appointment.Status.CONFIRMED else None,
        )
    )
    if status == Appointment.Status.CONFIRMED:
        _reminders_schedule(starts_at=start, recipient=client, appointment=appointment, now=now)
    audit_record(actor=actor, action="appointment.book", target=appointment, status=status)
    return appointment


def _appointment_insert(appointment: Appointment) -> Appointment:
    """Insert, turning the exclusion constraint's refusal into the same 409 the service check gives."""
    try:
        with transaction.atomic():
            appointment.save()
    except IntegrityError as exc:
        if _is_exclusion_violation(exc):
            raise _slot_taken() from exc
        raise
    return appointment


def _appointment_for_update(appointment_id: int) -> Appointment:
    appointment = (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("trainer", "client", "appointment_type")
        .filter(pk=appointment_id)
        .first()
    )
    if appointment is None:
        raise NotFoundError(_("No such appointment."), code="appointment_not_found")
    return appointment


def _ensure_can_manage_appointment(actor: User, appointment: Appointment) -> None:
    if appointment.client_id == actor.pk and not is_staff_member(actor):
        raise PermissionDeniedError(_("Ask your trainer to change this appointment."), code="trainer_only")
    if not (is_manager(actor) or appointment.trainer_id == actor.pk):
        raise NotFoundError(_("No such appointment."), code="appointment_not_found")


def _ensure_can_see_appointment(actor: User, appointment: Appointment) -> None:
    if not (is_manager(actor) or actor.pk in (appointment.trainer_id, appointment.client_id)):
        raise NotFoundError(_("No such appointment."), code="appointment_not_found")


@transaction.atomic
def appointment_confirm(*, actor: User, appointment_id: int, now: datetime | None = None) -> Appointment:
    now = now or timezone.now()
    appointment = _appointment_for_update(appointment_id)
    _ensure_can_manage_appointment(actor, appointment)
    if appointment.status == Appointment.Status.CONFIRMED:
        return appointment
    if appointment.status != Appointment.Status.REQUESTED:
        raise ConflictError(_("Only a requested appointment can be confirmed."), code="not_requested")
    appointment.status = Appointment.Status.CONFIRMED
    appointment.confirmed_at = now
    appointment.save(update_fields=["status", "confirmed_at", "updated_at"])
    _reminders_schedule(starts_at=appointment.starts_at, recipient=appointment.client, appointment=appointment, now=now)
    audit_record(actor=actor, action="appointment.confirm", target=appointment)
    return appointment


class Scope(StrEnum):
    THIS = "this"
    FOLLOWING = "following"


def _late(starts_at: datetime, now: datetime) -> bool:
    window = timedelta(minutes=selectors.policy_get().late_cancel_window_minutes)
    return starts_at - now < window


def _cancel_one(appointment: Appointment, *, actor: User, reason: str, now: datetime) -> None:
    appointment.status = Appointment.Status.CANCELLED
    appointment.cancelled_at = now
    appointment.cancelled_by = actor
    appointment.cancellation_reason = reason[:500]
    # A late cancellation is the client's (fees come with billing); a trainer's cancellation never is.
    appointment.is_late_cancellation = actor.pk == appointment.client_id and _late(appointment.starts_at, now)
    appointment.save(
        update_fields=[
            "status",
            "cancelled_at",
            "cancelled_by",
            "cancellation_reason",
            "is_late_cancellation",
            "updated_at",
        ]
    )
    _reminders_cancel(appointment=appointment)
    audit_record(actor=actor, action="appointment.cancel", target=appointment, late=appointment.is_late_cancellation)


@transaction.atomic
def appointment_cancel(
    *, actor: User, appointment_id: int, reason: str = "", scope: str = Scope.THIS, now: datetime | None = None
) -> list[Appointment]:
    """Cancel one appointment, or it and the rest of its series; returns what was cancelled.

    Inside the studio's late-cancellation window a client's cancellation is marked late.
    """
    now = now or timezone.now()
    appointment = _appointment_for_update(appointment_id)
    _ensure_can_see_appointment(actor, appointment)
    if appointment.status not in Appointment.LIVE:
        raise ConflictError(_("This appointment is not open any more."), code="not_cancellable")
    if appointment.starts_at <= now:
        raise ConflictError(_("This appointment has already started."), code="already_started")
    if scope == Scope.THIS:
        _cancel_one(appointment, actor=actor, reason=reason, now=now)
        return [appointment]
    if scope != Scope.FOLLOWING or appointment.recurrence_id is None:
        raise ValidationError(
            _("Only a recurring appointment can be cancelled with the following ones."),
            code="scope_invalid",
            fields={"scope": _("Use “this”.")},
        )
    pattern = RecurringPattern.objects.select_for_update().get(pk=appointment.recurrence_id)
    _pattern_end_before(pattern, appointment.original_starts_at or appointment.starts_at)
    following = list(
        Appointment.objects.select_for_update()
        .filter(recurrence=pattern, status__in=Appointment.LIVE, starts_at__gte=appointment.starts_at)
        .order_by("starts_at")
    )
    for item in following:
        _cancel_one(item, actor=actor, reason=reason, now=now)
    return following


def _pattern_end_before(pattern: RecurringPattern, occurrence_start: datetime) -> None:
    """Stop a series before an occurrence, so the generator never makes it or anything after it."""
    zone = _zone(pattern.timezone)
    last_day = occurrence_start.astimezone(zone).date() - timedelta(days=1)
    pattern.until = min(pattern.until, last_day) if pattern.until else last_day
    pattern.save(update_fields=["until", "updated_at"])


def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


@transaction.atomic
def appointment_mark_attendance(
    *, actor: User, appointment_id: int, attended: bool, now: datetime | None = None
) -> Appointment:
    """Completed or no-show, recorded by the trainer once the session has started."""
    now = now or timezone.now()
    appointment = _appointment_for_update(appointment_id)
    _ensure_can_manage_appointment(actor, appointment)
    if appointment.status == Appointment.Status.CANCELLED:
        raise ConflictError(_("This appointment was cancelled."), code="cancelled")
    if appointment.starts_at > now:
        raise ConflictError(_("Attendance is recorded once the session has started."), code="not_started")
    appointment.status = Appointment.Status.COMPLETED if attended else Appointment.Status.NO_SHOW
    appointment.attendance_marked_at = now
    appointment.save(update_fields=["status", "attendance_marked_at", "updated_at"])
    _reminders_cancel(appointment=appointment)
    audit_record(actor=actor, action="appointment.attendance", target=appointment, status=appointment.status)
    return appointment


@dataclass
class SeriesResult:
    pattern: RecurringPattern
    created: list[Any] = field(default_factory=list)
    conflicts: list[RecurrenceConflict] = field(default_factory=list)
    moved: list[Any] = field(default_factory=list)


@transaction.atomic
def appointment_update(
    *,
    actor: User,
    appointment_id: int,
    starts_at: datetime | None = None,
    notes: str | None = None,
    location: str | None = None,
    online_link: str | None = None,
    scope: str = Scope.THIS,
    now: datetime | None = None,
) -> SeriesResult | Appointment:
    """Move or edit one appointment, or it and the rest of its series (the series is split there)."""
    now = now or timezone.now()
    appointment = _appointment_for_update(appointment_id)
    _ensure_can_manage_appointment(actor, appointment)
    if appointment.status not in Appointment.LIVE:
        raise ConflictError(_("Only an upcoming appointment can be changed."), code="not_editable")
    trainer_get(appointment.trainer_id, for_update=True)
    new_start = _aware(starts_at) if starts_at is not None else appointment.starts_at
    if starts_at is not None and new_start < now:
        raise ValidationError(_("This time is in the past."), code="in_the_past")
    text_changes = {
        name: value
        for name, value in (("notes", notes), ("location", location), ("online_link", online_link))
        if value is not None
    }
    if scope == Scope.FOLLOWING:
        if appointment.recurrence_id is None:
            raise ValidationError(
                _("Only a recurring appointment can be changed with the following ones."),
                code="scope_invalid",
                fields={"scope": _("Use “this”.")},
            )
        return _series_split_and_move(
            appointment=appointment, new_start=new_start, text_changes=text_changes, actor=actor, now=now
        )
    if scope != Scope.THIS:
        raise ValidationError(_("Scope is “this” or “following”."), code="scope_invalid")
    for name, value in text_changes.items():
        setattr(appointment, name, value)
    if new_start != appointment.starts_at:
        audit_record(
            actor=actor,
            action="appointment.move",
            target=appointment,
            before=appointment.starts_at.isoformat(),
            after=new_start.isoformat(),
        )
        _move(appointment, new_start, now=now)
        appointment.is_exception = appointment.recurrence_id is not None
    try:
        with transaction.atomic():
            appointment.save()
    except IntegrityError as exc:
        if _is_exclusion_violation(exc):
            raise _slot_taken() from exc
        raise
    return appointment


def _move(appointment: Appointment, new_start: datetime, *, now: datetime) -> None:
    duration = appointment.ends_at - appointment.starts_at
    rules = slots.SlotRules(
        duration=duration,
        step=duration,
        buffer_before=timedelta(minutes=appointment.buffer_before_minutes),
        buffer_after=timedelta(minutes=appointment.buffer_after_minutes),
    )
    if _trainer_conflict(
        trainer_id=appointment.trainer_id,
        start=new_start,
        end=new_start + duration,
        rules=rules,
        exclude_appointment_ids=(appointment.pk,),
    ):
        raise _slot_taken()
    appointment.starts_at, appointment.ends_at = new_start, new_start + duration
    _reminders_cancel(appointment=appointment)
    if appointment.status == Appointment.Status.CONFIRMED:
        _reminders_schedule(starts_at=new_start, recipient=appointment.client, appointment=appointment, now=now)


# --- Recurrence -------------------------------------------------------------------------------------


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
        raise ValidationError(" ".join(fields.values()), code="recurrence_invalid", fields=fields)


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
    zone = _zone(pattern.timezone)
    duration = timedelta(minutes=pattern.duration_minutes)
    result = []
    for day in occurrence_dates(pattern, start, end):
        begins = slots.local_to_utc(day, pattern.start_time, zone)
        result.append((begins, begins + duration))
    return result


def _pattern_from_rule(rule: RecurrenceRule, **template: Any) -> RecurringPattern:
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
    appointment_type = pattern.appointment_type
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
                client_id=pattern.client_id,
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
    try:
        with transaction.atomic():
            created = Appointment.objects.bulk_create(rows)
    except IntegrityError as exc:
        if _is_exclusion_violation(exc):
            raise _slot_taken() from exc
        raise
    client = User.objects.get(pk=pattern.client_id)
    for appointment in created:
        _reminders_schedule(starts_at=appointment.starts_at, recipient=client, appointment=appointment, now=now)
    return created, conflicts


def _generate_sessions(
    pattern: RecurringPattern, times: list[tuple[datetime, datetime]]
) -> tuple[list[GroupSession], list[tuple[datetime, str]]]:
    if not times:
        return [], []
    trainer_get(pattern.trainer_id, for_update=True)
    span = (times[0][0] - timedelta(days=1), times[-1][1] + timedelta(days=1))
    busy = selectors.trainer_busy(trainer_id=pattern.trainer_id, start=span[0], end=span[1])
    room_busy = _room_busy(pattern.room, *span)
    no_buffer = slots.SlotRules(duration=timedelta(0), step=timedelta(minutes=5))
    rows, conflicts = [], []
    for start, end in times:
        if slots.overlaps(start, end, busy, no_buffer):
            conflicts.append((start, _("The instructor is busy at this time.")))
            continue
        if slots.overlaps(start, end, room_busy, no_buffer):
            conflicts.append((start, _("The room is taken at this time.")))
            continue
        rows.append(
            GroupSession(
                class_type_id=pattern.class_type_id,
                instructor_id=pattern.trainer_id,
                room=pattern.room,
                capacity=pattern.capacity,
                starts_at=start,
                ends_at=end,
                notes=pattern.notes,
                recurrence=pattern,
                original_starts_at=start,
            )
        )
        busy.append(slots.Busy(start, end))
        room_busy.append(slots.Busy(start, end))
    try:
        with transaction.atomic():
            created = GroupSession.objects.bulk_create(rows)
    except IntegrityError as exc:
        if _is_exclusion_violation(exc):
            raise ConflictError(_("The instructor or room is already booked."), code="session_overlap") from exc
        raise
    return created, conflicts


def _room_busy(room: str, start: datetime, end: datetime, exclude_id: int | None = None) -> list[slots.Busy]:
    if not room:
        return []
    rows = (
        GroupSession.objects.filter(
            room=room, status=GroupSession.Status.SCHEDULED, starts_at__lt=end, ends_at__gt=start
        )
        .exclude(pk=exclude_id)
        .values_list("starts_at", "ends_at")
    )
    return [slots.Busy(s, e) for s, e in rows]


def _horizon(pattern: RecurringPattern, now: datetime) -> date:
    today = now.astimezone(_zone(pattern.timezone)).date()
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
    now: datetime | None = None,
) -> SeriesResult:
    """A recurring 1:1 booking (staff only): occurrences made ahead, the ones that clash reported."""
    now = now or timezone.now()
    trainer = trainer_get(trainer_id, for_update=True)
    ensure_acts_for_trainer(actor, trainer)
    client = client_get(client_id)
    appointment_type = selectors.appointment_type_get(appointment_type_id=appointment_type_id, trainer_id=trainer.pk)
    pattern = _pattern_from_rule(
        rule,
        kind=RecurringPattern.Kind.APPOINTMENT,
        duration_minutes=appointment_type.duration_minutes,
        trainer=trainer,
        client=client,
        appointment_type=appointment_type,
        notes=notes,
        created_by=actor,
    )
    return _series_start(pattern, actor=actor, now=now)


def _series_start(pattern: RecurringPattern, *, actor: User, now: datetime) -> SeriesResult:
    result = _generate(pattern, until=_horizon(pattern, now), now=now)
    audit_record(
        actor=actor,
        action=f"{pattern.kind}_series.create",
        target=pattern,
        created=len(result.created),
        conflicts=len(result.conflicts),
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


def _series_split_and_move(
    *, appointment: Appointment, new_start: datetime, text_changes: dict[str, str], actor: User, now: datetime
) -> SeriesResult:
    """This and following: the old series ends the day before; a new one (shifted) takes the rest.

    Every following live occurrence moves by the same wall-clock change (days and time of day); one that
    would clash keeps its time, is marked as an exception and is reported.
    """
    old = RecurringPattern.objects.select_for_update().get(pk=appointment.recurrence_id)
    zone = _zone(old.timezone)
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
        created_by=actor,
    )
    _pattern_end_before(old, pivot)
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
        clash = _trainer_conflict(
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
    try:
        with transaction.atomic():
            for item in [appointment, *following]:
                item.save()
    except IntegrityError as exc:
        if _is_exclusion_violation(exc):
            raise _slot_taken() from exc
        raise
    for item in result.moved:
        _reminders_cancel(appointment=item)
        if item.status == Appointment.Status.CONFIRMED:
            _reminders_schedule(starts_at=item.starts_at, recipient=item.client, appointment=item, now=now)
    result.conflicts = _record_conflicts(new_pattern, conflicts)
    audit_record(
        actor=actor,
        action="appointment.move_following",
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


# --- Group classes --------------------------------------------------------------------------------


@transaction.atomic
def class_type_create(
    *,
    actor: User,
    name: str,
    duration_minutes: int = 60,
    default_capacity: int = 10,
    description: str = "",
    color: str = "#1F6FEB",
) -> ClassType:
    if not is_manager(actor):
        raise PermissionDeniedError(_("Only owners and managers define class types."))
    fields: dict[str, str] = {}
    if not name.strip():
        fields["name"] = _("Give the class a name.")
    if not 5 <= duration_minutes <= 24 * 60:
        fields["duration_minutes"] = _("A class lasts between 5 minutes and 24 hours.")
    if default_capacity < 1:
        fields["default_capacity"] = _("At least one seat.")
    if fields:
        raise ValidationError(" ".join(fields.values()), code="class_type_invalid", fields=fields)
    return ClassType.objects.create(
        name=name.strip(),
        duration_minutes=duration_minutes,
        default_capacity=default_capacity,
        description=description,
        color=color,
    )


def _session_values(
    *, actor: User, class_type_id: int, instructor_id: int | None, capacity: int | None, room: str
) -> tuple[ClassType, User, int]:
    class_type = ClassType.objects.filter(pk=class_type_id, is_active=True).first()
    if class_type is None:
        raise ValidationError(
            _("Choose an active class type."),
            code="class_type_invalid",
            fields={"class_type_id": _("Unknown class type.")},
        )
    instructor = trainer_get(instructor_id or actor.pk, for_update=True)
    ensure_acts_for_trainer(actor, instructor)
    capacity = capacity if capacity is not None else class_type.default_capacity
    if not 1 <= capacity <= 1000:
        raise ValidationError(
            _("A class has 1 to 1000 seats."), code="capacity_invalid", fields={"capacity": _("1 to 1000.")}
        )
    if len(room) > 80:
        raise ValidationError(_("The room name is too long."), code="room_invalid", fields={"room": _("Too long.")})
    return class_type, instructor, capacity


@transaction.atomic
def group_session_create(
    *,
    actor: User,
    class_type_id: int,
    starts_at: datetime,
    instructor_id: int | None = None,
    capacity: int | None = None,
    room: str = "",
    duration_minutes: int | None = None,
    notes: str = "",
    waitlist_enabled: bool = True,
    now: datetime | None = None,
) -> GroupSession:
    """Schedule one class; the instructor and the room must be free (checked, then enforced by the DB)."""
    now = now or timezone.now()
    class_type, instructor, capacity = _session_values(
        actor=actor, class_type_id=class_type_id, instructor_id=instructor_id, capacity=capacity, room=room
    )
    start = _aware(starts_at)
    if start < now:
        raise ValidationError(_("This time is in the past."), code="in_the_past")
    end = start + timedelta(minutes=duration_minutes or class_type.duration_minutes)
    _ensure_session_free(instructor_id=instructor.pk, room=room, start=start, end=end)
    session = GroupSession(
        class_type=class_type,
        instructor=instructor,
        room=room.strip(),
        capacity=capacity,
        starts_at=start,
        ends_at=end,
        notes=notes,
        waitlist_enabled=waitlist_enabled,
    )
    try:
        with transaction.atomic():
            session.save()
    except IntegrityError as exc:
        if _is_exclusion_violation(exc):
            raise ConflictError(_("The instructor or room is already booked."), code="session_overlap") from exc
        raise
    return session


def _ensure_session_free(
    *, instructor_id: int, room: str, start: datetime, end: datetime, exclude_session_id: int | None = None
) -> None:
    no_buffer = slots.SlotRules(duration=end - start, step=end - start)
    exclude = (exclude_session_id,) if exclude_session_id else ()
    if _trainer_conflict(trainer_id=instructor_id, start=start, end=end, rules=no_buffer, exclude_session_ids=exclude):
        raise ConflictError(_("The instructor is busy at this time."), code="instructor_busy")
    if slots.overlaps(start, end, _room_busy(room.strip(), start, end, exclude_session_id), no_buffer):
        raise ConflictError(_("The room is taken at this time."), code="room_taken")


@transaction.atomic
def group_session_series_create(
    *,
    actor: User,
    class_type_id: int,
    rule: RecurrenceRule,
    instructor_id: int | None = None,
    capacity: int | None = None,
    room: str = "",
    duration_minutes: int | None = None,
    notes: str = "",
    now: datetime | None = None,
) -> SeriesResult:
    now = now or timezone.now()
    class_type, instructor, capacity = _session_values(
        actor=actor, class_type_id=class_type_id, instructor_id=instructor_id, capacity=capacity, room=room
    )
    pattern = _pattern_from_rule(
        rule,
        kind=RecurringPattern.Kind.CLASS,
        duration_minutes=duration_minutes or class_type.duration_minutes,
        trainer=instructor,
        class_type=class_type,
        room=room.strip(),
        capacity=capacity,
        notes=notes,
        created_by=actor,
    )
    return _series_start(pattern, actor=actor, now=now)


def _session_for_update(session_id: int) -> GroupSession:
    session = GroupSession.objects.select_for_update().filter(pk=session_id).first()
    if session is None:
        raise NotFoundError(_("No such class."), code="session_not_found")
    return session


@transaction.atomic
def group_session_register(
    *, actor: User, session_id: int, client_id: int | None = None, now: datetime | None = None
) -> SessionParticipant:
    """Seat the client, or put them at the end of the waitlist when the class is full.

    The class row is locked, so registrations are serialised per class: the seat count and the waitlist
    position are exact, and `seats_taken <= capacity` is also a database check.
    """
    now = now or timezone.now()
    client = client_get(client_id or actor.pk)
    ensure_acts_for_client(actor, client)
    session = _session_for_update(session_id)
    if session.status != GroupSession.Status.SCHEDULED:
        raise ConflictError(_("This class was cancelled."), code="session_cancelled")
    if session.starts_at <= now:
        raise ConflictError(_("This class has already started."), code="class_started")
    if (
        SessionParticipant.objects.filter(session=session, client=client)
        .exclude(status=SessionParticipant.Status.CANCELLED)
        .exists()
    ):
        raise ConflictError(_("You are already registered for this class."), code="already_registered")
    # registered_at is read after the lock, so it records the order of arrival the waitlist follows.
    if session.seats_taken < session.capacity:
        participant = SessionParticipant.objects.create(
            session=session, client=client, status=SessionParticipant.Status.BOOKED, registered_at=timezone.now()
        )
        GroupSession.objects.filter(pk=session.pk).update(seats_taken=F("seats_taken") + 1)
        _reminders_schedule(starts_at=session.starts_at, recipient=client, participant=participant, now=now)
        audit_record(actor=actor, action="class.register", target=participant, status=participant.status)
        return participant
    if not session.waitlist_enabled:
        raise ConflictError(_("This class is full."), code="class_full")
    last = session.participants.filter(status=SessionParticipant.Status.WAITLISTED).aggregate(
        last=Max("waitlist_position")
    )["last"]
    participant = SessionParticipant.objects.create(
        session=session,
        client=client,
        status=SessionParticipant.Status.WAITLISTED,
        waitlist_position=(last or 0) + 1,
        registered_at=timezone.now(),
    )
    audit_record(actor=actor, action="class.register", target=participant, status=participant.status)
    return participant


def _promote_waitlist(session: GroupSession, *, now: datetime) -> list[SessionParticipant]:
    """Fill free seats from the head of the waitlist (session row already locked); tell them after commit."""
    session.refresh_from_db(fields=["seats_taken", "capacity"])
    free = session.capacity - session.seats_taken
    if free <= 0:
        return []
    promoted = list(
        session.participants.select_related("client")
        .filter(status=SessionParticipant.Status.WAITLISTED)
        .order_by("waitlist_position")[:free]
    )
    for participant in promoted:
        participant.status = SessionParticipant.Status.BOOKED
        participant.waitlist_position = None
        participant.promoted_at = now
        participant.save(update_fields=["status", "waitlist_position", "promoted_at", "updated_at"])
        _reminders_schedule(starts_at=session.starts_at, recipient=participant.client, participant=participant, now=now)
    if promoted:
        GroupSession.objects.filter(pk=session.pk).update(seats_taken=F("seats_taken") + len(promoted))
        from domain.scheduling.tasks import waitlist_promotion_notify

        for participant in promoted:
            waitlist_promotion_notify.delay_on_commit(participant_id=participant.pk)
    return promoted


@transaction.atomic
def group_session_unregister(
    *, actor: User, session_id: int, client_id: int | None = None, now: datetime | None = None
) -> SessionParticipant:
    """Give up a seat (the first on the waitlist takes it) or leave the waitlist."""
    now = now or timezone.now()
    client = client_get(client_id or actor.pk)
    ensure_acts_for_client(actor, client)
    session = _session_for_update(session_id)
    participant = (
        SessionParticipant.objects.filter(
            session=session,
            client=client,
            status__in=(SessionParticipant.Status.BOOKED, SessionParticipant.Status.WAITLISTED),
        )
        .select_for_update()
        .first()
    )
    if participant is None:
        raise NotFoundError(_("You are not registered for this class."), code="not_registered")
    if session.starts_at <= now:
        raise ConflictError(_("This class has already started."), code="class_started")
    was_seated = participant.status == SessionParticipant.Status.BOOKED
    participant.status = SessionParticipant.Status.CANCELLED
    participant.waitlist_position = None
    participant.cancelled_at = now
    participant.is_late_cancellation = was_seated and actor.pk == client.pk and _late(session.starts_at, now)
    participant.save(
        update_fields=["status", "waitlist_position", "cancelled_at", "is_late_cancellation", "updated_at"]
    )
    _reminders_cancel(participant=participant)
    audit_record(actor=actor, action="class.unregister", target=participant, late=participant.is_late_cancellation)
    if was_seated:
        GroupSession.objects.filter(pk=session.pk).update(seats_taken=F("seats_taken") - 1)
        _promote_waitlist(session, now=now)
    return participant


@transaction.atomic
def group_session_update(
    *,
    actor: User,
    session_id: int,
    starts_at: datetime | None = None,
    capacity: int | None = None,
    room: str | None = None,
    notes: str | None = None,
    now: datetime | None = None,
) -> GroupSession:
    """Edit one class: moving it keeps everyone's place; more seats promote from the waitlist."""
    now = now or timezone.now()
    session = _session_for_update(session_id)
    instructor = trainer_get(session.instructor_id, for_update=True)
    ensure_acts_for_trainer(actor, instructor)
    if session.status != GroupSession.Status.SCHEDULED or session.starts_at <= now:
        raise ConflictError(_("Only an upcoming class can be changed."), code="not_editable")
    if capacity is not None:
        if not 1 <= capacity <= 1000:
            raise ValidationError(
                _("A class has 1 to 1000 seats."), code="capacity_invalid", fields={"capacity": _("1 to 1000.")}
            )
        if capacity < session.seats_taken:
            raise ConflictError(
                _("%(n)d people already hold a seat; cancel some first.") % {"n": session.seats_taken},
                code="capacity_below_booked",
            )
        session.capacity = capacity
    if room is not None:
        session.room = room.strip()
    if notes is not None:
        session.notes = notes
    moved = starts_at is not None and _aware(starts_at) != session.starts_at
    if moved:
        start = _aware(starts_at)
        if start < now:
            raise ValidationError(_("This time is in the past."), code="in_the_past")
        session.ends_at = start + (session.ends_at - session.starts_at)
        session.starts_at = start
    _ensure_session_free(
        instructor_id=instructor.pk,
        room=session.room,
        start=session.starts_at,
        end=session.ends_at,
        exclude_session_id=session.pk,
    )
    try:
        with transaction.atomic():
            session.save()
    except IntegrityError as exc:
        if _is_exclusion_violation(exc):
            raise ConflictError(_("The instructor or room is already booked."), code="session_overlap") from exc
        raise
    if moved:
        for participant in session.participants.select_related("client").filter(
            status=SessionParticipant.Status.BOOKED
        ):
            _reminders_cancel(participant=participant)
            _reminders_schedule(
                starts_at=session.starts_at, recipient=participant.client, participant=participant, now=now
            )
    _promote_waitlist(session, now=now)
    return session


@transaction.atomic
def group_session_cancel(
    *, actor: User, session_id: int, reason: str = "", scope: str = Scope.THIS, now: datetime | None = None
) -> list[GroupSession]:
    """Cancel a class (or it and the rest of its series): every place is released, no reminders go out."""
    now = now or timezone.now()
    session = _session_for_update(session_id)
    ensure_acts_for_trainer(actor, trainer_get(session.instructor_id))
    if session.status != GroupSession.Status.SCHEDULED:
        raise ConflictError(_("This class is already cancelled."), code="session_cancelled")
    targets = [session]
    if scope == Scope.FOLLOWING:
        if session.recurrence_id is None:
            raise ValidationError(
                _("Only a recurring class can be cancelled with the following ones."),
                code="scope_invalid",
                fields={"scope": _("Use “this”.")},
            )
        pattern = RecurringPattern.objects.select_for_update().get(pk=session.recurrence_id)
        _pattern_end_before(pattern, session.original_starts_at or session.starts_at)
        targets = list(
            GroupSession.objects.select_for_update()
            .filter(recurrence=pattern, status=GroupSession.Status.SCHEDULED, starts_at__gte=session.starts_at)
            .order_by("starts_at")
        )
    elif scope != Scope.THIS:
        raise ValidationError(_("Scope is “this” or “following”."), code="scope_invalid")
    ids = [s.pk for s in targets]
    GroupSession.objects.filter(pk__in=ids).update(
        status=GroupSession.Status.CANCELLED, cancelled_at=now, cancellation_reason=reason[:500], seats_taken=0
    )
    SessionParticipant.objects.filter(session_id__in=ids).exclude(status=SessionParticipant.Status.CANCELLED).update(
        status=SessionParticipant.Status.CANCELLED, waitlist_position=None, cancelled_at=now
    )
    _reminders_cancel(participant__session_id__in=ids)
    for item in targets:
        audit_record(actor=actor, action="class.cancel", target=item, reason=reason[:200])
    for item in targets:
        item.refresh_from_db()
    return targets


@transaction.atomic
def participant_mark_attendance(
    *, actor: User, participant_id: int, attended: bool, session_id: int | None = None, now: datetime | None = None
) -> SessionParticipant:
    """Check-in (attended) or no-show, by the instructor or a manager, from 30 minutes before the start."""
    now = now or timezone.now()
    participant = (
        SessionParticipant.objects.select_for_update(of=("self",))
        .select_related("session")
        .filter(pk=participant_id)
        .first()
    )
    if participant is None or (session_id is not None and participant.session_id != session_id):
        raise NotFoundError(_("No such registration."), code="participant_not_found")
    session = participant.session
    if not (is_manager(actor) or actor.pk == session.instructor_id):
        raise PermissionDeniedError(_("Only the instructor and managers take attendance."))
    if participant.status not in SessionParticipant.SEATED:
        raise ConflictError(_("Only people holding a seat can be checked in."), code="not_seated")
    if not attended and session.starts_at > now:
        raise ConflictError(_("A no-show is recorded once the class has started."), code="not_started")
    if attended and session.starts_at - timedelta(minutes=30) > now:
        raise ConflictError(_("Check-in opens 30 minutes before the class."), code="check_in_not_open")
    participant.status = SessionParticipant.Status.ATTENDED if attended else SessionParticipant.Status.NO_SHOW
    participant.checked_in_at = now if attended else None
    participant.save(update_fields=["status", "checked_in_at", "updated_at"])
    audit_record(actor=actor, action="class.attendance", target=participant, status=participant.status)
    _reminders_cancel(participant=participant)
    return participant


# --- Calendar feeds -------------------------------------------------------------------------------


@transaction.atomic
def calendar_feed_rotate(*, owner: User) -> str:
    """A new secret feed token (returned once; only its digest is stored); any previous link stops working."""
    now = timezone.now()
    CalendarFeed.objects.filter(owner=owner, revoked_at__isnull=True).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(owner=owner, token_digest=selectors.feed_token_digest(token))
    audit_record(actor=owner, action="calendar_feed.rotate", target=feed)
    return token


@transaction.atomic
def calendar_feed_revoke(*, owner: User) -> int:
    revoked = CalendarFeed.objects.filter(owner=owner, revoked_at__isnull=True).update(revoked_at=timezone.now())
    audit_record(actor=owner, action="calendar_feed.revoke", target=owner, revoked=revoked)
    return revoked
