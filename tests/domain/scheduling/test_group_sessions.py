"""Group classes: seats, the waitlist in order, automatic promotion (and telling them), attendance."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.exceptions import ConflictError, PermissionDeniedError
from domain.scheduling import services
from domain.scheduling.models import AppointmentReminder, GroupSession, SessionParticipant
from tests.factories.core import ClientFactory, ManagerFactory, TrainerFactory
from tests.factories.scheduling import AppointmentFactory, ClassTypeFactory, GroupSessionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.date_sensitive]

Status = SessionParticipant.Status


@pytest.fixture
def session(tenant):
    return GroupSessionFactory(capacity=2)


def register(session, client=None):
    client = client or ClientFactory()
    return services.group_session_register(actor=client, session_id=session.pk)


def test_seats_fill_then_the_waitlist_grows_in_order(session):
    # when four clients register for two seats
    first, second, third, fourth = (register(session) for _ in range(4))
    # then two are booked and two wait, in the order they came
    assert [p.status for p in (first, second)] == [Status.BOOKED, Status.BOOKED]
    assert [(p.status, p.waitlist_position) for p in (third, fourth)] == [
        (Status.WAITLISTED, 1),
        (Status.WAITLISTED, 2),
    ]
    session.refresh_from_db()
    assert session.seats_taken == 2
    # and only the seated have reminders
    assert set(AppointmentReminder.objects.values_list("participant_id", flat=True)) == {first.pk, second.pk}


def test_a_freed_seat_goes_to_the_head_of_the_waitlist_who_is_told(session, django_capture_on_commit_callbacks):
    # given a full class with two waiting
    seated = register(session)
    register(session)
    head, next_in_line = register(session), register(session)
    # when a seated client cancels
    with django_capture_on_commit_callbacks(execute=True):
        services.group_session_unregister(actor=seated.client, session_id=session.pk)
    # then the head of the waitlist has the seat, the next moves up in turn, and the seat count holds
    head.refresh_from_db()
    next_in_line.refresh_from_db()
    assert head.status == Status.BOOKED
    assert head.waitlist_position is None
    assert head.promoted_at is not None
    assert (next_in_line.status, next_in_line.waitlist_position) == (Status.WAITLISTED, 2)
    session.refresh_from_db()
    assert session.seats_taken == 2
    # and they were told by email, and their reminders are planned
    assert [m.to for m in mail.outbox] == [[head.client.email]]
    assert "seat" in mail.outbox[0].body
    assert head.reminders.filter(status=AppointmentReminder.Status.SCHEDULED).exists()


def test_leaving_the_waitlist_frees_no_seat(session):
    register(session)
    register(session)
    waiting = register(session)
    services.group_session_unregister(actor=waiting.client, session_id=session.pk)
    waiting.refresh_from_db()
    assert waiting.status == Status.CANCELLED
    session.refresh_from_db()
    assert session.seats_taken == 2


def test_registering_twice_is_refused_and_changes_nothing(session):
    participant = register(session)
    with pytest.raises(ConflictError) as caught:
        register(session, participant.client)
    assert caught.value.code == "already_registered"
    assert session.participants.count() == 1


def test_a_full_class_without_a_waitlist_refuses(tenant):
    session = GroupSessionFactory(capacity=1, waitlist_enabled=False)
    register(session)
    with pytest.raises(ConflictError) as caught:
        register(session)
    assert caught.value.code == "class_full"
    assert session.participants.count() == 1


def test_a_started_class_takes_no_registrations(tenant):
    session = GroupSessionFactory(starts_at=timezone.now() - timedelta(minutes=5))
    with pytest.raises(ConflictError):
        register(session)
    assert not session.participants.exists()


def test_the_database_refuses_more_seats_than_capacity(session):
    with pytest.raises(IntegrityError), transaction.atomic():
        GroupSession.objects.filter(pk=session.pk).update(seats_taken=3)


def test_more_capacity_promotes_from_the_waitlist(session):
    register(session)
    register(session)
    waiting = register(session)
    services.group_session_update(actor=session.instructor, session_id=session.pk, capacity=3)
    waiting.refresh_from_db()
    assert waiting.status == Status.BOOKED


def test_capacity_cannot_drop_below_the_seats_taken(session):
    register(session)
    register(session)
    with pytest.raises(ConflictError):
        services.group_session_update(actor=session.instructor, session_id=session.pk, capacity=1)
    session.refresh_from_db()
    assert session.capacity == 2


def test_cancelling_a_class_releases_everyone_and_its_reminders(session):
    seated, waiting = register(session), (register(session), register(session))[1]
    services.group_session_cancel(actor=session.instructor, session_id=session.pk, reason="Instructor ill")
    session.refresh_from_db()
    assert session.status == GroupSession.Status.CANCELLED
    assert set(session.participants.values_list("status", flat=True)) == {Status.CANCELLED}
    assert not AppointmentReminder.objects.filter(status=AppointmentReminder.Status.SCHEDULED).exists()
    assert seated.pk != waiting.pk


def test_check_in_and_no_show_by_the_instructor_only(tenant):
    session = GroupSessionFactory(starts_at=timezone.now() + timedelta(minutes=10))
    present, absent = register(session), register(session)
    with pytest.raises(PermissionDeniedError):
        services.participant_mark_attendance(actor=TrainerFactory(), participant_id=present.pk, attended=True)
    services.participant_mark_attendance(actor=session.instructor, participant_id=present.pk, attended=True)
    with pytest.raises(ConflictError):  # not started yet
        services.participant_mark_attendance(actor=session.instructor, participant_id=absent.pk, attended=False)
    later = timezone.now() + timedelta(minutes=15)
    services.participant_mark_attendance(actor=ManagerFactory(), participant_id=absent.pk, attended=False, now=later)
    present.refresh_from_db()
    absent.refresh_from_db()
    assert (present.status, absent.status) == (Status.ATTENDED, Status.NO_SHOW)
    assert present.checked_in_at is not None


def test_an_instructor_cannot_teach_two_classes_or_a_class_over_an_appointment(tenant):
    trainer = TrainerFactory()
    kind = ClassTypeFactory(duration_minutes=60)
    start = timezone.now().replace(microsecond=0) + timedelta(days=2)
    services.group_session_create(actor=trainer, class_type_id=kind.pk, starts_at=start, room="Studio A")
    with pytest.raises(ConflictError) as busy:
        services.group_session_create(actor=trainer, class_type_id=kind.pk, starts_at=start + timedelta(minutes=30))
    AppointmentFactory(trainer=trainer, starts_at=start + timedelta(hours=3), ends_at=start + timedelta(hours=4))
    with pytest.raises(ConflictError) as over_appointment:
        services.group_session_create(actor=trainer, class_type_id=kind.pk, starts_at=start + timedelta(hours=3))
    with pytest.raises(ConflictError) as room:
        services.group_session_create(
            actor=TrainerFactory(), class_type_id=kind.pk, starts_at=start + timedelta(minutes=15), room="Studio A"
        )
    assert (busy.value.code, over_appointment.value.code, room.value.code) == (
        "instructor_busy",
        "instructor_busy",
        "room_taken",
    )
    assert GroupSession.objects.filter(instructor=trainer).count() == 1
