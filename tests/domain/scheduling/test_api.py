"""The scheduling API under /api/v1: the seed's paths, 4xx JSON errors, constant query counts, the iCal feed."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from icalendar import Calendar

from domain.scheduling.models import Appointment, CalendarFeed, SessionParticipant
from tests.conftest import host_of
from tests.factories.clients import assigned_client
from tests.factories.core import ClientFactory, TrainerFactory
from tests.factories.scheduling import AppointmentTypeFactory, GroupSessionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.date_sensitive]


def next_day_at(hour: int) -> str:
    day = timezone.localdate() + timedelta(days=2)
    return datetime.combine(day, time(hour)).isoformat()  # naive: the studio's zone


def test_a_client_books_through_the_api_and_a_second_request_gets_409(api_client, trainer, kind):
    client, other = ClientFactory(), ClientFactory()
    payload = {"trainer_id": trainer.pk, "appointment_type_id": kind.pk, "starts_at": next_day_at(10)}
    # when the client books
    response = api_client(client).post("/api/v1/appointments", payload, content_type="application/json")
    # then 201, shown in the studio's zone (London) with its offset
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "confirmed"
    assert body["client"]["id"] == client.pk
    assert body["starts_at"].startswith(next_day_at(10)[:16])
    # when someone else asks for the same slot, then a clean 409 and nothing more is stored
    again = api_client(other).post("/api/v1/appointments", payload, content_type="application/json")
    assert again.status_code == 409
    assert again.json()["code"] == "slot_taken"
    assert Appointment.objects.count() == 1


def test_bad_input_is_a_4xx_never_a_500(api_client, trainer, kind):
    client = ClientFactory()
    api = api_client(client)
    cases = [
        {"trainer_id": trainer.pk, "appointment_type_id": kind.pk, "starts_at": "tomorrow"},
        {"trainer_id": 999999, "appointment_type_id": kind.pk, "starts_at": next_day_at(10)},
        {"trainer_id": trainer.pk, "appointment_type_id": kind.pk, "starts_at": next_day_at(3)},
    ]
    codes = [api.post("/api/v1/appointments", c, content_type="application/json").status_code for c in cases]
    assert codes == [422, 404, 400]
    assert not Appointment.objects.exists()


def test_unauthenticated_requests_are_401(studio_client):
    assert studio_client.get("/api/v1/appointments").status_code == 401


def test_slots_endpoint_lists_open_slots_in_the_studio_zone(api_client, trainer, kind):
    day = timezone.localdate() + timedelta(days=2)
    response = api_client(ClientFactory()).get(
        f"/api/v1/trainers/{trainer.pk}/slots",
        {"appointment_type_id": kind.pk, "start": day.isoformat(), "end": day.isoformat()},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["timezone"] == "Europe/London"
    assert [s["starts_at"][11:16] for s in body["slots"]] == [f"{h:02d}:00" for h in range(7, 21)]


def test_trainer_sets_availability_and_a_client_cannot(api_client, trainer):
    hours = {
        "hours": [
            {"weekday": 0, "start_time": "09:00", "end_time": "12:00"},
            {"weekday": 0, "start_time": "13:00", "end_time": "17:00"},
        ]
    }
    mine = api_client(trainer).post(
        f"/api/v1/trainers/{trainer.pk}/availability", hours, content_type="application/json"
    )
    assert mine.status_code == 200
    assert [(h["start_time"], h["end_time"]) for h in mine.json()["hours"]] == [
        ("09:00:00", "12:00:00"),
        ("13:00:00", "17:00:00"),
    ]
    refused = api_client(ClientFactory()).post(
        f"/api/v1/trainers/{trainer.pk}/availability", {"hours": []}, content_type="application/json"
    )
    colleague = api_client(TrainerFactory()).post(
        f"/api/v1/trainers/{trainer.pk}/availability", {"hours": []}, content_type="application/json"
    )
    assert (refused.status_code, colleague.status_code) == (403, 403)
    assert len(api_client(trainer).get(f"/api/v1/trainers/{trainer.pk}/availability").json()["hours"]) == 2


def test_confirm_cancel_and_attendance_paths(api_client, trainer):
    kind = AppointmentTypeFactory(requires_confirmation=True, min_notice_minutes=0)
    client = ClientFactory()
    created = (
        api_client(client)
        .post(
            "/api/v1/appointments",
            {"trainer_id": trainer.pk, "appointment_type_id": kind.pk, "starts_at": next_day_at(9)},
            content_type="application/json",
        )
        .json()
    )
    assert created["status"] == "requested"
    confirmed = api_client(trainer).post(f"/api/v1/appointments/{created['id']}/confirm")
    assert confirmed.json()["status"] == "confirmed"
    cancelled = api_client(client).post(
        f"/api/v1/appointments/{created['id']}/cancel", {"reason": "Travel"}, content_type="application/json"
    )
    assert cancelled.status_code == 200
    assert cancelled.json()["cancelled"][0]["cancellation_reason"] == "Travel"
    again = api_client(client).delete(f"/api/v1/appointments/{created['id']}")
    assert again.status_code == 409


def test_appointment_list_costs_the_same_queries_for_more_rows(api_client, trainer, kind):
    from domain.scheduling import services

    api = api_client(trainer)

    def book(hour: int) -> None:
        services.appointment_book(
            actor=trainer,
            trainer_id=trainer.pk,
            client_id=assigned_client(trainer).pk,
            appointment_type_id=kind.pk,
            starts_at=datetime.fromisoformat(next_day_at(hour)),
        )

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert api.get("/api/v1/appointments").status_code == 200
        return len(captured)

    book(8)
    few = queries()
    # at most 6 (5 when the connection is already on the studio's schema: the backend skips the SET), and
    # the same whatever the list's length
    assert few <= 6
    for hour in range(9, 19):
        book(hour)
    assert queries() == few


def test_group_sessions_register_waitlist_and_roster(api_client, tenant):
    session = GroupSessionFactory(capacity=1)
    first, second = ClientFactory(), ClientFactory()
    seat = api_client(first).post(f"/api/v1/group-sessions/{session.pk}/register")
    wait = api_client(second).post(f"/api/v1/group-sessions/{session.pk}/register")
    assert (seat.status_code, seat.json()["status"]) == (201, "booked")
    assert (wait.json()["status"], wait.json()["waitlist_position"]) == ("waitlisted", 1)
    listing = api_client(second).get("/api/v1/group-sessions").json()["items"]
    assert [(s["id"], s["my_status"], s["my_position"], s["seats_left"]) for s in listing] == [
        (session.pk, "waitlisted", 1, 0)
    ]
    assert api_client(second).get(f"/api/v1/group-sessions/{session.pk}/roster").status_code == 403
    roster = api_client(session.instructor).get(f"/api/v1/group-sessions/{session.pk}/roster").json()
    assert [p["client"]["id"] for p in roster["participants"]] == [first.pk, second.pk]
    left = api_client(first).post(f"/api/v1/group-sessions/{session.pk}/cancel-registration")
    assert left.json()["status"] == "cancelled"
    assert SessionParticipant.objects.get(client=second).status == "booked"


def test_group_session_list_costs_the_same_queries_for_more_classes(api_client, tenant):
    api = api_client(ClientFactory())
    GroupSessionFactory()

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert api.get("/api/v1/group-sessions").status_code == 200
        return len(captured)

    few = queries()
    assert few <= 6  # 5 or 6 (the SET search_path is skipped when already set); constant whatever the length
    for hours in range(1, 10):
        GroupSessionFactory(starts_at=timezone.now() + timedelta(days=3, hours=hours * 2))
    assert queries() == few


def test_recurring_appointments_report_conflicts(api_client, trainer, kind):
    client = assigned_client(trainer)
    start = timezone.localdate() + timedelta(days=7)
    response = api_client(trainer).post(
        "/api/v1/appointments/recurring",
        {
            "trainer_id": trainer.pk,
            "client_id": client.pk,
            "appointment_type_id": kind.pk,
            "recurrence": {
                "frequency": "weekly",
                "starts_on": start.isoformat(),
                "start_time": "10:00",
                "weekdays": [start.weekday()],
                "count": 3,
                "excluded_dates": [(start + timedelta(days=7)).isoformat()],
            },
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert len(body["created"]) == 2
    assert body["conflicts"] == []
    pattern = api_client(trainer).get(f"/api/v1/recurring-patterns/{body['pattern']['id']}")
    assert pattern.json()["count"] == 3


def test_calendar_feed_parses_and_revoking_it_closes_it(api_client, client, trainer, kind, studio):
    # given a booked client with a calendar link
    person = ClientFactory()
    api = api_client(person)
    api.post(
        "/api/v1/appointments",
        {"trainer_id": trainer.pk, "appointment_type_id": kind.pk, "starts_at": next_day_at(10)},
        content_type="application/json",
    )
    url = api.post("/api/v1/scheduling/calendar-feed").json()["url"]
    path = url.split(host_of(studio), 1)[1]
    # when a calendar app fetches it (no sign-in)
    response = client.get(path, HTTP_HOST=host_of(studio))
    # then a standard parser reads one event at the booked time, with a stable UID
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1
    start = events[0].decoded("dtstart")
    assert start == Appointment.objects.get(client=person).starts_at
    assert str(events[0]["uid"]).startswith("appointment-")
    assert CalendarFeed.objects.filter(owner=person).count() == 1
    # when the link is revoked, then it is gone; the token is not stored in the clear
    assert api.delete("/api/v1/scheduling/calendar-feed").status_code == 204
    assert client.get(path, HTTP_HOST=host_of(studio)).status_code == 404
    token = path.rsplit("/", 1)[1].removesuffix(".ics")
    assert not CalendarFeed.objects.filter(token_digest=token).exists()


def test_trainer_feed_shows_classes_taught(api_client, client, studio, tenant):
    session = GroupSessionFactory()
    url = api_client(session.instructor).post("/api/v1/scheduling/calendar-feed").json()["url"]
    body = client.get(url.split(host_of(studio), 1)[1], HTTP_HOST=host_of(studio)).content
    events = list(Calendar.from_ical(body).walk("VEVENT"))
    assert [str(e["summary"]) for e in events] == [session.class_type.name]


def test_policy_is_changed_by_managers_only(api_client, studio_owner, tenant):
    refused = api_client(TrainerFactory()).put(
        "/api/v1/scheduling/policy", {"late_cancel_window_minutes": 60}, content_type="application/json"
    )
    assert refused.status_code == 403
    changed = api_client(studio_owner).put(
        "/api/v1/scheduling/policy",
        {"late_cancel_window_minutes": 60, "reminder_offsets_minutes": [120, 30]},
        content_type="application/json",
    )
    assert changed.json() == {
        "late_cancel_window_minutes": 60,
        "reminder_offsets_minutes": [120, 30],
        "reminder_channels": ["email"],
    }
