"""Open slots: working hours minus busy time, buffers, exceptions, notice — and right across DST changes."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from domain.scheduling import slots
from domain.scheduling.models import Appointment, AvailabilityException
from domain.scheduling.selectors import trainer_slots
from tests.factories.core import TrainerFactory
from tests.factories.scheduling import (
    AppointmentFactory,
    AppointmentTypeFactory,
    AvailabilityExceptionFactory,
    AvailabilityFactory,
    GroupSessionFactory,
)

pytestmark = pytest.mark.date_sensitive  # make test-instants runs it at each fixed instant

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")


def at(zone: ZoneInfo, y: int, m: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, m, d, h, mi, tzinfo=zone)


def every_day(start: time, end: time) -> list[slots.WeeklyRange]:
    return [slots.WeeklyRange(weekday, start, end) for weekday in range(7)]


# --- The pure engine across daylight-saving changes (two zones, both directions) -------------------


@pytest.mark.pure
@pytest.mark.parametrize(
    ("zone", "first_day", "change_day", "utc_hour_before", "utc_hour_after"),
    [
        (LONDON, date(2027, 3, 25), date(2027, 3, 28), 9, 8),  # BST starts: 09:00 GMT -> 08:00 UTC
        (LONDON, date(2027, 10, 28), date(2027, 10, 31), 8, 9),  # BST ends
        (NEW_YORK, date(2027, 3, 11), date(2027, 3, 14), 14, 13),  # EDT starts: 09:00 EST = 14:00 UTC
        (NEW_YORK, date(2027, 11, 4), date(2027, 11, 7), 13, 14),  # EDT ends
    ],
)
def test_working_hours_stay_at_local_nine_across_a_dst_week(
    zone, first_day, change_day, utc_hour_before, utc_hour_after
):
    # given 09:00-12:00 every day, for the week around a clock change
    windows = slots.working_windows(
        tz=zone, start_date=first_day, end_date=first_day + timedelta(days=6), weekly=every_day(time(9), time(12))
    )
    # then every day's hours start at 09:00 local, and the UTC hour moves on the change day
    assert len(windows) == 7
    for start, end in windows:
        assert start.astimezone(zone).time() == time(9)
        assert end - start == timedelta(hours=3)
        expected = utc_hour_before if start.astimezone(zone).date() < change_day else utc_hour_after
        assert start.astimezone(UTC).hour == expected


@pytest.mark.pure
@pytest.mark.parametrize(
    ("zone", "day", "hours"),
    [
        (LONDON, date(2027, 3, 28), 3),  # 00:00-04:00 local lasts 3 real hours (01:00 -> 02:00 skipped)
        (LONDON, date(2027, 10, 31), 5),  # ... and 5 when 01:00-02:00 happens twice
        (NEW_YORK, date(2027, 3, 14), 3),
        (NEW_YORK, date(2027, 11, 7), 5),
    ],
)
def test_slots_on_the_change_night_follow_real_time(zone, day, hours):
    # given night hours 00:00-04:00 on the night the clocks change, hourly slots
    windows = slots.working_windows(tz=zone, start_date=day, end_date=day, weekly=every_day(time(0), time(4)))
    rules = slots.SlotRules(duration=timedelta(hours=1), step=timedelta(hours=1))
    # when slots are computed
    found = list(slots.open_slots(windows=windows, busy=[], rules=rules))
    # then there are as many one-hour slots as real hours, none overlapping
    assert len(found) == hours
    assert all(b - a == timedelta(hours=1) for a, b in itertools.pairwise(found))


@pytest.mark.pure
def test_buffers_keep_the_larger_gap_on_each_side():
    # given 09:00-17:00 and a booking 12:00-13:00 that wants 30 minutes after it
    day = date(2027, 6, 7)
    windows = slots.working_windows(tz=LONDON, start_date=day, end_date=day, weekly=every_day(time(9), time(17)))
    busy = [slots.Busy(at(LONDON, 2027, 6, 7, 12), at(LONDON, 2027, 6, 7, 13), after=timedelta(minutes=30))]
    # when a 60-minute type with a 15-minute buffer before it asks for 15-minute starts
    rules = slots.SlotRules(
        duration=timedelta(hours=1), step=timedelta(minutes=15), buffer_before=timedelta(minutes=15)
    )
    starts = [s.astimezone(LONDON).time() for s in slots.open_slots(windows=windows, busy=busy, rules=rules)]
    # then the last morning slot ends exactly at 12:00 and the first afternoon one starts at 13:30
    assert time(11) in starts
    assert time(11, 15) not in starts
    assert time(13, 15) not in starts
    assert time(13, 30) in starts


# --- Through the database: the selector the API uses --------------------------------------------


@pytest.fixture
def trainer(tenant):
    person = TrainerFactory()
    for weekday in range(5):  # Monday to Friday, 09:00-12:00 and 13:00-17:00
        AvailabilityFactory(trainer=person, weekday=weekday, start_time=time(9), end_time=time(12))
        AvailabilityFactory(trainer=person, weekday=weekday, start_time=time(13), end_time=time(17))
    return person


@pytest.fixture
def hour_type(tenant):
    return AppointmentTypeFactory(duration_minutes=60, slot_step_minutes=60, min_notice_minutes=0)


def local_starts(found, zone=LONDON) -> list[datetime]:
    return [slot.starts_at.astimezone(zone).replace(tzinfo=None) for slot in found]


@pytest.mark.django_db
def test_a_weekday_offers_the_working_hours_in_hourly_slots(trainer, hour_type):
    # given a Monday with 09-12 and 13-17 hours, nothing booked
    monday = date(2027, 6, 7)
    # when the slots of that day are asked for
    found = trainer_slots(
        trainer_id=trainer.pk,
        appointment_type_id=hour_type.pk,
        start_date=monday,
        end_date=monday,
        now=at(LONDON, 2027, 6, 1),
    )
    # then 3 morning and 4 afternoon hours are offered, and the weekend is not
    assert [s.hour for s in local_starts(found)] == [9, 10, 11, 13, 14, 15, 16]
    weekend = trainer_slots(
        trainer_id=trainer.pk,
        appointment_type_id=hour_type.pk,
        start_date=date(2027, 6, 5),
        end_date=date(2027, 6, 6),
        now=at(LONDON, 2027, 6, 1),
    )
    assert weekend == []


@pytest.mark.django_db
def test_appointments_classes_and_buffers_are_taken_out_but_cancelled_bookings_are_not(trainer, hour_type):
    # given a Monday with a 10:00 appointment (30-minute buffer after), a class at 15:00, a cancelled 16:00
    monday = date(2027, 6, 7)
    AppointmentFactory(
        trainer=trainer,
        starts_at=at(LONDON, 2027, 6, 7, 10),
        ends_at=at(LONDON, 2027, 6, 7, 11),
        buffer_after_minutes=30,
    )
    GroupSessionFactory(instructor=trainer, starts_at=at(LONDON, 2027, 6, 7, 15), ends_at=at(LONDON, 2027, 6, 7, 16))
    AppointmentFactory(
        trainer=trainer,
        starts_at=at(LONDON, 2027, 6, 7, 16),
        ends_at=at(LONDON, 2027, 6, 7, 17),
        status=Appointment.Status.CANCELLED,
        cancelled_at=at(LONDON, 2027, 6, 1),
    )
    # when the day's slots are computed
    found = trainer_slots(
        trainer_id=trainer.pk,
        appointment_type_id=hour_type.pk,
        start_date=monday,
        end_date=monday,
        now=at(LONDON, 2027, 6, 1),
    )
    # then 10:00 (booked) and 11:00 (inside the buffer) and 15:00 (class) are gone; 16:00 is free again
    assert [s.hour for s in local_starts(found)] == [9, 13, 14, 16]


@pytest.mark.django_db
def test_time_off_and_extra_hours_change_a_day(trainer, hour_type):
    # given the Monday off, Tuesday off from 13:00 to 15:00, and extra hours on Saturday 10-12
    AvailabilityExceptionFactory(trainer=trainer, date=date(2027, 6, 7))
    AvailabilityExceptionFactory(trainer=trainer, date=date(2027, 6, 8), start_time=time(13), end_time=time(15))
    AvailabilityExceptionFactory(
        trainer=trainer,
        date=date(2027, 6, 12),
        kind=AvailabilityException.Kind.EXTRA,
        start_time=time(10),
        end_time=time(12),
    )
    # when the week's slots are computed
    found = local_starts(
        trainer_slots(
            trainer_id=trainer.pk,
            appointment_type_id=hour_type.pk,
            start_date=date(2027, 6, 7),
            end_date=date(2027, 6, 13),
            now=at(LONDON, 2027, 6, 1),
        )
    )
    by_day: dict[int, list[int]] = {}
    for start in found:
        by_day.setdefault(start.day, []).append(start.hour)
    # then Monday is empty, Tuesday lost 13 and 14, Saturday gained 10 and 11
    assert 7 not in by_day
    assert by_day[8] == [9, 10, 11, 15, 16]
    assert by_day[12] == [10, 11]
    assert 13 not in by_day


@pytest.mark.django_db
def test_minimum_notice_and_booking_horizon_bound_the_slots(trainer):
    # given a type needing 3 hours' notice and bookable 2 days ahead; it is Monday 08:30
    kind = AppointmentTypeFactory(duration_minutes=60, slot_step_minutes=60, min_notice_minutes=180, max_advance_days=2)
    now = at(LONDON, 2027, 6, 7, 8, 30)
    # when the week's slots are asked for
    found = local_starts(
        trainer_slots(
            trainer_id=trainer.pk,
            appointment_type_id=kind.pk,
            start_date=date(2027, 6, 7),
            end_date=date(2027, 6, 11),
            now=now,
        )
    )
    # then nothing starts before 11:30: on the hourly grid the first slot is 13:00 after lunch
    assert found[0] == datetime(2027, 6, 7, 13)
    # and nothing starts after Wednesday 08:30
    assert found[-1] <= datetime(2027, 6, 9, 8, 30)
    assert found[-1] == datetime(2027, 6, 8, 16)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("zone_name", "week_start", "change_day"),
    [
        ("Europe/London", date(2027, 3, 22), date(2027, 3, 28)),
        ("America/New_York", date(2027, 3, 8), date(2027, 3, 14)),
    ],
)
def test_studio_zone_drives_slots_across_a_dst_week(tenant, hour_type, zone_name, week_start, change_day):
    # given a studio in `zone_name` and a trainer working 09-11 every day
    tenant.timezone = zone_name
    zone = ZoneInfo(zone_name)
    person = TrainerFactory()
    for weekday in range(7):
        AvailabilityFactory(trainer=person, weekday=weekday, start_time=time(9), end_time=time(11))
    # when two weeks spanning the clock change are computed
    found = trainer_slots(
        trainer_id=person.pk,
        appointment_type_id=hour_type.pk,
        start_date=week_start,
        end_date=week_start + timedelta(days=13),
        now=datetime(2027, 1, 1, tzinfo=UTC),
    )
    # then every day offers 09:00 and 10:00 local, whichever offset applies
    assert len(found) == 28
    assert {slot.starts_at.astimezone(zone).time() for slot in found} == {time(9), time(10)}
    offsets = {slot.starts_at.astimezone(zone).utcoffset() for slot in found}
    assert len(offsets) == 2
    after_change = [s for s in found if s.starts_at.astimezone(zone).date() >= change_day]
    assert all(s.starts_at.astimezone(zone).utcoffset() == max(offsets) for s in after_change)


@pytest.mark.django_db
def test_slots_cost_a_fixed_number_of_queries_whatever_the_bookings(trainer, hour_type):
    def queries_for(end_date: date) -> int:
        with CaptureQueriesContext(connection) as captured:
            trainer_slots(
                trainer_id=trainer.pk,
                appointment_type_id=hour_type.pk,
                start_date=date(2027, 6, 1),
                end_date=end_date,
                now=at(LONDON, 2027, 5, 1),
            )
        return len(captured)

    # given the cost of one quiet day
    one_day = queries_for(date(2027, 6, 1))
    # 4 queries; 8 if each is preceded by a SET search_path (the backend skips it when the schema is set)
    assert one_day <= 8
    # when the month fills with bookings and a whole month is asked for
    for day in range(1, 28):
        AppointmentFactory(trainer=trainer, starts_at=at(LONDON, 2027, 6, day, 9), ends_at=at(LONDON, 2027, 6, day, 10))
    # then it costs the same queries (type and trainer, hours, exceptions, busy time)
    assert queries_for(date(2027, 6, 30)) == one_day
