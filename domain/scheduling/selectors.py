"""Reads of the schedule: open slots, calendars, lists — with constant query counts."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from core.error_codes import ErrorCode
from core.exceptions import NotFoundError, PermissionDeniedError, ValidationError
from core.memo import RowMemo, schema_key
from core.models import User
from core.permissions import STAFF_ROLES, is_management, is_studio_staff, require
from core.studio_time import studio_zone
from domain.scheduling import slots
from domain.scheduling.access import trainer_get
from domain.scheduling.models import (
    Appointment,
    AppointmentReminder,
    AppointmentType,
    AvailabilityException,
    CalendarFeed,
    ClassType,
    GroupSession,
    RecurringPattern,
    SchedulingPolicy,
    SessionParticipant,
    TrainerAvailability,
)

MAX_SLOT_RANGE_DAYS = 62
SERIES_HORIZON_DAYS = 84  # a series' occurrences exist this far ahead; a beat task keeps extending them


@dataclass(frozen=True, slots=True)
class Slot:
    starts_at: datetime
    ends_at: datetime


_policy: RowMemo[SchedulingPolicy] = RowMemo(
    SchedulingPolicy, ttl=lambda: settings.POLICY_CACHE_SECONDS, forget_on_save=True
)


def policy_get() -> SchedulingPolicy:
    """The studio's policy (a new instance per call); its defaults (unsaved) until someone changes them.

    Read at most once per POLICY_CACHE_SECONDS per process (core.memo.RowMemo)."""
    found = _policy.get(
        schema_key(), lambda: SchedulingPolicy.objects.filter(key=1).values_list(*_policy.fields).first()
    )
    return found or SchedulingPolicy()


def trainer_list() -> QuerySet[User]:
    return User.objects.filter(role__in=STAFF_ROLES, is_active=True).order_by("first_name", "last_name", "id")


def availability_weekly(*, trainer_id: int) -> list[TrainerAvailability]:
    return list(TrainerAvailability.objects.filter(trainer_id=trainer_id).order_by("weekday", "start_time"))


def availability_exceptions(*, trainer_id: int, since: date | None = None) -> list[AvailabilityException]:
    queryset = AvailabilityException.objects.filter(trainer_id=trainer_id)
    if since is not None:
        queryset = queryset.filter(date__gte=since)
    return list(queryset.order_by("date", "start_time"))


def _weekly_ranges(trainer_id: int) -> list[slots.WeeklyRange]:
    rows = TrainerAvailability.objects.filter(trainer_id=trainer_id).values_list(
        "weekday", "start_time", "end_time", "valid_from", "valid_until"
    )
    return [slots.WeeklyRange(*row) for row in rows]


def _day_exceptions(trainer_id: int, start_date: date, end_date: date) -> list[slots.DayException]:
    """The exceptions from the day before start_date (its extra hours may run past midnight) to end_date."""
    rows = AvailabilityException.objects.filter(
        trainer_id=trainer_id, date__gte=start_date - timedelta(days=1), date__lte=end_date
    ).values_list("date", "kind", "start_time", "end_time")
    return [
        slots.DayException(day, kind == AvailabilityException.Kind.EXTRA, start, end) for day, kind, start, end in rows
    ]


def trainer_busy(
    *,
    trainer_id: int,
    start: datetime,
    end: datetime,
    exclude_appointment_ids: tuple[int, ...] = (),
    exclude_session_ids: tuple[int, ...] = (),
) -> list[slots.Busy]:
    """Live appointments and scheduled classes of the trainer touching [start, end), with their buffers.

    One round trip (UNION ALL): this sits on the hot path of every slot search and booking, so the SQL is
    written once here rather than compiled by the ORM on every call (1.5 ms of CPU per call before).
    """
    # Table names from the models, values as parameters: nothing here comes from the caller's text.
    appointments, classes = Appointment._meta.db_table, GroupSession._meta.db_table
    appointments_sql = (
        f"SELECT starts_at, ends_at, buffer_before_minutes, buffer_after_minutes FROM {appointments} "  # noqa: S608
        "WHERE trainer_id = %s AND status = ANY(%s) AND starts_at < %s AND ends_at > %s"
    )
    classes_sql = (
        f"SELECT starts_at, ends_at, 0, 0 FROM {classes} "  # noqa: S608
        "WHERE instructor_id = %s AND status = %s AND starts_at < %s AND ends_at > %s"
    )
    not_in = " AND NOT (id = ANY(%s))"
    sql = (
        appointments_sql
        + (not_in if exclude_appointment_ids else "")
        + " UNION ALL "
        + classes_sql
        + (not_in if exclude_session_ids else "")
        + " ORDER BY 1"
    )
    params: list[int | str | datetime | list[Any]] = [
        trainer_id,
        [str(status) for status in Appointment.LIVE],
        end,
        start,
    ]
    if exclude_appointment_ids:
        params.append(list(exclude_appointment_ids))
    params += [trainer_id, str(GroupSession.Status.SCHEDULED), end, start]
    if exclude_session_ids:
        params.append(list(exclude_session_ids))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [slots.Busy(s, e, timedelta(minutes=before), timedelta(minutes=after)) for s, e, before, after in rows]


def slot_rules(appointment_type: AppointmentType) -> slots.SlotRules:
    return slots.SlotRules(
        duration=timedelta(minutes=appointment_type.duration_minutes),
        step=timedelta(minutes=appointment_type.slot_step_minutes),
        buffer_before=timedelta(minutes=appointment_type.buffer_before_minutes),
        buffer_after=timedelta(minutes=appointment_type.buffer_after_minutes),
    )


def booking_window(appointment_type: AppointmentType, now: datetime) -> tuple[datetime, datetime]:
    """Earliest and latest start a client may book: minimum notice and how far ahead."""
    return (
        now + timedelta(minutes=appointment_type.min_notice_minutes),
        now + timedelta(days=appointment_type.max_advance_days),
    )


def appointment_type_get(*, appointment_type_id: int, trainer_id: int | None = None) -> AppointmentType:
    """An active type the trainer offers (their own, or a studio-wide one)."""
    queryset = AppointmentType.objects.filter(pk=appointment_type_id, is_active=True)
    if trainer_id is not None:
        queryset = queryset.filter(Q(trainer_id=trainer_id) | Q(trainer__isnull=True))
    appointment_type = queryset.first()
    if appointment_type is None:
        raise NotFoundError(_("No such appointment type for this trainer."), code=ErrorCode.APPOINTMENT_TYPE_NOT_FOUND)
    return appointment_type


def _offered_type(trainer_id: int, appointment_type_id: int) -> AppointmentType:
    """The type, checking in the same query that the trainer is bookable (errors name which is wrong)."""
    bookable = User.objects.filter(pk=trainer_id, role__in=STAFF_ROLES, is_active=True)
    appointment_type = (
        AppointmentType.objects.filter(pk=appointment_type_id, is_active=True)
        .filter(Q(trainer_id=trainer_id) | Q(trainer__isnull=True))
        .filter(Exists(bookable))
        .first()
    )
    if appointment_type is None:
        trainer_get(trainer_id)  # the clearer error when the trainer is the problem
        return appointment_type_get(appointment_type_id=appointment_type_id, trainer_id=trainer_id)
    return appointment_type


def appointment_type_list(
    *, trainer_id: int | None = None, include_inactive: bool = False
) -> QuerySet[AppointmentType]:
    queryset = AppointmentType.objects.all()
    if not include_inactive:
        queryset = queryset.filter(is_active=True)
    if trainer_id is not None:
        queryset = queryset.filter(Q(trainer_id=trainer_id) | Q(trainer__isnull=True))
    return queryset.order_by("name", "id")


def trainer_slots(
    *,
    trainer_id: int,
    appointment_type_id: int,
    start_date: date,
    end_date: date,
    now: datetime | None = None,
) -> list[Slot]:
    """Bookable slots for a client: working hours minus busy time and buffers, within notice and horizon.

    The slots' datetimes are on the studio's clock (its zone), ready to be shown (`StudioLocalTime`).

    Dates are the studio's local dates. Four queries whatever the range or the bookings: type (with the
    trainer check), weekly hours, exceptions, busy time (appointments and classes in one).
    """
    if end_date < start_date:
        raise ValidationError(_("The end date is before the start date."), code=ErrorCode.DATE_RANGE_INVALID)
    if (end_date - start_date).days >= MAX_SLOT_RANGE_DAYS:
        raise ValidationError(
            _("Ask for at most %(days)d days of slots at a time.") % {"days": MAX_SLOT_RANGE_DAYS},
            code=ErrorCode.DATE_RANGE_TOO_LONG,
        )
    appointment_type = _offered_type(trainer_id, appointment_type_id)
    zone = studio_zone()
    now = now or timezone.now()
    windows = slots.working_windows(
        tz=zone,
        start_date=start_date,
        end_date=end_date,
        weekly=_weekly_ranges(trainer_id),
        exceptions=_day_exceptions(trainer_id, start_date, end_date),
    )
    if not windows:
        return []
    rules = slot_rules(appointment_type)
    margin = timedelta(days=1)
    busy = trainer_busy(trainer_id=trainer_id, start=windows[0][0] - margin, end=windows[-1][1] + margin)
    earliest, latest = booking_window(appointment_type, now)
    # Slots belong to the date they start on: the previous night's run into start_date starts before it,
    # and the run of end_date's evening past midnight belongs to the next date.
    earliest = max(earliest, slots.local_to_utc(start_date, slots.MIDNIGHT, zone))
    latest = min(latest, slots.local_to_utc(end_date + timedelta(days=1), slots.MIDNIGHT, zone) - timedelta(seconds=1))
    duration = rules.duration
    # Added in UTC, then shown on the studio's clock: a local datetime plus an hour is wall-clock arithmetic
    # in Python, an hour off on the night the clocks change.
    return [
        Slot(start.astimezone(zone), (start + duration).astimezone(zone))
        for start in slots.open_slots(windows=windows, busy=busy, rules=rules, earliest=earliest, latest=latest)
    ]


# --- Appointments -------------------------------------------------------------------------------


def appointment_visible_to(viewer: User) -> QuerySet[Appointment]:
    """Clients see their own, trainers the ones they give, owners and managers all."""
    require(viewer, "scheduling.view")
    queryset = Appointment.objects.select_related("trainer", "client", "appointment_type")
    if is_management(viewer):
        return queryset
    if is_studio_staff(viewer):
        return queryset.filter(trainer=viewer)
    return queryset.filter(client=viewer)


def appointment_list(
    *,
    viewer: User,
    trainer_id: int | None = None,
    client_id: int | None = None,
    statuses: list[str] | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> QuerySet[Appointment]:
    queryset = appointment_visible_to(viewer)
    if trainer_id is not None:
        queryset = queryset.filter(trainer_id=trainer_id)
    if client_id is not None:
        queryset = queryset.filter(client_id=client_id)
    if statuses:
        queryset = queryset.filter(status__in=statuses)
    if start is not None:
        queryset = queryset.filter(ends_at__gt=start)
    if end is not None:
        queryset = queryset.filter(starts_at__lt=end)
    return queryset.order_by("starts_at", "id")


def appointment_get(*, viewer: User, appointment_id: int) -> Appointment:
    appointment = appointment_visible_to(viewer).filter(pk=appointment_id).first()
    if appointment is None:
        raise NotFoundError(_("No such appointment."), code=ErrorCode.APPOINTMENT_NOT_FOUND)
    return appointment


def pattern_get(*, viewer: User, pattern_id: int) -> RecurringPattern:
    require(viewer, "scheduling.view")
    pattern = RecurringPattern.objects.filter(pk=pattern_id).prefetch_related("conflicts").first()
    visible = pattern is not None and (
        is_management(viewer)
        or viewer.pk in (pattern.trainer_id, pattern.client_id)
        or (pattern.kind == RecurringPattern.Kind.CLASS and is_studio_staff(viewer))
    )
    if pattern is None or not visible:
        raise NotFoundError(_("No such series."), code=ErrorCode.PATTERN_NOT_FOUND)
    return pattern


# --- Group classes ------------------------------------------------------------------------------


def class_type_list(*, include_inactive: bool = False) -> QuerySet[ClassType]:
    queryset = ClassType.objects.all()
    return queryset if include_inactive else queryset.filter(is_active=True)


def group_session_list(
    *,
    viewer: User,
    start: datetime | None = None,
    end: datetime | None = None,
    instructor_id: int | None = None,
    class_type_id: int | None = None,
    include_cancelled: bool = False,
) -> QuerySet[GroupSession]:
    """The timetable; each row carries `my_status`/`my_position`: the viewer's own registration, if any."""
    require(viewer, "scheduling.view")
    mine = SessionParticipant.objects.filter(session=OuterRef("pk"), client=viewer).exclude(
        status=SessionParticipant.Status.CANCELLED
    )
    queryset = GroupSession.objects.select_related("class_type", "instructor").annotate(
        my_status=Subquery(mine.values("status")[:1]),
        my_position=Subquery(mine.values("waitlist_position")[:1]),
        waitlist_length=Subquery(
            SessionParticipant.objects.filter(session=OuterRef("pk"), status=SessionParticipant.Status.WAITLISTED)
            .order_by()
            .values("session")
            .annotate(n=Count("id"))
            .values("n")[:1]
        ),
    )
    if not include_cancelled:
        queryset = queryset.filter(status=GroupSession.Status.SCHEDULED)
    if start is not None:
        queryset = queryset.filter(ends_at__gt=start)
    if end is not None:
        queryset = queryset.filter(starts_at__lt=end)
    if instructor_id is not None:
        queryset = queryset.filter(instructor_id=instructor_id)
    if class_type_id is not None:
        queryset = queryset.filter(class_type_id=class_type_id)
    return queryset.order_by("starts_at", "id")


