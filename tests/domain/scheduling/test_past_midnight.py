"""Working hours past midnight: Friday 22:30 until Saturday 02:00 is one shift, and its slots flow across midnight.

The test studio is in Europe/London; the clock-change nights are those of 2027 (BST starts on Sunday
28 March, ends on Sunday 31 October).
"""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from domain.scheduling import slots
from domain.scheduling.models import Appointment, AvailabilityException, TrainerAvailability
from domain.scheduling.selectors import trainer_slots
from tests.conftest import host_of
from tests.factories.core import ClientFactory, TrainerFactory
from tests.factories.scheduling import AppointmentTypeFactory, AvailabilityFactory

pytestmark = pytest.mark.date_sensitive  # make test-instants runs it at each fixed instant

LONDON = ZoneInfo("Europe/London")
FRIDAY = date(2027, 6, 4)
SATURDAY = FRIDAY + timedelta(days=1)
NOW = datetime(2027, 6, 1, 12, tzinfo=UTC)  # the pinned clock for everything that asks for "now"
HOUR_EVERY_HALF_HOUR = slots.SlotRules(duration=timedelta(hours=1), step=timedelta(minutes=30))


def local(found) -> list[str]:
    """Slot starts as London wall-clock "Fri 23:30" labels."""
    return [moment.astimezone(LONDON).strftime("%a %H:%M") for moment in found]


def engine_slots(weekly, exceptions=(), *, first: date = FRIDAY, last: date = SATURDAY) -> list[str]:
    windows = slots.working_windows(tz=LONDON, start_date=first, end_date=last, weekly=weekly, exceptions=exceptions)
    return local(slots.open_slots(windows=windows, busy=[], rules=HOUR_EVERY_HALF_HOUR))


FRIDAY_NIGHT = ["Fri 22:30", "Fri 23:00", "Fri 23:30", "Sat 00:00", "Sat 00:30", "Sat 01:00"]


# --- The engine ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "weekly",
    [
        [slots.WeeklyRange(4, time(22, 30), time(2))],  # one range, ending on Saturday
        [slots.WeeklyRange(4, time(22, 30), time(0)), slots.WeeklyRange(5, time(0), time(2))],  # two that touch
    ],
    ids=["one-range", "two-ranges-touching-at-midnight"],
)
def test_a_shift_past_midnight_offers_every_slot_across_it(weekly):
    assert engine_slots(weekly) == FRIDAY_NIGHT


def test_an_end_of_midnight_is_the_end_of_the_day():
    assert engine_slots([slots.WeeklyRange(4, time(22, 30), time(0))]) == ["Fri 22:30", "Fri 23:00"]


@pytest.mark.parametrize(
    ("saturday", "expected"),
    [
        # Spring: 01:00 GMT jumps to 02:00 BST, the shift lasts 2.5 real hours; the last hour ends at 02:00 BST
        (date(2027, 3, 27), ["Sat 22:30", "Sat 23:00", "Sat 23:30", "Sun 00:00"]),
        # Autumn: 02:00 BST falls back to 01:00 GMT, the shift lasts 4.5 real hours: 01:00 and 01:30 come twice
        (
            date(2027, 10, 30),
            ["Sat 22:30", "Sat 23:00", "Sat 23:30", "Sun 00:00", "Sun 00:30", "Sun 01:00", "Sun 01:30", "Sun 01:00"],
        ),
    ],
    ids=["bst-starts", "bst-ends"],
)
def test_a_shift_over_the_clock_change_follows_real_time(saturday, expected):
    # given a Saturday shift 22:30 until 02:00 on the night the clocks change
    weekly = [slots.WeeklyRange(5, time(22, 30), time(2))]
    windows = slots.working_windows(
        tz=LONDON, start_date=saturday, end_date=saturday + timedelta(days=1), weekly=weekly
    )
    found = list(slots.open_slots(windows=windows, busy=[], rules=HOUR_EVERY_HALF_HOUR))
    # then every one-hour session fits in real time and ends by 02:00 local
    assert local(found) == expected
    assert all(b - a == timedelta(minutes=30) for a, b in itertools.pairwise(found))
    (window,) = windows
    assert window[1].astimezone(LONDON).time() == time(2)


def test_time_off_after_midnight_cuts_the_previous_nights_shift():
    weekly = [slots.WeeklyRange(4, time(22, 30), time(2))]
    off = [slots.DayException(SATURDAY, extra=False, start=time(0), end=time(1))]
    assert engine_slots(weekly, off) == ["Fri 22:30", "Fri 23:00", "Sat 01:00"]


