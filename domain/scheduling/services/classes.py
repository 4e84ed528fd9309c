"""Group classes: class types, sessions, registrations with a waitlist, attendance."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.payments.services import bookings as commerce
from core.audit import AuditAction, audit_record
from core.error_codes import ErrorCode
from core.exceptions import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from core.models import User
from core.permissions import is_management, require
from core.tenancy import queue_after_commit
from domain.clients.selectors import client_for_actor
from domain.scheduling import slots
from domain.scheduling.access import ensure_acts_for_trainer, trainer_get
from domain.scheduling.models import (
    ClassType,
    GroupSession,
    RecurringPattern,
    SessionParticipant,
)
from domain.scheduling.services import commerce as commerce_hooks
from domain.scheduling.services._shared import (
    Scope,
    SeriesResult,
    aware,
    is_late,
    overlap_refused,
    series_from,
    session_overlap,
    trainer_conflict,
)
from domain.scheduling.services.recurrence import (
    RecurrenceRule,
    pattern_from_rule,
    room_busy,
    series_start,
)
from domain.scheduling.services.reminders import (
    reminders_cancel,
    reminders_schedule,
)


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
    require(actor, "scheduling.manage_class_types")
    fields: dict[str, str] = {}
    if not name.strip():
        fields["name"] = _("Give the class a name.")
    if not 5 <= duration_minutes <= 24 * 60:
        fields["duration_minutes"] = _("A class lasts between 5 minutes and 24 hours.")
    if default_capacity < 1:
        fields["default_capacity"] = _("At least one seat.")
    if fields:
        raise ValidationError(" ".join(fields.values()), code=ErrorCode.CLASS_TYPE_INVALID, fields=fields)
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
            code=ErrorCode.CLASS_TYPE_INVALID,
            fields={"class_type_id": _("Unknown class type.")},
        )
    instructor = trainer_get(instructor_id or actor.pk, for_update=True)
    ensure_acts_for_trainer(actor, instructor)
    capacity = capacity if capacity is not None else class_type.default_capacity
    if not 1 <= capacity <= 1000:
        raise ValidationError(
            _("A class has 1 to 1000 seats."), code=ErrorCode.CAPACITY_INVALID, fields={"capacity": _("1 to 1000.")}
        )
    if len(room) > 80:
        raise ValidationError(
            _("The room name is too long."), code=ErrorCode.ROOM_INVALID, fields={"room": _("Too long.")}
        )
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
    require(actor, "scheduling.manage_classes")
    now = now or timezone.now()
    class_type, instructor, capacity = _session_values(
        actor=actor, class_type_id=class_type_id, instructor_id=instructor_id, capacity=capacity, room=room
    )
    start = aware(starts_at)
    if start < now:
        raise ValidationError(_("This time is in the past."), code=ErrorCode.IN_THE_PAST)
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
    with overlap_refused(session_overlap):
        session.save()
    return session


def _ensure_session_free(
    *, instructor_id: int, room: str, start: datetime, end: datetime, exclude_session_id: int | None = None
) -> None:
    no_buffer = slots.SlotRules(duration=end - start, step=end - start)
    exclude = (exclude_session_id,) if exclude_session_id else ()
    if trainer_conflict(trainer_id=instructor_id, start=start, end=end, rules=no_buffer, exclude_session_ids=exclude):
        raise ConflictError(_("The instructor is busy at this time."), code=ErrorCode.INSTRUCTOR_BUSY)
    if slots.overlaps(start, end, room_busy(room.strip(), start, end, exclude_session_id), no_buffer):
        raise ConflictError(_("The room is taken at this time."), code=ErrorCode.ROOM_TAKEN)


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
    require(actor, "scheduling.manage_classes")
    now = now or timezone.now()
    class_type, instructor, capacity = _session_values(
        actor=actor, class_type_id=class_type_id, instructor_id=instructor_id, capacity=capacity, room=room
    )
    pattern = pattern_from_rule(
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
    return series_start(pattern, actor=actor, now=now)


def _session_for_update(session_id: int) -> GroupSession:
    session = GroupSession.objects.select_for_update().filter(pk=session_id).first()
    if session is None:
        raise NotFoundError(_("No such class."), code=ErrorCode.SESSION_NOT_FOUND)
    return session


@transaction.atomic
def group_session_register(
    *,
    actor: User,
    session_id: int,
    client_id: int | None = None,
    override: bool = False,
    now: datetime | None = None,
) -> SessionParticipant:
    """Seat the client, or put them at the end of the waitlist when the class is full.

    The class row is locked, so registrations are serialised per class: the seat count and the waitlist
    position are exact, and `seats_taken <= capacity` is also a database check.
    """
    require(actor, "scheduling.book")
    now = now or timezone.now()
    client = client_for_actor(actor=actor, client_id=client_id or actor.pk)
    session = _session_for_update(session_id)
    if session.status != GroupSession.Status.SCHEDULED:
        raise ConflictError(_("This class was cancelled."), code=ErrorCode.SESSION_CANCELLED)
    if session.starts_at <= now:
        raise ConflictError(_("This class has already started."), code=ErrorCode.CLASS_STARTED)
    if (
        SessionParticipant.objects.filter(session=session, client=client)
        .exclude(status=SessionParticipant.Status.CANCELLED)
        .exists()
    ):
        raise ConflictError(_("You are already registered for this class."), code=ErrorCode.ALREADY_REGISTERED)
    # registered_at is read after the lock, so it records the order of arrival the waitlist follows.
    if session.seats_taken < session.capacity:
        participant = SessionParticipant.objects.create(
            session=session, client=client, status=SessionParticipant.Status.BOOKED, registered_at=timezone.now()
        )
        GroupSession.objects.filter(pk=session.pk).update(seats_taken=F("seats_taken") + 1)
        commerce.booking_consume(
            actor=actor, ref=commerce_hooks.participant_ref(participant, session), override=override, now=now
        )
        reminders_schedule(starts_at=session.starts_at, recipient=client, participant=participant, now=now)
        audit_record(actor=actor, action=AuditAction.CLASS_REGISTER, target=participant, status=participant.status)
        return participant
    if not session.waitlist_enabled:
        raise ConflictError(_("This class is full."), code=ErrorCode.CLASS_FULL)
    waiting_ref = commerce.BookingRef(
        client=client, starts_at=session.starts_at, label="", class_type_id=session.class_type_id
    )
    commerce.waitlist_check(actor=actor, ref=waiting_ref, override=override, now=now)
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
    audit_record(actor=actor, action=AuditAction.CLASS_REGISTER, target=participant, status=participant.status)
    return participant


def _promote_waitlist(session: GroupSession, *, now: datetime) -> list[SessionParticipant]:
    """Fill free seats from the head of the waitlist (session row already locked); tell them after commit."""
    session.refresh_from_db(fields=["seats_taken", "capacity"])
    free = session.capacity - session.seats_taken
    if free <= 0:
        return []
    waiting = session.participants.select_related("client").filter(status=SessionParticipant.Status.WAITLISTED)
    promoted = commerce_hooks.promotable(session, waiting, free=free, now=now)
    for participant in promoted:
        participant.status = SessionParticipant.Status.BOOKED
        participant.waitlist_position = None
        participant.promoted_at = now
        participant.save(update_fields=["status", "waitlist_position", "promoted_at", "updated_at"])
        reminders_schedule(starts_at=session.starts_at, recipient=participant.client, participant=participant, now=now)
    if promoted:
        GroupSession.objects.filter(pk=session.pk).update(seats_taken=F("seats_taken") + len(promoted))
        from domain.scheduling.tasks import waitlist_promotion_notify

        for participant in promoted:
            queue_after_commit(waitlist_promotion_notify, participant_id=participant.pk)
    return promoted


@transaction.atomic
def group_session_unregister(
    *, actor: User, session_id: int, client_id: int | None = None, now: datetime | None = None
) -> SessionParticipant:
    """Give up a seat (the first on the waitlist takes it) or leave the waitlist."""
    require(actor, "scheduling.book")
    now = now or timezone.now()
    client = client_for_actor(actor=actor, client_id=client_id or actor.pk)
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
        raise NotFoundError(_("You are not registered for this class."), code=ErrorCode.NOT_REGISTERED)
    if session.starts_at <= now:
        raise ConflictError(_("This class has already started."), code=ErrorCode.CLASS_STARTED)
    was_seated = participant.status == SessionParticipant.Status.BOOKED
    participant.status = SessionParticipant.Status.CANCELLED
    participant.waitlist_position = None
    participant.cancelled_at = now
    participant.is_late_cancellation = was_seated and actor.pk == client.pk and is_late(session.starts_at, now)
    participant.save(
        update_fields=["status", "waitlist_position", "cancelled_at", "is_late_cancellation", "updated_at"]
    )
    reminders_cancel(participant=participant)
    if was_seated:
        commerce_hooks.participant_cancelled(participant, session, actor=actor, now=now)
    audit_record(
        actor=actor, action=AuditAction.CLASS_UNREGISTER, target=participant, late=participant.is_late_cancellation
    )
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
    require(actor, "scheduling.manage_classes")
    now = now or timezone.now()
    session = _session_for_update(session_id)
    instructor = trainer_get(session.instructor_id, for_update=True)
    ensure_acts_for_trainer(actor, instructor)
    if session.status != GroupSession.Status.SCHEDULED or session.starts_at <= now:
        raise ConflictError(_("Only an upcoming class can be changed."), code=ErrorCode.NOT_EDITABLE)
    if capacity is not None:
        if not 1 <= capacity <= 1000:
            raise ValidationError(
                _("A class has 1 to 1000 seats."), code=ErrorCode.CAPACITY_INVALID, fields={"capacity": _("1 to 1000.")}
            )
        if capacity < session.seats_taken:
            raise ConflictError(
                _("%(n)d people already hold a seat; cancel some first.") % {"n": session.seats_taken},
                code=ErrorCode.CAPACITY_BELOW_BOOKED,
            )
        session.capacity = capacity
    if room is not None:
        session.room = room.strip()
    if notes is not None:
        session.notes = notes
    moved = starts_at is not None and aware(starts_at) != session.starts_at
    if starts_at is not None and moved:
        start = aware(starts_at)
        if start < now:
            raise ValidationError(_("This time is in the past."), code=ErrorCode.IN_THE_PAST)
        session.ends_at = start + (session.ends_at - session.starts_at)
        session.starts_at = start
    _ensure_session_free(
        instructor_id=instructor.pk,
        room=session.room,
        start=session.starts_at,
        end=session.ends_at,
        exclude_session_id=session.pk,
    )
    with overlap_refused(session_overlap):
        session.save()
    if moved:
        for participant in session.participants.select_related("client").filter(
            status=SessionParticipant.Status.BOOKED
        ):
            reminders_cancel(participant=participant)
            reminders_schedule(
                starts_at=session.starts_at, recipient=participant.client, participant=participant, now=now
            )
    _promote_waitlist(session, now=now)
    return session


@transaction.atomic
def group_session_cancel(
    *, actor: User, session_id: int, reason: str = "", scope: str = Scope.THIS, now: datetime | None = None
) -> list[GroupSession]:
    """Cancel a class (or it and the rest of its series): every place is released, no reminders go out."""
    require(actor, "scheduling.manage_classes")
    now = now or timezone.now()
    session = _session_for_update(session_id)
    ensure_acts_for_trainer(actor, trainer_get(session.instructor_id))
    if session.status != GroupSession.Status.SCHEDULED:
        raise ConflictError(_("This class is already cancelled."), code=ErrorCode.SESSION_CANCELLED)
    targets = series_from(
        session,
        scope=scope,
        live={"status": GroupSession.Status.SCHEDULED},
        recurring_only=_("Only a recurring class can be cancelled with the following ones."),
    )
    ids = [s.pk for s in targets]
    GroupSession.objects.filter(pk__in=ids).update(
        status=GroupSession.Status.CANCELLED, cancelled_at=now, cancellation_reason=reason[:500], seats_taken=0
    )
    SessionParticipant.objects.filter(session_id__in=ids).exclude(status=SessionParticipant.Status.CANCELLED).update(
        status=SessionParticipant.Status.CANCELLED, waitlist_position=None, cancelled_at=now
    )
    reminders_cancel(participant__session_id__in=ids)
    commerce.class_sessions_cancelled(session_ids=ids, actor=actor, now=now)
    for item in targets:
        audit_record(actor=actor, action=AuditAction.CLASS_CANCEL, target=item, reason=reason[:200])
    for item in targets:
        item.refresh_from_db()
    return targets


@transaction.atomic
def participant_mark_attendance(
    *, actor: User, participant_id: int, attended: bool, session_id: int | None = None, now: datetime | None = None
) -> SessionParticipant:
    """Check-in (attended) or no-show, by the instructor or a manager, from 30 minutes before the start."""
    require(actor, "scheduling.manage_classes")
    now = now or timezone.now()
    participant = (
        SessionParticipant.objects.select_for_update(of=("self",))
        .select_related("session")
        .filter(pk=participant_id)
        .first()
    )
    if participant is None or (session_id is not None and participant.session_id != session_id):
        raise NotFoundError(_("No such registration."), code=ErrorCode.PARTICIPANT_NOT_FOUND)
    session = participant.session
    if not (is_management(actor) or actor.pk == session.instructor_id):
        raise PermissionDeniedError(_("Only the instructor and managers take attendance."))
    if participant.status not in SessionParticipant.SEATED:
        raise ConflictError(_("Only people holding a seat can be checked in."), code=ErrorCode.NOT_SEATED)
    if not attended and session.starts_at > now:
        raise ConflictError(_("A no-show is recorded once the class has started."), code=ErrorCode.NOT_STARTED)
    if attended and session.starts_at - timedelta(minutes=30) > now:
        raise ConflictError(_("Check-in opens 30 minutes before the class."), code=ErrorCode.CHECK_IN_NOT_OPEN)
    participant.status = SessionParticipant.Status.ATTENDED if attended else SessionParticipant.Status.NO_SHOW
    participant.checked_in_at = now if attended else None
    participant.save(update_fields=["status", "checked_in_at", "updated_at"])
    commerce_hooks.participant_attendance(participant, session, actor=actor, now=now)
    audit_record(actor=actor, action=AuditAction.CLASS_MARK_ATTENDANCE, target=participant, status=participant.status)
    reminders_cancel(participant=participant)
    return participant