def group_session_get(*, session_id: int) -> GroupSession:
    session = GroupSession.objects.select_related("class_type", "instructor").filter(pk=session_id).first()
    if session is None:
        raise NotFoundError(_("No such class."), code=ErrorCode.SESSION_NOT_FOUND)
    return session


def group_session_roster(*, viewer: User, session_id: int) -> tuple[GroupSession, list[SessionParticipant]]:
    """Seated people first, then the waitlist in order; cancelled ones last. Instructor or managers only."""
    require(viewer, "scheduling.manage_classes")
    session = group_session_get(session_id=session_id)
    if not (is_management(viewer) or viewer.pk == session.instructor_id):
        raise PermissionDeniedError(
            _("Only the instructor and managers see the roster."), code=ErrorCode.ROSTER_FORBIDDEN
        )
    order: dict[str, int] = {
        SessionParticipant.Status.BOOKED: 0,
        SessionParticipant.Status.ATTENDED: 0,
        SessionParticipant.Status.NO_SHOW: 0,
        SessionParticipant.Status.WAITLISTED: 1,
        SessionParticipant.Status.CANCELLED: 2,
    }
    participants = list(session.participants.select_related("client"))
    participants.sort(key=lambda p: (order[p.status], p.waitlist_position or 0, p.registered_at, p.pk))
    return session, participants


