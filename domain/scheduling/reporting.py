"""Read-only figures of scheduling for reports (analytics): whole-studio aggregates over a time range.

No actor: the callers are the daily analytics task and selectors that scope the answer themselves. Each
function is one or two grouped queries whatever the number of clients.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, Max, Q, QuerySet, Sum

from domain.scheduling import slots
from domain.scheduling.models import (
    Appointment,
    AvailabilityException,
    GroupSession,
    SessionParticipant,
    TrainerAvailability,
)

SESSION_TAKEN = (Appointment.Status.CONFIRMED, Appointment.Status.COMPLETED, Appointment.Status.NO_SHOW)


@dataclass
class Attendance:
    attended: int = 0  # 1:1 sessions completed + classes checked in
    no_shows: int = 0
    late_cancels: int = 0  # the client's own cancellations inside the late window


def _outcomes(bookings: QuerySet[Any], status: Any) -> QuerySet[Any]:
    """Per client: attended (COMPLETED or ATTENDED), no-shows and late cancels of `bookings`."""
    present = getattr(status, "COMPLETED", None) or status.ATTENDED
    return bookings.values("client_id").annotate(
        attended=Count("id", filter=Q(status=present)),
        no_shows=Count("id", filter=Q(status=status.NO_SHOW)),
        late=Count("id", filter=Q(status=status.CANCELLED, is_late_cancellation=True)),
    )


def attendance_by_client(*, start: datetime, end: datetime) -> dict[int, Attendance]:
    """client id -> what they attended, missed and late-cancelled of bookings starting in [start, end)."""
    result: dict[int, Attendance] = defaultdict(Attendance)
    appointments = _outcomes(Appointment.objects.filter(starts_at__gte=start, starts_at__lt=end), Appointment.Status)
    seats = _outcomes(
        SessionParticipant.objects.filter(session__starts_at__gte=start, session__starts_at__lt=end),
        SessionParticipant.Status,
    )
    for row in [*appointments, *seats]:
        one = result[row["client_id"]]
        one.attended += row["attended"]
        one.no_shows += row["no_shows"]
        one.late_cancels += row["late"]
    return dict(result)


def last_visit_by_client(*, until: datetime) -> dict[int, datetime]:
    """client id -> the start of the latest session or class they attended, before `until`."""
    last: dict[int, datetime] = {}
    appointments = (
        Appointment.objects.filter(status=Appointment.Status.COMPLETED, starts_at__lt=until)
        .values("client_id")
        .annotate(last=Max("starts_at"))
    )
    seats = (
        SessionParticipant.objects.filter(status=SessionParticipant.Status.ATTENDED, session__starts_at__lt=until)
        .values("client_id")
        .annotate(last=Max("session__starts_at"))
    )
    for row in [*appointments, *seats]:
        if row["client_id"] not in last or row["last"] > last[row["client_id"]]:
            last[row["client_id"]] = row["last"]
    return last


@dataclass(frozen=True)
class ClassFigures:
    sessions: int  # classes held (not cancelled)
    capacity: int  # their seats
    checkins: int  # participants checked in
    no_shows: int  # seats booked and not used


@dataclass(frozen=True)
class ClassTypeFigures(ClassFigures):
    class_type_id: int = 0
    name: str = ""


def class_figures_by_type(*, start: datetime, end: datetime) -> list[ClassTypeFigures]:
    """The classes starting in [start, end) that were not cancelled, per class type (by name): seats,
    check-ins and no-shows. Two grouped queries; the studio's totals are their sums (`class_totals`)."""
    held = GroupSession.objects.filter(starts_at__gte=start, starts_at__lt=end).exclude(
        status=GroupSession.Status.CANCELLED
    )
    seats: dict[int, dict[str, int]] = {
        row["session__class_type_id"]: {"checkins": row["checkins"], "no_shows": row["no_shows"]}
        for row in SessionParticipant.objects.filter(session__in=held)
        .values("session__class_type_id")
        .annotate(
            checkins=Count("id", filter=Q(status=SessionParticipant.Status.ATTENDED)),
            no_shows=Count("id", filter=Q(status=SessionParticipant.Status.NO_SHOW)),
        )
    }
    figures = []
    for row in held.values("class_type_id", "class_type__name").annotate(n=Count("id"), capacity=Sum("capacity")):
        taken = seats.get(row["class_type_id"], {})
        figures.append(
            ClassTypeFigures(
                sessions=row["n"],
                capacity=row["capacity"] or 0,
                checkins=taken.get("checkins", 0),
                no_shows=taken.get("no_shows", 0),
                class_type_id=row["class_type_id"],
                name=row["class_type__name"],
            )
        )
    return sorted(figures, key=lambda f: (f.name.casefold(), f.class_type_id))


def class_totals(figures: list[ClassTypeFigures]) -> ClassFigures:
    """The studio's class figures: the sums of its class types'."""
    return ClassFigures(
        sum(f.sessions for f in figures),
        sum(f.capacity for f in figures),
        sum(f.checkins for f in figures),
        sum(f.no_shows for f in figures),
    )


