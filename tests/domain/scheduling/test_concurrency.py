"""Under real concurrency (threads, each with its own connection, committed rows): no double booking, exact
class capacity, an ordered waitlist."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.db import IntegrityError
from django.utils import timezone

from core.exceptions import ConflictError
from domain.scheduling import services
from domain.scheduling.models import Appointment, GroupSession, SessionParticipant
from tests.concurrency import in_own_connection, in_threads
from tests.factories.scheduling import ClassTypeFactory


def test_simultaneous_bookings_of_one_slot_make_one_booking_and_clean_409s(committed):
    # given ten clients aiming at the same hour (10:00 in the studio, inside the trainer's hours whatever
    # the hour the test starts at) with the same trainer
    local = timezone.now().astimezone(ZoneInfo(committed.studio.timezone)) + timedelta(days=3)
    start = local.replace(hour=10, minute=0, second=0, microsecond=0)

    def booking(client):
        return lambda: services.appointment_book(
            actor=client,
            trainer_id=committed.trainer.pk,
            client_id=client.pk,
            appointment_type_id=committed.appointment_type.pk,
            starts_at=start,
        )

    # when they all book at once
    results = in_threads([booking(c) for c in committed.clients[:10]], studio=committed.studio)
    stored = in_own_connection(
        lambda: list(Appointment.objects.filter(trainer=committed.trainer).values_list("client_id", flat=True)),
        studio=committed.studio,
    )
    # then exactly one got it, and every other one got a clear "slot taken" conflict
    booked = [r for r in results if isinstance(r, Appointment)]
    refused = [r for r in results if isinstance(r, ConflictError)]
    assert len(booked) == 1
    assert len(refused) == 9
    assert {r.code for r in refused} == {"slot_taken"}
    assert stored == [booked[0].client_id]


def test_the_database_alone_refuses_concurrent_overlaps(committed):
    # given ten writers that bypass the service (no lock, no check) with overlapping hours
    start = (timezone.now() + timedelta(days=4)).replace(minute=0, second=0, microsecond=0)

    def insert(index):
        begins = start + timedelta(minutes=5 * index)
        return lambda: Appointment.objects.create(
            trainer=committed.trainer,
            client=committed.clients[index],
            appointment_type=committed.appointment_type,
            starts_at=begins,
            ends_at=begins + timedelta(hours=1),
        )

    # when they insert at once
    results = in_threads([insert(i) for i in range(10)], studio=committed.studio)
    count = in_own_connection(Appointment.objects.filter(trainer=committed.trainer).count, studio=committed.studio)
    # then the exclusion constraint let exactly one through
    assert sum(isinstance(r, Appointment) for r in results) == 1
    assert sum(isinstance(r, IntegrityError) for r in results) == 9
    assert count == 1


def test_fifty_registrations_for_ten_seats_book_ten_and_queue_forty_in_order(committed):
    # given a class of 10 seats
    start = timezone.now() + timedelta(days=2)
    session = in_own_connection(
        lambda: GroupSession.objects.create(
            class_type=ClassTypeFactory(),
            instructor=committed.trainer,
            capacity=10,
            starts_at=start,
            ends_at=start + timedelta(hours=1),
        ),
        studio=committed.studio,
    )

    def registration(client):
        return lambda: services.group_session_register(actor=client, session_id=session.pk)

    def state() -> tuple[list[SessionParticipant], int]:
        participants = SessionParticipant.objects.filter(session=session).order_by("registered_at", "id")
        return list(participants), GroupSession.objects.get(pk=session.pk).seats_taken

    # when 50 clients register at the same moment
    results = in_threads([registration(c) for c in committed.clients], studio=committed.studio)
    participants, seats_taken = in_own_connection(state, studio=committed.studio)
    # then nobody failed, exactly 10 are booked and 40 wait, numbered 1..40 in order of arrival
    assert all(isinstance(r, SessionParticipant) for r in results), [r for r in results if isinstance(r, Exception)]
    booked = [p for p in participants if p.status == SessionParticipant.Status.BOOKED]
    waiting = [p for p in participants if p.status == SessionParticipant.Status.WAITLISTED]
    assert (len(booked), len(waiting), seats_taken) == (10, 40, 10)
    assert [p.waitlist_position for p in waiting] == list(range(1, 41))
    assert participants[:10] == booked  # the first ten to arrive got the seats

    # when a seated client cancels
    leaver = booked[3]
    in_own_connection(
        lambda: services.group_session_unregister(actor=leaver.client, session_id=session.pk), studio=committed.studio
    )
    participants, seats_taken = in_own_connection(state, studio=committed.studio)
    # then the first on the waitlist is promoted, the rest keep their order, and 10 seats stay taken
    by_pk = {p.pk: p for p in participants}
    assert by_pk[waiting[0].pk].status == SessionParticipant.Status.BOOKED
    still_waiting = sorted(
        (p for p in participants if p.status == SessionParticipant.Status.WAITLISTED), key=lambda p: p.waitlist_position
    )
    assert [p.pk for p in still_waiting] == [p.pk for p in waiting[1:]]
    assert seats_taken == 10