def client_upcoming(*, client: User, now: datetime | None = None) -> tuple[list[Appointment], list[SessionParticipant]]:
    """What a client has coming: live appointments and class places (seated or waitlisted)."""
    now = now or timezone.now()
    appointments = list(
        Appointment.objects.select_related("trainer", "appointment_type")
        .filter(client=client, status__in=Appointment.LIVE, ends_at__gt=now)
        .order_by("starts_at")
    )
    places = list(
        SessionParticipant.objects.select_related("session__class_type", "session__instructor")
        .filter(
            client=client,
            status__in=(SessionParticipant.Status.BOOKED, SessionParticipant.Status.WAITLISTED),
            session__status=GroupSession.Status.SCHEDULED,
            session__ends_at__gt=now,
        )
        .order_by("session__starts_at")
    )
    return appointments, places


def trainer_week(*, trainer: User, week_start: date) -> tuple[list[Appointment], list[GroupSession]]:
    """A trainer's appointments (not cancelled) and classes in the local week starting `week_start`."""
    zone = studio_zone()
    start = slots.local_to_utc(week_start, datetime.min.time(), zone)
    end = slots.local_to_utc(week_start + timedelta(days=7), datetime.min.time(), zone)
    appointments = list(
        Appointment.objects.select_related("client", "appointment_type")
        .filter(trainer=trainer, starts_at__lt=end, ends_at__gt=start)
        .exclude(status=Appointment.Status.CANCELLED)
        .order_by("starts_at")
    )
    classes = list(
        GroupSession.objects.select_related("class_type")
        .filter(instructor=trainer, status=GroupSession.Status.SCHEDULED, starts_at__lt=end, ends_at__gt=start)
        .order_by("starts_at")
    )
    return appointments, classes


