"""Recurring series: generation with exclusions, conflicts reported, edit/cancel one or this-and-following."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.scheduling import services
from domain.scheduling.models import Appointment, GroupSession, RecurrenceConflict, RecurringPattern
from tests.factories.clients import assigned_client
from tests.factories.core import TrainerFactory
from tests.factories.scheduling import AppointmentFactory, AppointmentTypeFactory, ClassTypeFactory

pytestmark = [pytest.mark.django_db, pytest.mark.date_sensitive]

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2027, 3, 1, 8, tzinfo=LONDON)


@pytest.fixture
def people(tenant):
    trainer = TrainerFactory()
    return trainer, assigned_client(trainer), AppointmentTypeFactory(duration_minutes=60)


def series(people, **rule):
    trainer, client, kind = people
    defaults = {"frequency": "weekly", "starts_on": date(2027, 3, 15), "start_time": time(7), "weekdays": (0, 2)}
    return services.appointment_series_create(
        actor=trainer,
        trainer_id=trainer.pk,
        client_id=client.pk,
        appointment_type_id=kind.pk,
        rule=services.RecurrenceRule(**{**defaults, **rule}),
        now=NOW,
    )


def local(appointments) -> list[datetime]:
    return [a.starts_at.astimezone(LONDON).replace(tzinfo=None) for a in appointments]


def test_weekly_series_with_an_exclusion_keeps_local_time_across_dst(people):
    # when Mondays and Wednesdays at 07:00, 6 occurrences, are booked across the March clock change,
    # with Wednesday 24 March excluded
    result = series(people, count=6, excluded_dates=(date(2027, 3, 24),))
    # then 5 are made (the count includes the excluded date, as in RFC 5545), all at 07:00 local
    assert local(result.created) == [
        datetime(2027, 3, 15, 7),
        datetime(2027, 3, 17, 7),
        datetime(2027, 3, 22, 7),
        datetime(2027, 3, 29, 7),
        datetime(2027, 3, 31, 7),
    ]
    offsets = {a.starts_at.astimezone(LONDON).utcoffset() for a in result.created}
    assert offsets == {timedelta(0), timedelta(hours=1)}
    assert result.conflicts == []
    assert all(a.recurrence == result.pattern and a.status == Appointment.Status.CONFIRMED for a in result.created)


def test_a_clashing_occurrence_is_reported_not_silently_dropped(people):
    # given the trainer already busy on Wednesday 17 March at 07:30
    trainer = people[0]
    AppointmentFactory(
        trainer=trainer,
        starts_at=datetime(2027, 3, 17, 7, 30, tzinfo=LONDON),
        ends_at=datetime(2027, 3, 17, 8, 30, tzinfo=LONDON),
    )
    # when the series is made
    result = series(people, until=date(2027, 3, 24))
    # then the other occurrences exist and the clash is reported and recorded
    assert local(result.created) == [datetime(2027, 3, 15, 7), datetime(2027, 3, 22, 7), datetime(2027, 3, 24, 7)]
    assert [c.starts_at for c in result.conflicts] == [datetime(2027, 3, 17, 7, tzinfo=LONDON)]
    assert RecurrenceConflict.objects.filter(pattern=result.pattern).count() == 1


def test_monthly_every_other_week_and_the_horizon(people):
    # monthly on the 31st skips months without one
    monthly = series(people, frequency="monthly", starts_on=date(2027, 3, 31), weekdays=(), until=date(2027, 8, 31))
    assert [d.date() for d in local(monthly.created)] == [date(2027, 3, 31)]  # only 84 days are made ahead
    # the daily extension makes the rest as the horizon moves on
    pattern_id = monthly.pattern.pk
    in_may = services.recurrence_extend(pattern_id=pattern_id, now=datetime(2027, 5, 20, tzinfo=LONDON))
    in_june = services.recurrence_extend(pattern_id=pattern_id, now=datetime(2027, 6, 15, tzinfo=LONDON))
    assert [d.date() for d in local(in_may.created)] == [date(2027, 5, 31), date(2027, 7, 31)]
    assert [d.date() for d in local(in_june.created)] == [date(2027, 8, 31)]
    # every other Friday
    fortnightly = series(people, weekdays=(4,), interval=2, starts_on=date(2027, 4, 2), count=3, start_time=time(18))
    assert [d.date() for d in local(fortnightly.created)] == [date(2027, 4, 2), date(2027, 4, 16), date(2027, 4, 30)]


def test_extending_again_makes_nothing_twice(people):
    result = series(people, until=date(2027, 12, 31))
    later = datetime(2027, 4, 1, tzinfo=LONDON)
    first = services.recurrence_extend(pattern_id=result.pattern.pk, now=later)
    again = services.recurrence_extend(pattern_id=result.pattern.pk, now=later)
    assert first.created
    assert again.created == []
    made = Appointment.objects.filter(recurrence=result.pattern)
    assert made.count() == len({a.original_starts_at for a in made})


def test_cancel_one_occurrence_leaves_the_rest(people):
    result = series(people, count=4)
    target = result.created[1]
    services.appointment_cancel(actor=people[0], appointment_id=target.pk, now=NOW)
    statuses = list(Appointment.objects.filter(recurrence=result.pattern).values_list("status", flat=True))
    assert statuses.count(Appointment.Status.CANCELLED) == 1
    assert len(statuses) == 4


def test_cancel_this_and_following_ends_the_series_there(people):
    # given a series of 8 occurrences
    result = series(people, count=8)
    third = result.created[2]
    # when the third and following are cancelled
    cancelled = services.appointment_cancel(actor=people[0], appointment_id=third.pk, scope="following", now=NOW)
    # then 6 are cancelled, the first two live, and extending later does not bring them back
    assert len(cancelled) == 6
    live = Appointment.objects.filter(recurrence=result.pattern, status__in=Appointment.LIVE)
    assert list(live) == result.created[:2]
    result.pattern.refresh_from_db()
    assert result.pattern.until == date(2027, 3, 21)
    assert services.recurrence_extend(pattern_id=result.pattern.pk, now=NOW).created == []


def test_moving_one_occurrence_marks_it_as_an_exception(people):
    result = series(people, count=4)
    moved = result.created[1]
    services.appointment_update(
        actor=people[0], appointment_id=moved.pk, starts_at=datetime(2027, 3, 18, 9, tzinfo=LONDON), now=NOW
    )
    moved.refresh_from_db()
    assert moved.is_exception
    assert moved.original_starts_at == datetime(2027, 3, 17, 7, tzinfo=LONDON)
    assert local(Appointment.objects.filter(recurrence=result.pattern).exclude(pk=moved.pk)) == [
        datetime(2027, 3, 15, 7),
        datetime(2027, 3, 22, 7),
        datetime(2027, 3, 24, 7),
    ]


def test_moving_this_and_following_splits_the_series(people):
    # given Mondays and Wednesdays 07:00, 6 times, and the trainer busy on Wednesday 31 March at 08:00
    trainer = people[0]
    AppointmentFactory(
        trainer=trainer,
        starts_at=datetime(2027, 3, 31, 8, tzinfo=LONDON),
        ends_at=datetime(2027, 3, 31, 9, tzinfo=LONDON),
    )
    result = series(people, count=6)
    third = result.created[2]  # Monday 22 March
    # when the third and following move one hour later
    change = services.appointment_update(
        actor=trainer,
        appointment_id=third.pk,
        starts_at=datetime(2027, 3, 22, 8, tzinfo=LONDON),
        scope="following",
        notes="Later start",
        now=NOW,
    )
    # then the first two keep 07:00 in the old series, which now ends the day before
    result.pattern.refresh_from_db()
    assert result.pattern.until == date(2027, 3, 21)
    assert local(Appointment.objects.filter(recurrence=result.pattern)) == [
        datetime(2027, 3, 15, 7),
        datetime(2027, 3, 17, 7),
    ]
    # and the rest belong to a new series at 08:00, except the clash, which kept its time and is reported
    new = Appointment.objects.filter(recurrence=change.pattern).order_by("original_starts_at")
    assert local(new) == [
        datetime(2027, 3, 22, 8),
        datetime(2027, 3, 24, 8),
        datetime(2027, 3, 29, 8),
        datetime(2027, 3, 31, 7),
    ]
    assert [c.starts_at for c in change.conflicts] == [datetime(2027, 3, 31, 8, tzinfo=LONDON)]
    assert all(a.notes == "Later start" for a in new)
    assert change.pattern.start_time == time(8)
    assert change.pattern.count == 4


def test_a_class_series_is_made_with_its_room_and_capacity(tenant):
    trainer = TrainerFactory()
    result = services.group_session_series_create(
        actor=trainer,
        class_type_id=ClassTypeFactory().pk,
        capacity=12,
        room="Studio B",
        rule=services.RecurrenceRule(
            frequency="weekly", starts_on=date(2027, 3, 1), start_time=time(18), weekdays=(1, 3), count=4
        ),
        now=NOW,
    )
    assert len(result.created) == 4
    assert set(GroupSession.objects.filter(recurrence=result.pattern).values_list("room", "capacity")) == {
        ("Studio B", 12)
    }
    assert result.pattern.kind == RecurringPattern.Kind.CLASS


def test_an_invalid_rule_changes_nothing(people):
    from core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        series(people)  # neither until nor count
    assert not RecurringPattern.objects.exists()
