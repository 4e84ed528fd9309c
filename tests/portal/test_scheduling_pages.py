"""Portal scheduling pages: trainers' week and hours, clients' booking, classes and bookings."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from core.studio_time import studio_today, studio_zone
from domain.scheduling.models import Appointment, SessionParticipant, TrainerAvailability
from tests.conftest import host_of
from tests.factories.core import ClientFactory, TrainerFactory
from tests.factories.scheduling import (
    AppointmentFactory,
    AppointmentTypeFactory,
    AvailabilityFactory,
    GroupSessionFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.date_sensitive]


@pytest.fixture
def browser(studio, tenant):
    def signed_in(user) -> Client:
        client = Client(HTTP_HOST=host_of(studio))
        client.force_login(user)
        return client

    return signed_in


def test_pages_need_a_sign_in(studio_client, tenant):
    response = studio_client.get("/schedule/bookings/")
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_trainer_week_shows_appointments_and_classes(browser):
    # given an appointment on Wednesday and a class on Thursday of next week in the studio's zone
    # (not "in 3 hours", which on a Sunday evening is next week)
    trainer = TrainerFactory()
    client = ClientFactory(first_name="Zoe", last_name="Quinn")
    monday = studio_today() + timedelta(days=7 - studio_today().weekday())
    start = datetime.combine(monday + timedelta(days=2), time(10), tzinfo=studio_zone())
    AppointmentFactory(trainer=trainer, client=client, starts_at=start, ends_at=start + timedelta(hours=1))
    session = GroupSessionFactory(instructor=trainer, starts_at=start + timedelta(days=1))
    # when the trainer opens that week
    page = browser(trainer).get("/schedule/week/", {"start": monday.isoformat()})
    text = page.content.decode()
    assert page.status_code == 200
    assert "Zoe Quinn" in text
    assert session.class_type.name in text


def test_trainer_saves_weekly_hours(browser):
    trainer = TrainerFactory()
    response = browser(trainer).post(
        "/schedule/availability/",
        {"d0_0_start": "09:00", "d0_0_end": "12:00", "d0_1_start": "13:00", "d0_1_end": "17:00"},
    )
    assert response.status_code == 302
    saved = TrainerAvailability.objects.filter(trainer=trainer).order_by("start_time")
    assert [(h.weekday, h.start_time, h.end_time) for h in saved] == [(0, time(9), time(12)), (0, time(13), time(17))]


def test_client_sees_free_times_books_one_and_cannot_take_it_twice(browser):
    trainer = TrainerFactory(first_name="Theo")
    for weekday in range(7):
        AvailabilityFactory(trainer=trainer, weekday=weekday, start_time=time(9), end_time=time(12))
    kind = AppointmentTypeFactory(slot_step_minutes=60, min_notice_minutes=60)
    client = browser(ClientFactory())
    day = timezone.localdate() + timedelta(days=2)
    page = client.get("/schedule/book/", {"trainer": trainer.pk, "type": kind.pk, "date": day.isoformat()})
    assert page.status_code == 200
    assert "10:00" in page.content.decode()
    slot = {"trainer": trainer.pk, "type": kind.pk, "starts_at": datetime.combine(day, time(10)).isoformat()}
    assert client.post("/schedule/book/slot/", slot).status_code == 302
    again = client.post("/schedule/book/slot/", slot, follow=True)
    assert "no longer available" in again.content.decode()
    assert Appointment.objects.count() == 1
    bookings = client.get("/schedule/bookings/").content.decode()
    assert kind.name in bookings


def test_client_joins_a_full_class_waitlist_and_sees_their_place(browser):
    session = GroupSessionFactory(capacity=1)
    browser(ClientFactory()).post(f"/schedule/classes/{session.pk}/register/")
    late = browser(ClientFactory())
    late.post(f"/schedule/classes/{session.pk}/register/")
    assert SessionParticipant.objects.filter(session=session, status="waitlisted").count() == 1
    assert "Waitlist #1" in late.get("/schedule/classes/").content.decode()


def test_client_gets_a_calendar_link(browser):
    client = browser(ClientFactory())
    page = client.post("/schedule/calendar-link/", follow=True).content.decode()
    assert ".ics" in page