# --- Background work ----------------------------------------------------------------------------


def reminders_due(*, now: datetime, limit: int = 500) -> list[int]:
    return list(
        AppointmentReminder.objects.filter(status=AppointmentReminder.Status.SCHEDULED, send_at__lte=now)
        .order_by("send_at")
        .values_list("id", flat=True)[:limit]
    )


def patterns_to_extend(*, now: datetime) -> list[int]:
    """Series still running whose occurrences stop short of the horizon."""
    horizon = now.date() + timedelta(days=SERIES_HORIZON_DAYS - 1)
    return list(
        RecurringPattern.objects.filter(Q(until__isnull=True) | Q(until__gt=F("generated_until")))
        .filter(Q(generated_until__isnull=True) | Q(generated_until__lt=horizon))
        .values_list("id", flat=True)
    )


# --- Calendar feeds -----------------------------------------------------------------------------


def feed_token_digest(token: str) -> str:
    """Feed tokens are stored as digests only: a database leak does not leak calendars."""
    return hashlib.sha256(token.encode()).hexdigest()


def calendar_feed_owner(*, token: str) -> User | None:
    """The person a live feed token belongs to (None for unknown or revoked tokens)."""
    feed = (
        CalendarFeed.objects.select_related("owner")
        .filter(token_digest=feed_token_digest(token), revoked_at__isnull=True)
        .first()
    )
    if feed is None or not feed.owner.is_active:
        return None
    return feed.owner