def test_a_day_off_drops_the_shifts_starting_that_day_only():
    weekly = [slots.WeeklyRange(4, time(22, 30), time(2)), slots.WeeklyRange(5, time(9), time(10))]
    saturday_off = [slots.DayException(SATURDAY, extra=False)]
    friday_off = [slots.DayException(FRIDAY, extra=False)]
    assert engine_slots(weekly, saturday_off) == FRIDAY_NIGHT  # Friday's shift is Friday's
    assert engine_slots(weekly, friday_off) == ["Sat 09:00"]


def test_extra_hours_past_midnight_and_a_range_asked_from_the_day_after():
    extra = [slots.DayException(FRIDAY, extra=True, start=time(22, 30), end=time(2))]
    assert engine_slots([], extra) == FRIDAY_NIGHT
    # asked from Saturday only, the window of Friday night is still there (its grid anchored at 22:30)
    windows = slots.working_windows(tz=LONDON, start_date=SATURDAY, end_date=SATURDAY, weekly=[], exceptions=extra)
    assert [
        (a.astimezone(LONDON).strftime("%a %H:%M"), b.astimezone(LONDON).strftime("%a %H:%M")) for a, b in windows
    ] == [("Fri 22:30", "Sat 02:00")]


def test_end_times_typed_as_24_00_mean_midnight():
    assert slots.end_time_parse("24:00") == time(0)
    assert slots.end_time_parse("02:00") == time(2)
    assert slots.ends_next_day(time(22, 30), time(0))
    assert not slots.ends_next_day(time(9), time(17))
    with pytest.raises(ValueError, match="hour"):
        slots.end_time_parse("25:00")


# --- Through the API (London studio) ---------------------------------------------------------------


@pytest.fixture
def trainer(tenant):
    return TrainerFactory()


def _set_hours(api_client, trainer, *hours):
    return api_client(trainer).post(
        f"/api/v1/trainers/{trainer.pk}/availability",
        {"hours": [{"weekday": d, "start_time": s, "end_time": e} for d, s, e in hours]},
        content_type="application/json",
    )


@pytest.mark.parametrize(
    ("end", "stored", "next_day"),
    [("02:00", time(2), True), ("00:00", time(0), True), ("24:00", time(0), True), ("23:59", time(23, 59), False)],
)
def test_the_api_takes_a_friday_shift_ending_at_or_past_midnight(api_client, trainer, end, stored, next_day):
    response = _set_hours(api_client, trainer, (4, "22:30", end))
    assert response.status_code == 200, response.content
    (hours,) = response.json()["hours"]
    assert (hours["weekday"], hours["start_time"], hours["ends_next_day"]) == (4, "22:30:00", next_day)
    assert TrainerAvailability.objects.get(trainer=trainer).end_time == stored


@pytest.mark.parametrize(
    ("hours", "code"),
    [
        ([(4, "22:30", "22:30")], "range_invalid"),  # empty: neither 0 nor 24 hours is meant
        ([(4, "22:30", "02:00"), (5, "01:00", "03:00")], "ranges_overlap"),  # Saturday 01:00 is still Friday's
        ([(6, "23:00", "01:00"), (0, "00:30", "02:00")], "ranges_overlap"),  # Sunday night runs into Monday
    ],
)
def test_the_api_refuses_empty_and_overlapping_ranges_and_keeps_the_old_hours(api_client, trainer, hours, code):
    AvailabilityFactory(trainer=trainer, weekday=0, start_time=time(9), end_time=time(17))
    response = _set_hours(api_client, trainer, *hours)
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert list(TrainerAvailability.objects.filter(trainer=trainer).values_list("start_time", "end_time")) == [
        (time(9), time(17))
    ]


def test_the_api_refuses_an_end_that_is_not_a_time(api_client, trainer):
    response = _set_hours(api_client, trainer, (4, "22:30", "25:00"))
    assert response.status_code == 422
    assert not TrainerAvailability.objects.filter(trainer=trainer).exists()


