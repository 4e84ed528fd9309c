"""Times in messages sent outside a request are the studio's wall clock, with the zone named.

Each message is produced as a worker produces it (no request, the process's zone UTC), in a Berlin and
a New York studio; the same instant (22:49 UTC) must read 23:49 in Berlin and 17:49 in New York.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from icalendar import Calendar

from domain.scheduling import ical, services
from domain.scheduling.models import SessionParticipant
from domain.scheduling.services.reminders import reminders_schedule
from tests.factories.core import ClientFactory, TrainerFactory
from tests.factories.scheduling import AppointmentFactory, AppointmentTypeFactory, GroupSessionFactory

pytestmark = pytest.mark.date_sensitive  # make test-instants runs it at each fixed instant

INSTANT = datetime(2026, 12, 4, 22, 49, tzinfo=UTC)  # a Friday in winter
ZONES = [
    # zone, the instant on its wall clock (long, short), 18:00 there in UTC
    (
        "Europe/Berlin",
        "Friday 4 December 2026, 23:49 CET",
        "Fri 4 Dec, 23:49 CET",
        datetime(2026, 12, 4, 17, tzinfo=UTC),
    ),
    (
        "America/New_York",
        "Friday 4 December 2026, 17:49 EST",
        "Fri 4 Dec, 17:49 EST",
        datetime(2026, 12, 4, 23, tzinfo=UTC),
    ),
]


@pytest.fixture(params=ZONES, ids=[zone for zone, *_ in ZONES])
def zoned(request, studio_in_zone):
    """The studio moved to the zone; (zone, the instant as long text, as short text, 18:00 there in UTC)."""
    studio_in_zone(request.param[0])
    return request.param


def test_a_reminder_names_the_studios_wall_clock(zoned):
    _zone, long_text, short_text, _six = zoned
    trainer = TrainerFactory(first_name="Theo", last_name="Trainer")
    client = ClientFactory(first_name="Cleo")
    appointment = AppointmentFactory(
        trainer=trainer,
        client=client,
        appointment_type=AppointmentTypeFactory(trainer=trainer, name="Strength session"),
        starts_at=INSTANT,
    )
    # given the reminder rows written with the booking two days before
    rows = reminders_schedule(
        starts_at=INSTANT, recipient=client, appointment=appointment, now=INSTANT - timedelta(days=2)
    )
    email_rows = [row for row in rows if row.channel == "email"]
    assert email_rows
    # when a worker sends the first one when it is due
    mail.outbox.clear()
    outcome = services.reminder_send(reminder_id=email_rows[0].pk, now=email_rows[0].send_at)
    # then the session's time is the studio's, the zone named, in the subject and the text
    assert outcome == services.ReminderOutcome.SENT
    (message,) = mail.outbox
    assert message.subject == f"Reminder: Strength session on {short_text}"
    assert f"Strength session with Theo Trainer on {long_text}." in message.body
    assert "22:49" not in message.subject + message.body


def test_a_waitlist_promotion_names_the_studios_wall_clock(zoned):
    zone, _long, _short, six_pm = zoned
    session = GroupSessionFactory(starts_at=six_pm, class_type__name="Evening HIIT")
    participant = SessionParticipant.objects.create(
        session=session,
        client=ClientFactory(),
        status=SessionParticipant.Status.BOOKED,
        registered_at=six_pm - timedelta(days=3),
        promoted_at=six_pm - timedelta(days=1),
    )
    mail.outbox.clear()
    assert services.notify_waitlist_promotion(participant_id=participant.pk)
    (message,) = mail.outbox
    assert message.subject.startswith("You're in: Evening HIIT on Fri 4 Dec, 18:00 ")
    assert "on Friday 4 December 2026, 18:00 " in message.body
    assert message.subject.endswith("CET" if zone == "Europe/Berlin" else "EST")


def test_the_calendar_feed_carries_the_studios_wall_clock_and_zone(zoned):
    zone, *_ = zoned
    trainer = TrainerFactory()
    appointment = AppointmentFactory(
        trainer=trainer, appointment_type=AppointmentTypeFactory(trainer=trainer), starts_at=INSTANT
    )
    body = ical.calendar_feed(
        owner=trainer, studio_name="Alpha", studio_slug="alpha", now=INSTANT - timedelta(days=1)
    ).decode()
    local = INSTANT.astimezone(ZoneInfo(zone)).strftime("%Y%m%dT%H%M%S")
    assert f"DTSTART;TZID={zone}:{local}" in body
    assert f"TZID:{zone}" in body  # the VTIMEZONE a calendar app can resolve it with
    (event,) = Calendar.from_ical(body).walk("VEVENT")
    assert event.decoded("dtstart") == appointment.starts_at  # the same instant for any parser