def _minutes_within(intervals: list[tuple[datetime, datetime]], start: datetime, end: datetime) -> int:
    total = timedelta()
    for one_start, one_end in intervals:
        overlap = min(one_end, end) - max(one_start, start)
        if overlap > timedelta():
            total += overlap
    return int(total.total_seconds() // 60)


def trainer_hours(*, day: date, zone: ZoneInfo) -> dict[int, tuple[int, int]]:
    """trainer id -> (minutes booked, minutes available) on the studio date `day`.

    Available: the trainer's working hours that day (weekly hours, time off and extra hours, as the slot
    engine reads them). Booked: 1:1 sessions given (confirmed, completed or no-show) and classes taught
    (not cancelled), the parts inside the day. Four queries for every trainer together.
    """
    start = datetime.combine(day, datetime.min.time(), zone)
    end = datetime.combine(day + timedelta(days=1), datetime.min.time(), zone)
    weekly: dict[int, list[slots.WeeklyRange]] = defaultdict(list)
    for trainer_id, weekday, from_, until, valid_from, valid_until in TrainerAvailability.objects.values_list(
        "trainer_id", "weekday", "start_time", "end_time", "valid_from", "valid_until"
    ):
        weekly[trainer_id].append(slots.WeeklyRange(weekday, from_, until, valid_from, valid_until))
    exceptions: dict[int, list[slots.DayException]] = defaultdict(list)
    for trainer_id, when, kind, off_from, off_until in AvailabilityException.objects.filter(
        date__gte=day - timedelta(days=1), date__lte=day
    ).values_list("trainer_id", "date", "kind", "start_time", "end_time"):
        extra = kind == AvailabilityException.Kind.EXTRA
        exceptions[trainer_id].append(slots.DayException(when, extra, off_from, off_until))
    busy: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    for trainer_id, s, e in Appointment.objects.filter(
        status__in=SESSION_TAKEN, starts_at__lt=end, ends_at__gt=start
    ).values_list("trainer_id", "starts_at", "ends_at"):
        busy[trainer_id].append((s, e))
    for trainer_id, s, e in (
        GroupSession.objects.filter(starts_at__lt=end, ends_at__gt=start)
        .exclude(status=GroupSession.Status.CANCELLED)
        .values_list("instructor_id", "starts_at", "ends_at")
    ):
        busy[trainer_id].append((s, e))
    hours: dict[int, tuple[int, int]] = {}
    for trainer_id in set(weekly) | set(exceptions) | set(busy):
        windows = slots.working_windows(
            tz=zone,
            start_date=day,
            end_date=day,
            weekly=weekly.get(trainer_id, []),
            exceptions=exceptions.get(trainer_id, []),
        )
        hours[trainer_id] = (
            _minutes_within(busy.get(trainer_id, []), start, end),
            _minutes_within(windows, start, end),
        )
    return hours


@dataclass(frozen=True)
class RateableBooking:
    trainer_id: int
    starts_at: datetime
    class_type_name: str  # "" for a 1:1 session


def attended_booking(
    *, client_id: int, appointment_id: int | None = None, participant_id: int | None = None
) -> RateableBooking | None:
    """The client's attended 1:1 session or class seat (for a rating), or None if there is none such."""
    if appointment_id is not None:
        row = (
            Appointment.objects.filter(pk=appointment_id, client_id=client_id, status=Appointment.Status.COMPLETED)
            .values_list("trainer_id", "starts_at")
            .first()
        )
        return RateableBooking(row[0], row[1], "") if row else None
    if participant_id is None:
        return None
    seat = (
        SessionParticipant.objects.filter(
            pk=participant_id, client_id=client_id, status=SessionParticipant.Status.ATTENDED
        )
        .values_list("session__instructor_id", "session__starts_at", "session__class_type__name")
        .first()
    )
    return RateableBooking(*seat) if seat else None


def attended_unrated(
    *, client_id: int, since: datetime, rated_appointments: set[int], rated_seats: set[int]
) -> list[tuple[str, int, datetime, str]]:
    """The client's attended sessions and classes since `since` that they have not rated, newest first.

    Each is ("appointment" | "participant", id, start, what): what is the class type's name or "".
    """
    items: list[tuple[str, int, datetime, str]] = [
        ("appointment", pk, starts_at, "")
        for pk, starts_at in Appointment.objects.filter(
            client_id=client_id, status=Appointment.Status.COMPLETED, starts_at__gte=since
        )
        .exclude(pk__in=rated_appointments)
        .values_list("pk", "starts_at")
    ]
    items += [
        ("participant", pk, starts_at, name)
        for pk, starts_at, name in SessionParticipant.objects.filter(
            client_id=client_id, status=SessionParticipant.Status.ATTENDED, session__starts_at__gte=since
        )
        .exclude(pk__in=rated_seats)
        .values_list("pk", "session__starts_at", "session__class_type__name")
    ]
    return sorted(items, key=lambda item: item[2], reverse=True)