def calendar_entries(
    *, owner: User, start: datetime, end: datetime
) -> tuple[list[Appointment], list[tuple[GroupSession, bool]]]:
    """What `owner`'s calendar shows: their appointments (as trainer or client) and their classes.

    Classes are the ones they teach or hold a place in; the flag says the entry is cancelled (the class,
    or their place in it), so subscribed calendars drop it.
    """
    appointments = list(
        Appointment.objects.select_related("trainer", "client", "appointment_type")
        .filter(Q(trainer=owner) | Q(client=owner), starts_at__lt=end, ends_at__gt=start)
        .order_by("starts_at")
    )
    taught = GroupSession.objects.select_related("class_type").filter(
        instructor=owner, starts_at__lt=end, ends_at__gt=start
    )
    places = SessionParticipant.objects.select_related("session__class_type").filter(
        client=owner,
        status__in=(
            SessionParticipant.Status.BOOKED,
            SessionParticipant.Status.CANCELLED,
            SessionParticipant.Status.ATTENDED,
        ),
        session__starts_at__lt=end,
        session__ends_at__gt=start,
    )
    entries = [(s, s.status == GroupSession.Status.CANCELLED) for s in taught]
    entries += [
        (
            p.session,
            p.status == SessionParticipant.Status.CANCELLED or p.session.status == GroupSession.Status.CANCELLED,
        )
        for p in places
    ]
    return appointments, entries
