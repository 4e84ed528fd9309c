"""1:1 appointments: booking rules, the database's refusal of overlaps, confirmation, cancellation policy."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, connection, transaction

from core.exceptions import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from domain.scheduling import services
from domain.scheduling.models import Appointment, AppointmentReminder, SchedulingPolicy
from tests.factories.clients import assigned_client
from tests.factories.core import ClientFactory, ManagerFactory, TrainerFactory
from tests.factories.scheduling import AppointmentFactory, AppointmentTypeFactory, AvailabilityFactory

pytestmark = [pytest.mark.django_db, pytest.mark.date_sensitive]

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2027, 6, 1, 8, 0, tzinfo=LONDON)  # a Tuesday morning


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2027, 6, day, hour, minute, tzinfo=LONDON)


@pytest.fixture
def trainer(tenant):
    person = TrainerFactory()
    for weekday in range(7):
        AvailabilityFactory(trainer=person, weekday=weekday, start_time=time(8), end_time=time(20))
    return person


@pytest.fixture
def client(trainer):
    return assigned_client(trainer)  # a trainer books for the clients assigned to them


@pytest.fixture
def kind(tenant):
    return AppointmentTypeFactory(duration_minutes=60, buffer_after_minutes=15, location="Studio 1")


def book(actor, trainer, client, kind, starts_at, **extra):
    return services.appointment_book(
        actor=actor,
        trainer_id=trainer.pk,
        client_id=client.pk,
        appointment_type_id=kind.pk,
        starts_at=starts_at,
        now=extra.pop("now", NOW),
        **extra,
    )


def test_client_books_an_offered_slot_and_gets_reminders(trainer, client, kind):
    # when a client books Thursday 10:00
    appointment = book(client, trainer, client, kind, at(3, 10))
    # then it is confirmed for an hour, with the type's location, and 24 h and 1 h reminders are planned
    assert appointment.status == Appointment.Status.CONFIRMED
    assert appointment.ends_at - appointment.starts_at == timedelta(hours=1)
    assert appointment.location == "Studio 1"
    reminders = AppointmentReminder.objects.filter(appointment=appointment).order_by("send_at")
    assert [r.send_at for r in reminders] == [at(2, 10), at(3, 9)]
    assert {r.channel for r in reminders} == {"email"}


def test_naive_times_mean_the_studio_zone(trainer, client, kind):
    appointment = book(client, trainer, client, kind, datetime(2027, 6, 3, 10, 0))
    assert appointment.starts_at == at(3, 10)


def test_a_type_needing_confirmation_stays_requested_until_the_trainer_confirms(trainer, client):
    # given a type the trainer confirms
    kind = AppointmentTypeFactory(requires_confirmation=True)
    # when the client books it
    appointment = book(client, trainer, client, kind, at(3, 10))
    # then it waits, with no reminders yet
    assert appointment.status == Appointment.Status.REQUESTED
    assert not appointment.reminders.exists()
    # when the trainer confirms
    services.appointment_confirm(actor=trainer, appointment_id=appointment.pk, now=NOW)
    # then it is confirmed and reminders are planned
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CONFIRMED
    assert appointment.reminders.count() == 2


def test_the_client_cannot_confirm_their_own_request(trainer, client):
    appointment = book(client, trainer, client, AppointmentTypeFactory(requires_confirmation=True), at(3, 10))
    with pytest.raises(PermissionDeniedError):
        services.appointment_confirm(actor=client, appointment_id=appointment.pk, now=NOW)
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.REQUESTED


@pytest.mark.parametrize(
    ("starts_at", "code"),
    [
        (at(3, 19, 30), "outside_availability"),  # would end 20:30, after working hours
        (at(1, 9), "too_short_notice"),  # in an hour, the type needs two
        (datetime(2028, 6, 1, 10, tzinfo=LONDON), "too_far_ahead"),
    ],
)
def test_a_client_cannot_book_outside_what_is_offered(trainer, client, starts_at, code):
    kind = AppointmentTypeFactory(min_notice_minutes=120, max_advance_days=60)
    with pytest.raises(ValidationError) as caught:
        book(client, trainer, client, kind, starts_at)
    assert caught.value.code == code
    assert not Appointment.objects.exists()


def test_staff_may_book_outside_working_hours_but_not_in_the_past(trainer, client, kind):
    appointment = book(trainer, trainer, client, kind, at(3, 21))
    assert appointment.status == Appointment.Status.CONFIRMED
    with pytest.raises(ValidationError):
        book(trainer, trainer, client, kind, at(1, 7))
    assert Appointment.objects.count() == 1


def test_an_overlapping_booking_is_refused_and_nothing_changes(trainer, client, kind):
    # given 10:00-11:00 booked, with 15 minutes' buffer after
    first = book(client, trainer, client, kind, at(3, 10))
    other = ClientFactory()
    # when another client tries 10:30, or 11:00 (inside the buffer)
    for starts_at in (at(3, 10, 30), at(3, 11)):
        with pytest.raises(ConflictError) as caught:
            book(other, trainer, other, kind, starts_at)
        assert caught.value.code == "slot_taken"
    # then only the first booking (and its reminders) exist; 11:15 is fine
    assert list(Appointment.objects.values_list("pk", flat=True)) == [first.pk]
    assert AppointmentReminder.objects.count() == 2
    book(other, trainer, other, kind, at(3, 11, 15))


def test_the_database_refuses_overlapping_live_appointments_whatever_the_code_path(trainer, kind):
    # given a confirmed appointment written directly (no service, no lock)
    AppointmentFactory(trainer=trainer, appointment_type=kind, starts_at=at(3, 10), ends_at=at(3, 11))
    # when an overlapping live one is inserted directly, then the exclusion constraint refuses it
    with pytest.raises(IntegrityError), transaction.atomic():
        AppointmentFactory(trainer=trainer, appointment_type=kind, starts_at=at(3, 10, 30), ends_at=at(3, 11, 30))
    # while back-to-back, another trainer's, or a cancelled one are allowed
    AppointmentFactory(trainer=trainer, appointment_type=kind, starts_at=at(3, 11), ends_at=at(3, 12))
    AppointmentFactory(appointment_type=kind, starts_at=at(3, 10), ends_at=at(3, 11))
    AppointmentFactory(
        trainer=trainer,
        appointment_type=kind,
        starts_at=at(3, 10),
        ends_at=at(3, 11),
        status=Appointment.Status.CANCELLED,
        cancelled_at=NOW,
    )
    assert Appointment.objects.filter(trainer=trainer).count() == 3


def test_the_constraint_lives_in_the_studio_and_the_template_schemas(tenant):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n.nspname FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace "
            "WHERE c.conname = 'appointment_no_trainer_overlap' ORDER BY 1"
        )
        schemas = {row[0] for row in cursor.fetchall()}
        cursor.execute(
            "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
            "WHERE e.extname = 'btree_gist'"
        )
        extension_schema = cursor.fetchone()[0]
    assert {tenant.schema_name, "studio_template"} <= schemas
    assert extension_schema == "public"


def test_a_trainer_books_only_with_themselves_and_managers_with_anyone(trainer, client, kind):
    colleague = TrainerFactory()
    with pytest.raises(PermissionDeniedError):
        book(colleague, trainer, client, kind, at(3, 10))
    assert not Appointment.objects.exists()
    assert book(ManagerFactory(), trainer, client, kind, at(3, 10)).created_by.role == "manager"


def test_a_client_cannot_book_for_another_client(trainer, client, kind):
    with pytest.raises(NotFoundError):  # another client is "not found", as in another studio
        book(ClientFactory(), trainer, client, kind, at(3, 10))
    assert not Appointment.objects.exists()


def test_a_clients_late_cancellation_is_marked_and_its_reminders_are_cancelled(trainer, client, kind):
    # given a studio with a 12-hour late-cancellation window and a booking tomorrow 10:00
    SchedulingPolicy.objects.create(late_cancel_window_minutes=12 * 60)
    appointment = book(client, trainer, client, kind, at(2, 10))
    # when the client cancels at 23:00 the night before (11 hours ahead)
    services.appointment_cancel(actor=client, appointment_id=appointment.pk, reason="Sick", now=at(1, 23))
    # then it is cancelled, late, by the client, and no reminder remains scheduled
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED
    assert appointment.is_late_cancellation
    assert appointment.cancelled_by == client
    assert appointment.cancellation_reason == "Sick"
    assert not appointment.reminders.filter(status=AppointmentReminder.Status.SCHEDULED).exists()
    # and the slot is free again
    book(client, trainer, client, kind, at(2, 10), now=at(1, 23))


def test_an_early_or_trainer_cancellation_is_not_late(trainer, client, kind):
    SchedulingPolicy.objects.create(late_cancel_window_minutes=12 * 60)
    early = book(client, trainer, client, kind, at(3, 10))
    by_trainer = book(client, trainer, client, kind, at(2, 10))
    services.appointment_cancel(actor=client, appointment_id=early.pk, now=NOW)
    services.appointment_cancel(actor=trainer, appointment_id=by_trainer.pk, now=at(2, 9))
    assert not Appointment.objects.filter(is_late_cancellation=True).exists()


def test_someone_elses_appointment_is_not_found(trainer, client, kind):
    appointment = book(client, trainer, client, kind, at(3, 10))
    with pytest.raises(NotFoundError):
        services.appointment_cancel(actor=ClientFactory(), appointment_id=appointment.pk, now=NOW)
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CONFIRMED


def test_attendance_is_recorded_after_the_start_only(trainer, client, kind):
    appointment = book(client, trainer, client, kind, at(3, 10))
    with pytest.raises(ConflictError):
        services.appointment_mark_attendance(actor=trainer, appointment_id=appointment.pk, attended=False, now=NOW)
    services.appointment_mark_attendance(
        actor=trainer, appointment_id=appointment.pk, attended=False, now=at(3, 10, 20)
    )
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.NO_SHOW
    assert appointment.attendance_marked_at == at(3, 10, 20)


def test_moving_an_appointment_replans_its_reminders(trainer, client, kind):
    appointment = book(client, trainer, client, kind, at(3, 10))
    services.appointment_update(actor=trainer, appointment_id=appointment.pk, starts_at=at(4, 15), now=NOW)
    appointment.refresh_from_db()
    assert (appointment.starts_at, appointment.ends_at) == (at(4, 15), at(4, 16))
    live = appointment.reminders.filter(status=AppointmentReminder.Status.SCHEDULED)
    assert sorted(r.send_at for r in live) == [at(3, 15), at(4, 14)]


def test_moving_onto_another_booking_is_refused(trainer, client, kind):
    first = book(client, trainer, client, kind, at(3, 10))
    second = book(client, trainer, client, kind, at(3, 14))
    with pytest.raises(ConflictError):
        services.appointment_update(actor=trainer, appointment_id=second.pk, starts_at=at(3, 10, 30), now=NOW)
    second.refresh_from_db()
    assert second.starts_at == at(3, 14)
    assert first.pk != second.pk
