"""The timetable's history: trainers' weekly hours, three weekly classes (one always full, with a
waitlist) and weekly one-to-one sessions, booked ahead by the clients and checked in by the trainers,
with the odd no-show; the next two weeks are booked but not yet taken.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from core.exceptions import ApplicationError
from core.models import User
from domain.scheduling import services as scheduling
from domain.scheduling.models import Appointment, AppointmentType, ClassType, GroupSession, TrainerAvailability
from tenants.demo.clock import Calendar, at
from tenants.demo.people import Cast

# name, weekday, hour, minute, capacity, trainer index, colour
CLASSES = [
    ("HIIT express", 0, 18, 30, 10, 0, "#C2410C"),
    ("Yoga flow", 2, 7, 0, 8, 1, "#047857"),
    ("Strength circuit", 5, 9, 0, 6, 2, "#1D4ED8"),
]
AHEAD_WEEKS = 2


def hours_ensure(*, cast: Cast, calendar: Calendar) -> AppointmentType:
    """Each trainer's weekly hours and the studio's one-to-one session type (made before the history)."""
    before = calendar.moment(calendar.first - timedelta(days=9), 9)
    for trainer in cast.trainers:
        if not TrainerAvailability.objects.filter(trainer=trainer).exists():
            weekdays = [
                scheduling.WeeklyHours(day, start, end)
                for day in range(5)
                for start, end in ((time(7), time(12)), (time(16), time(20)))
            ]
            with at(before):
                scheduling.availability_set(
                    actor=trainer,
                    trainer_id=trainer.pk,
                    hours=[*weekdays, scheduling.WeeklyHours(5, time(8), time(12))],
                )
    kind = AppointmentType.objects.order_by("pk").first()
    if kind is None:
        with at(before):
            kind = scheduling.appointment_type_create(
                actor=cast.owner,
                name="Personal training",
                description="One-to-one coaching on the gym floor.",
                duration_minutes=60,
                location="Main floor",
                buffer_after_minutes=10,
                min_notice_minutes=120,
                max_advance_days=30,
            )
    return kind


def class_types_ensure(*, cast: Cast, calendar: Calendar) -> dict[str, ClassType]:
    found = {kind.name: kind for kind in ClassType.objects.all()}
    for name, _day, _hour, _minute, capacity, _trainer, colour in CLASSES:
        if name not in found:
            with at(calendar.moment(calendar.first - timedelta(days=9), 9)):
                found[name] = scheduling.class_type_create(
                    actor=cast.owner, name=name, duration_minutes=45, default_capacity=capacity, color=colour
                )
    return found


def timetable_ensure(*, cast: Cast, calendar: Calendar) -> None:
    """Hours, the one-to-one type and the class types: what the price list and the bookings refer to."""
    hours_ensure(cast=cast, calendar=calendar)
    class_types_ensure(cast=cast, calendar=calendar)


def _weeks(calendar: Calendar) -> list[date]:
    return [calendar.first + timedelta(weeks=week) for week in range(calendar.weeks + AHEAD_WEEKS)]


def classes_run(*, cast: Cast, calendar: Calendar) -> None:
    """Schedule the classes, seat the clients who hold a pass (the extra ones wait), take attendance."""
    kinds = class_types_ensure(cast=cast, calendar=calendar)
    if GroupSession.objects.filter(class_type__in=[kinds[c[0]] for c in CLASSES]).exists():
        return
    for monday in _weeks(calendar):
        for name, weekday, hour, minute, capacity, trainer_index, _colour in CLASSES:
            starts = calendar.moment(monday + timedelta(days=weekday), hour, minute)
            instructor = cast.trainers[trainer_index % len(cast.trainers)]
            with at(starts - timedelta(days=14)):
                session = scheduling.group_session_create(
                    actor=cast.owner,
                    class_type_id=kinds[name].pk,
                    starts_at=starts,
                    instructor_id=instructor.pk,
                    room="Studio 1",
                )
            wanted = capacity + 2 if capacity <= 6 else capacity - 2 - calendar.rng.randrange(3)
            seated = []
            for offset, client in enumerate(calendar.rng.sample(cast.clients, wanted)):
                with at(starts - timedelta(days=3, minutes=-offset * 7)):
                    try:
                        seated.append(scheduling.group_session_register(actor=client, session_id=session.pk))
                    except ApplicationError:
                        continue  # no pass left, or blocked: the rules said no, as they would have
            if starts.date() >= calendar.today:
                continue
            with at(starts + timedelta(minutes=50)):
                for participant in seated:
                    if participant.status != participant.Status.BOOKED:
                        continue
                    scheduling.participant_mark_attendance(
                        actor=instructor, participant_id=participant.pk, attended=calendar.rng.random() > 0.08
                    )


def appointments_run(*, cast: Cast, calendar: Calendar) -> None:
    """A weekly one-to-one (Tuesday or Thursday evening) for every client who bought personal training."""
    kind = hours_ensure(cast=cast, calendar=calendar)
    for position, client in enumerate(cast.clients):
        if position % 3 or Appointment.objects.filter(client=client).exists():
            continue
        trainer = cast.trainer_of(client)
        for monday in _weeks(calendar)[max(0, calendar.weeks - 5) :]:  # the last five weeks and the next two
            starts = calendar.moment(monday + timedelta(days=1 + 2 * (position % 2)), 16 + position % 4)
            _appointment(trainer=trainer, client=client, kind=kind, calendar=calendar, starts=starts)


def _appointment(*, trainer: User, client: User, kind: AppointmentType, calendar: Calendar, starts: datetime) -> None:
    with at(starts - timedelta(days=5)):
        try:
            appointment = scheduling.appointment_book(
                actor=trainer, trainer_id=trainer.pk, client_id=client.pk, appointment_type_id=kind.pk, starts_at=starts
            )
        except ApplicationError:
            return  # out of credits: the pack is used up
    if starts.date() < calendar.today:
        with at(starts + timedelta(minutes=65)):
            scheduling.appointment_mark_attendance(
                actor=trainer, appointment_id=appointment.pk, attended=calendar.rng.random() > 0.1
            )