def test_extra_hours_past_midnight_through_the_api(api_client, trainer):
    response = api_client(trainer).post(
        f"/api/v1/trainers/{trainer.pk}/availability/exceptions",
        {"date": FRIDAY.isoformat(), "kind": "extra", "start_time": "22:30", "end_time": "24:00"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert (response.json()["end_time"], response.json()["ends_next_day"]) == ("00:00:00", True)
    same = api_client(trainer).post(
        f"/api/v1/trainers/{trainer.pk}/availability/exceptions",
        {"date": FRIDAY.isoformat(), "kind": "extra", "start_time": "22:30", "end_time": "22:30"},
        content_type="application/json",
    )
    assert (same.status_code, same.json()["code"]) == (400, "range_invalid")
    assert AvailabilityException.objects.filter(trainer=trainer).count() == 1


@time_machine.travel(NOW, tick=False)
def test_the_2330_slot_of_a_shift_past_midnight_is_offered_and_booked(api_client, trainer):
    # given Friday 22:30 until Saturday 02:00 and a 60-minute session on a 30-minute grid
    assert _set_hours(api_client, trainer, (4, "22:30", "02:00")).status_code == 200
    kind = AppointmentTypeFactory(trainer=trainer, duration_minutes=60, slot_step_minutes=30, min_notice_minutes=0)
    client = api_client(ClientFactory())

    def offered(day: date) -> list[str]:
        response = client.get(
            f"/api/v1/trainers/{trainer.pk}/slots",
            {"appointment_type_id": kind.pk, "start": day.isoformat(), "end": day.isoformat()},
        )
        assert response.status_code == 200, response.content
        return [slot["starts_at"][11:16] for slot in response.json()["slots"]]

    # then Friday lists its evening, Saturday the slots after midnight: each slot once, on its own date
    assert offered(FRIDAY) == ["22:30", "23:00", "23:30"]
    assert offered(SATURDAY) == ["00:00", "00:30", "01:00"]
    # when the client books 23:30 (ending 00:30 on Saturday)
    booked = client.post(
        "/api/v1/appointments",
        {"trainer_id": trainer.pk, "appointment_type_id": kind.pk, "starts_at": f"{FRIDAY.isoformat()}T23:30:00"},
        content_type="application/json",
    )
    # then it is confirmed, and the slots it covers are gone on both dates
    assert booked.status_code == 201, booked.content
    assert booked.json()["ends_at"].startswith(f"{SATURDAY.isoformat()}T00:30:00")
    assert offered(FRIDAY) == ["22:30"]
    assert offered(SATURDAY) == ["00:30", "01:00"]
    # and a session that would run past 02:00 is refused, nothing more written
    late = client.post(
        "/api/v1/appointments",
        {"trainer_id": trainer.pk, "appointment_type_id": kind.pk, "starts_at": f"{SATURDAY.isoformat()}T01:30:00"},
        content_type="application/json",
    )
    assert (late.status_code, late.json()["code"]) == (400, "outside_availability")
    assert Appointment.objects.filter(trainer=trainer).count() == 1


@time_machine.travel(NOW, tick=False)
def test_the_selector_on_a_clock_change_night(trainer):
    # given Saturday 22:30 until 02:00 on the night BST ends, hourly sessions on an hourly grid
    AvailabilityFactory(trainer=trainer, weekday=5, start_time=time(22, 30), end_time=time(2))
    kind = AppointmentTypeFactory(trainer=trainer, duration_minutes=60, slot_step_minutes=60, min_notice_minutes=0)
    sunday = date(2027, 10, 31)
    # when Sunday's slots are asked for
    found = trainer_slots(trainer_id=trainer.pk, appointment_type_id=kind.pk, start_date=sunday, end_date=sunday)
    # then they are the grid of Saturday's shift after midnight, in real hours, all ending by 02:00 GMT
    assert [s.starts_at.astimezone(LONDON).strftime("%H:%M %Z") for s in found] == ["00:30 BST", "01:30 BST"]
    assert found[-1].ends_at <= datetime(2027, 10, 31, 2, tzinfo=LONDON)


# --- The portal form -------------------------------------------------------------------------------


def test_the_portal_form_takes_hours_past_midnight_and_says_next_day(studio, trainer):
    browser = Client(HTTP_HOST=host_of(studio))
    browser.force_login(trainer)
    # when the trainer types Friday 22:30 until 02:00 (a browser's time input sends "02:00")
    response = browser.post("/schedule/availability/", {"d4_0_start": "22:30", "d4_0_end": "02:00"})
    assert response.status_code == 302
    assert list(
        TrainerAvailability.objects.filter(trainer=trainer).values_list("weekday", "start_time", "end_time")
    ) == [(4, time(22, 30), time(2))]
    # and extra hours until midnight, typed as 24:00
    added = browser.post(
        "/schedule/availability/exceptions/",
        {"day": FRIDAY.isoformat(), "kind": "extra", "start_time": "20:00", "end_time": "24:00"},
    )
    assert added.status_code == 302
    assert AvailabilityException.objects.get(trainer=trainer).end_time == time(0)
    # then the page shows both as running into the next day
    page = browser.get("/schedule/availability/").content.decode()
    assert page.count("next day") >= 2
