"""1:1 appointments: book, confirm, cancel, move, record attendance."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from billing.payments.services import bookings as commerce
from core.audit import AuditAction, audit_record
from core.error_codes import ErrorCode
from core.exceptions import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from core.models import User
from core.permissions import is_management, is_studio_staff, require
from core.studio_time import studio_zone
from domain.clients.selectors import client_for_actor
from domain.scheduling import selectors, slots
from domain.scheduling.access import trainer_get
from domain.scheduling.models import (
    Appointment,
    AppointmentType,
)
from domain.scheduling.services import commerce as commerce_hooks
from domain.scheduling.services._shared import (
    Scope,
    SeriesResult,
    aware,
    is_late,
    overlap_refused,
    series_from,
    slot_taken,
    trainer_conflict,
)
from domain.scheduling.services.recurrence import (
    series_split_and_move,
)
from domain.scheduling.services.reminders import (
    reminders_cancel,
    reminders_schedule,
)


def _check_client_slot(*, trainer_id: int, appointment_type: AppointmentType, start: datetime, now: datetime) -> None:
    """A client books only what the slot finder offers: inside working hours, notice and horizon."""
    earliest, latest = selectors.booking_window(appointment_type, now)
    if start < earliest:
        raise ValidationError(
            _("This session needs to be booked at least %(h)s in advance.")
            % {"h": _format_minutes(appointment_type.min_notice_minutes)},
            code=ErrorCode.TOO_SHORT_NOTICE,
        )
    if start > latest:
        raise ValidationError(
            _("Bookings open %(d)d days ahead.") % {"d": appointment_type.max_advance_days},
            code=ErrorCode.TOO_FAR_AHEAD,
        )
    zone = studio_zone()
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
        raise ValidationError(_("The trainer is not available at that time."), code=ErrorCode.OUTSIDE_AVAILABILITY)


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
    override: bool = False,
    now: datetime | None = None,
) -> Appointment:
    """Book a 1:1 session: one booking or a 409, never two overlapping sessions of one trainer.

    A client books an offered slot for themselves (requested if the type needs the trainer's
    confirmation, else confirmed); staff may book outside working hours but never over other bookings.
    A trainer books only with themself, for the clients assigned to them. `starts_at` without an offset is
    studio-local. Raises: PermissionDeniedError (403: role, or a trainer booking another's calendar),
    NotFoundError (404: trainer, type, or a client out of the actor's reach), ValidationError (400: past,
    notice, horizon, outside hours), ConflictError (409 `slot_taken`).
    """
    require(actor, "scheduling.book")
    now = now or timezone.now()
    trainer = trainer_get(trainer_id, for_update=True)
    if is_studio_staff(actor) and not is_management(actor) and actor.pk != trainer.pk:
        raise PermissionDeniedError(_("You can only book sessions with yourself."), code=ErrorCode.NOT_YOUR_SCHEDULE)
    client = client_for_actor(actor=actor, client_id=client_id)
    appointment_type = selectors.appointment_type_get(appointment_type_id=appointment_type_id, trainer_id=trainer.pk)
    start = aware(starts_at)
    end = start + timedelta(minutes=appointment_type.duration_minutes)
    booked_by_client = not is_studio_staff(actor)
    if booked_by_client:
        _check_client_slot(trainer_id=trainer.pk, appointment_type=appointment_type, start=start, now=now)
    elif start < now:
        raise ValidationError(_("This time is in the past."), code=ErrorCode.IN_THE_PAST)
    if trainer_conflict(trainer_id=trainer.pk, start=start, end=end, rules=selectors.slot_rules(appointment_type)):
        raise slot_taken()
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
        reminders_schedule(starts_at=start, recipient=client, appointment=appointment, now=now)
    # The pass is consumed in this transaction: refused (402) means no booking either.
    commerce.booking_consume(actor=actor, ref=commerce_hooks.appointment_ref(appointment), override=override, now=now)
    audit_record(actor=actor, action=AuditAction.APPOINTMENT_BOOK, target=appointment, status=status)
    return appointment


def _appointment_insert(appointment: Appointment) -> Appointment:
    """Insert, turning the exclusion constraint's refusal into the same 409 the service check gives.

    No savepoint: the 409 leaves `appointment_book`'s transaction, which rolls back whole.
    """
    with overlap_refused(slot_taken, savepoint=False):
        appointment.save(force_insert=True)
    return appointment


def _appointment_for_update(appointment_id: int) -> Appointment:
    appointment = (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("trainer", "client", "appointment_type")
        .filter(pk=appointment_id)
        .first()
    )
    if appointment is None:
        raise NotFoundError(_("No such appointment."), code=ErrorCode.APPOINTMENT_NOT_FOUND)
    return appointment


def _ensure_can_manage_appointment(actor: User, appointment: Appointment) -> None:
    if appointment.client_id == actor.pk and not is_studio_staff(actor):
        raise PermissionDeniedError(_("Ask your trainer to change this appointment."), code=ErrorCode.TRAINER_ONLY)
    if not (is_management(actor) or appointment.trainer_id == actor.pk):
        raise NotFoundError(_("No such appointment."), code=ErrorCode.APPOINTMENT_NOT_FOUND)


def _ensure_can_see_appointment(actor: User, appointment: Appointment) -> None:
    if not (is_management(actor) or actor.pk in (appointment.trainer_id, appointment.client_id)):
        raise NotFoundError(_("No such appointment."), code=ErrorCode.APPOINTMENT_NOT_FOUND)


@transaction.atomic
def appointment_confirm(*, actor: User, appointment_id: int, now: datetime | None = None) -> Appointment:
    require(actor, "scheduling.manage_appointments")
    now = now or timezone.now()
    appointment = _appointment_for_update(appointment_id)
    _ensure_can_manage_appointment(actor, appointment)
    if appointment.status == Appointment.Status.CONFIRMED:
        return appointment
    if appointment.status != Appointment.Status.REQUESTED:
        raise ConflictError(_("Only a requested appointment can be confirmed."), code=ErrorCode.NOT_REQUESTED)
    appointment.status = Appointment.Status.CONFIRMED
    appointment.confirmed_at = now
    appointment.save(update_fields=["status", "confirmed_at", "updated_at"])
    reminders_schedule(starts_at=appointment.starts_at, recipient=appointment.client, appointment=appointment, now=now)
    audit_record(actor=actor, action=AuditAction.APPOINTMENT_CONFIRM, target=appointment)
    return appointment


def _cancel_one(appointment: Appointment, *, actor: User, reason: str, now: datetime) -> None:
    appointment.status = Appointment.Status.CANCELLED
    appointment.cancelled_at = now
    appointment.cancelled_by = actor
    appointment.cancellation_reason = reason[:500]
    # A late cancellation is the client's (fees come with billing); a trainer's cancellation never is.
    appointment.is_late_cancellation = actor.pk == appointment.client_id and is_late(appointment.starts_at, now)
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
    reminders_cancel(appointment=appointment)
    commerce_hooks.appointment_cancelled(appointment, actor=actor, now=now)
    audit_record(
        actor=actor, action=AuditAction.APPOINTMENT_CANCEL, target=appointment, late=appointment.is_late_cancellation
    )


@transaction.atomic
def appointment_cancel(
    *, actor: User, appointment_id: int, reason: str = "", scope: str = Scope.THIS, now: datetime | None = None
) -> list[Appointment]:
    """Cancel one appointment, or it and the rest of its series; returns what was cancelled.

    Inside the studio's late-cancellation window a client's cancellation is marked late.
    """
    require(actor, "scheduling.book")
    now = now or timezone.now()
    appointment = _appointment_for_update(appointment_id)
    _ensure_can_see_appointment(actor, appointment)
    if appointment.status not in Appointment.LIVE:
        raise ConflictError(_("This appointment is not open any more."), code=ErrorCode.NOT_CANCELLABLE)
    if appointment.starts_at <= now:
        raise ConflictError(_("This appointment has already started."), code=ErrorCode.ALREADY_STARTED)
    targets = series_from(
        appointment,
        scope=scope,
        live={"status__in": Appointment.LIVE},
        recurring_only=_("Only a recurring appointment can be cancelled with the following ones."),
    )
    for item in targets:
        _cancel_one(item, actor=actor, reason=reason, now=now)
    return targets


@transaction.atomic
def appointment_mark_attendance(
    *, actor: User, appointment_id: int, attended: bool, now: datetime | None = None
) -> Appointment:
    """Completed or no-show, recorded by the trainer once the session has started."""
    require(actor, "scheduling.manage_appointments")
    now = now or timezone.now()
    appointment = _appointment_for_update(appointment_id)
    _ensure_can_manage_appointment(actor, appointment)
    if appointment.status == Appointment.Status.CANCELLED:
        raise ConflictError(_("This appointment was cancelled."), code=ErrorCode.CANCELLED)
    if appointment.starts_at > now:
        raise ConflictError(_("Attendance is recorded once the session has started."), code=ErrorCode.NOT_STARTED)
    appointment.status = Appointment.Status.COMPLETED if attended else Appointment.Status.NO_SHOW
    appointment.attendance_marked_at = now
    appointment.save(update_fields=["status", "attendance_marked_at", "updated_at"])
    reminders_cancel(appointment=appointment)
    commerce_hooks.appointment_attendance(appointment, actor=actor, now=now)
    audit_record(
        actor=actor, action=AuditAction.APPOINTMENT_MARK_ATTENDANCE, target=appointment, status=appointment.status
    )
    return appointment


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
    require(actor, "scheduling.manage_appointments")
    now = now or timezone.now()
    appointment = _appointment_for_update(appointment_id)
    _ensure_can_manage_appointment(actor, appointment)
    if appointment.status not in Appointment.LIVE:
        raise ConflictError(_("Only an upcoming appointment can be changed."), code=ErrorCode.NOT_EDITABLE)
    trainer_get(appointment.trainer_id, for_update=True)
    new_start = aware(starts_at) if starts_at is not None else appointment.starts_at
    if starts_at is not None and new_start < now:
        raise ValidationError(_("This time is in the past."), code=ErrorCode.IN_THE_PAST)
    text_changes = {
        name: value
        for name, value in (("notes", notes), ("location", location), ("online_link", online_link))
        if value is not None
    }
    if scope == Scope.FOLLOWING:
        if appointment.recurrence_id is None:
            raise ValidationError(
                _("Only a recurring appointment can be changed with the following ones."),
                code=ErrorCode.SCOPE_INVALID,
                fields={"scope": _("Use “this”.")},
            )
        return series_split_and_move(
            appointment=appointment, new_start=new_start, text_changes=text_changes, actor=actor, now=now
        )
    if scope != Scope.THIS:
        raise ValidationError(_("Scope is “this” or “following”."), code=ErrorCode.SCOPE_INVALID)
    for name, value in text_changes.items():
        setattr(appointment, name, value)
    if new_start != appointment.starts_at:
        audit_record(
            actor=actor,
            action=AuditAction.APPOINTMENT_MOVE,
            target=appointment,
            before=appointment.starts_at.isoformat(),
            after=new_start.isoformat(),
        )
        _move(appointment, new_start, now=now)
        appointment.is_exception = appointment.recurrence_id is not None
    with overlap_refused(slot_taken):
        appointment.save()
    return appointment


def _move(appointment: Appointment, new_start: datetime, *, now: datetime) -> None:
    duration = appointment.ends_at - appointment.starts_at
    rules = slots.SlotRules(
        duration=duration,
        step=duration,
        buffer_before=timedelta(minutes=appointment.buffer_before_minutes),
        buffer_after=timedelta(minutes=appointment.buffer_after_minutes),
    )
    if trainer_conflict(
        trainer_id=appointment.trainer_id,
        start=new_start,
        end=new_start + duration,
        rules=rules,
        exclude_appointment_ids=(appointment.pk,),
    ):
        raise slot_taken()
    appointment.starts_at, appointment.ends_at = new_start, new_start + duration
    commerce_hooks.appointment_moved(appointment)
    reminders_cancel(appointment=appointment)
    if appointment.status == Appointment.Status.CONFIRMED:
        reminders_schedule(starts_at=new_start, recipient=appointment.client, appointment=appointment, now=now)
