"""Booking obeys the entitlement engine in its own transaction: classes, waitlists, 1:1s, cancels, no-shows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail

from billing.payments.errors import EntitlementRequired
from billing.payments.models import BookingFee, BookingUse, ClientPack, CommercePolicy, Strike
from core.models import AuditEvent
from domain.scheduling import services as scheduling
from domain.scheduling.models import Appointment, GroupSession, SessionParticipant
from tests.billing.payments.conftest import NOW
from tests.factories.core import ClientFactory, TrainerFactory
from tests.factories.payments import PackFactory
from tests.factories.scheduling import AppointmentTypeFactory, AvailabilityFactory, ClassTypeFactory


@pytest.fixture
def hiit(tenant):
    return ClassTypeFactory(name="HIIT")


def _session(hiit, *, hours=48, capacity=5):
    start = NOW + timedelta(hours=hours)
    return GroupSession.objects.create(
        class_type=hiit,
        instructor=TrainerFactory(),
        capacity=capacity,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
    )


def _pack_for(client, buy, currency, credits=3):
    return buy(client, PackFactory(currency=currency, credits=credits), now=NOW).pack


def _credits(pack):
    pack.refresh_from_db()
    return pack.credits_remaining


def test_a_class_seat_consumes_a_credit_and_an_in_window_cancel_returns_it(member, hiit, buy, currency):
    pack = _pack_for(member, buy, currency)
    session = _session(hiit)
    participant = scheduling.group_session_register(actor=member, session_id=session.pk, now=NOW)
    assert (_credits(pack), participant.booking_use.source) == (2, "pack")
    scheduling.group_session_unregister(actor=member, session_id=session.pk, now=NOW)
    assert _credits(pack) == 3
    assert not Strike.objects.exists()


def test_without_a_pass_registration_is_refused_and_nothing_is_booked(member, hiit, currency):
    PackFactory(currency=currency)  # the studio sells passes for classes
    session = _session(hiit)
    with pytest.raises(EntitlementRequired) as refused:
        scheduling.group_session_register(actor=member, session_id=session.pk, now=NOW)
    assert refused.value.code == "no_entitlement"
    assert not SessionParticipant.objects.filter(session=session).exists()
    session.refresh_from_db()
    assert session.seats_taken == 0


def test_a_late_cancel_forfeits_the_credit_and_leaves_a_pending_fee(member, hiit, buy, currency):
    CommercePolicy.objects.update_or_create(key=1, defaults={"late_cancel_fee_amount": 800})
    pack = _pack_for(member, buy, currency)
    session = _session(hiit, hours=2)  # inside the default 12-hour window
    scheduling.group_session_register(actor=member, session_id=session.pk, now=NOW)
    scheduling.group_session_unregister(actor=member, session_id=session.pk, now=NOW)
    assert _credits(pack) == 2
    fee = BookingFee.objects.get()
    assert (fee.kind, fee.amount, fee.currency, fee.status) == ("late_cancel", 800, currency, "pending")
    assert "HIIT" in fee.description


def test_a_no_show_forfeits_the_credit_with_a_strike_and_fee_and_attendance_uses_it(
    member, hiit, buy, currency, manager
):
    CommercePolicy.objects.update_or_create(key=1, defaults={"no_show_fee_amount": 1000})
    pack = _pack_for(member, buy, currency)
    other = ClientFactory()
    _pack_for(other, buy, currency)
    session = _session(hiit, hours=1)
    absent = scheduling.group_session_register(actor=member, session_id=session.pk, now=NOW)
    present = scheduling.group_session_register(actor=other, session_id=session.pk, now=NOW)
    after_start = NOW + timedelta(hours=1, minutes=5)
    scheduling.participant_mark_attendance(actor=manager, participant_id=absent.pk, attended=False, now=after_start)
    scheduling.participant_mark_attendance(actor=manager, participant_id=present.pk, attended=True, now=after_start)
    assert _credits(pack) == 2
    assert BookingUse.objects.get(participant=absent).state == "forfeited"
    assert BookingUse.objects.get(participant=present).state == "used"
    assert list(Strike.objects.values_list("client_id", "kind")) == [(member.pk, "no_show")]
    assert BookingFee.objects.get().amount == 1000


def test_the_waitlist_holds_no_credit_until_promotion_and_skips_who_has_none(
    member, hiit, buy, currency, django_capture_on_commit_callbacks
):
    seated, broke = ClientFactory(), ClientFactory()
    seat_pack = _pack_for(seated, buy, currency)
    waiting_pack = _pack_for(member, buy, currency, credits=1)
    broke_pack = _pack_for(broke, buy, currency, credits=1)
    session = _session(hiit, capacity=1)
    scheduling.group_session_register(actor=seated, session_id=session.pk, now=NOW)
    broke_place = scheduling.group_session_register(actor=broke, session_id=session.pk, now=NOW)
    member_place = scheduling.group_session_register(actor=member, session_id=session.pk, now=NOW)
    assert (broke_place.status, _credits(broke_pack), _credits(waiting_pack)) == ("waitlisted", 1, 1)
    # the first in line spends their only credit elsewhere
    scheduling.group_session_register(actor=broke, session_id=_session(hiit, hours=72).pk, now=NOW)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        scheduling.group_session_unregister(actor=seated, session_id=session.pk, now=NOW)
    broke_place.refresh_from_db()
    member_place.refresh_from_db()
    assert (broke_place.status, member_place.status) == ("waitlisted", "booked")
    assert (_credits(seat_pack), _credits(waiting_pack)) == (3, 0)
    subjects = sorted(m.subject for m in mail.outbox)
    assert any("A seat opened" in s for s in subjects)
    assert any("You're in" in s for s in subjects)
    skipped = next(m for m in mail.outbox if "A seat opened" in m.subject)
    assert skipped.to == [broke.email]


def test_the_studio_cancelling_a_class_returns_every_credit_without_strikes(member, hiit, buy, currency, manager):
    pack = _pack_for(member, buy, currency)
    session = _session(hiit, hours=2)
    scheduling.group_session_register(actor=member, session_id=session.pk, now=NOW)
    scheduling.group_session_cancel(actor=manager, session_id=session.pk, now=NOW)
    assert _credits(pack) == 3
    assert not Strike.objects.exists()
    assert not BookingFee.objects.exists()


def test_a_1to1_booking_consumes_and_a_refusal_leaves_no_appointment(member, buy, currency):
    trainer = TrainerFactory()
    for weekday in range(7):
        AvailabilityFactory(trainer=trainer, weekday=weekday)
    kind = AppointmentTypeFactory(trainer=trainer)
    pack = _pack_for(member, buy, currency, credits=1)
    start = (NOW + timedelta(days=2)).replace(hour=10)
    scheduling.appointment_book(
        actor=member, trainer_id=trainer.pk, client_id=member.pk, appointment_type_id=kind.pk, starts_at=start, now=NOW
    )
    assert _credits(pack) == 0
    with pytest.raises(EntitlementRequired):
        scheduling.appointment_book(
            actor=member,
            trainer_id=trainer.pk,
            client_id=member.pk,
            appointment_type_id=kind.pk,
            starts_at=start + timedelta(hours=2),
            now=NOW,
        )
    assert Appointment.objects.filter(client=member).count() == 1


def test_staff_book_without_a_pass_through_the_api_with_an_audited_override(
    api_client, member, hiit, manager, currency
):
    from tests.domain.api_helpers import send

    PackFactory(currency=currency)
    session = _session(hiit, hours=24 * 400)  # well after any test clock
    status, body = send(
        api_client(manager), "post", f"/api/v1/group-sessions/{session.pk}/register?client_id={member.pk}"
    )
    assert (status, body["code"]) == (402, "no_entitlement")
    status, body = send(
        api_client(manager), "post", f"/api/v1/group-sessions/{session.pk}/register?client_id={member.pk}&override=true"
    )
    assert status == 201, body
    assert AuditEvent.objects.filter(action="entitlement.override", actor_id=manager.pk).count() == 1
    assert ClientPack.objects.count() == 0


def test_a_recurring_series_consumes_a_credit_per_occurrence_and_a_cancel_returns_one(member, buy, currency, manager):
    from datetime import time

    trainer = TrainerFactory()
    kind = AppointmentTypeFactory(trainer=trainer, duration_minutes=60)
    pack = _pack_for(member, buy, currency, credits=3)
    start = (NOW + timedelta(days=7)).date()
    # when staff book five weekly sessions for a client with three credits
    result = scheduling.appointment_series_create(
        actor=manager,
        trainer_id=trainer.pk,
        client_id=member.pk,
        appointment_type_id=kind.pk,
        rule=scheduling.RecurrenceRule(frequency="weekly", starts_on=start, start_time=time(10), count=5),
        now=NOW,
    )
    # then the first three are booked, each on a credit, and the two nothing pays for are reported
    assert len(result.created) == 3
    no_pass = "You need a pass for this booking: buy a pack or a membership first."
    assert [c.reason for c in result.conflicts] == [no_pass, no_pass]
    assert Appointment.objects.filter(client=member).count() == 3
    assert _credits(pack) == 0
    assert BookingUse.objects.filter(client=member, source="pack", state="held").count() == 3
    # and cancelling one occurrence inside the window gives its credit back
    first = min(result.created, key=lambda a: a.starts_at)
    scheduling.appointment_cancel(actor=member, appointment_id=first.pk, now=NOW)
    assert _credits(pack) == 1


def test_a_moved_appointment_s_membership_visit_counts_in_its_new_week(member, buy, currency, manager):
    from billing.payments import services as commerce
    from tests.factories.payments import MembershipFactory

    buy(member, MembershipFactory(currency=currency, visits_per_week=1), now=NOW)
    trainer = TrainerFactory()
    kind = AppointmentTypeFactory(trainer=trainer)
    tuesday = (NOW + timedelta(days=1)).replace(hour=10)
    booked = scheduling.appointment_book(
        actor=manager,
        trainer_id=trainer.pk,
        client_id=member.pk,
        appointment_type_id=kind.pk,
        starts_at=tuesday,
        now=NOW,
    )
    # when staff move it to the next week
    scheduling.appointment_update(
        actor=manager, appointment_id=booked.pk, starts_at=tuesday + timedelta(days=7), now=NOW
    )

    # then this week is free again and the next one is full
    def decide(moment):
        return commerce.entitlement_decide(
            client=member, bookable=commerce.Bookable(appointment_type_id=kind.pk, starts_at=moment), now=NOW
        )

    assert decide(tuesday + timedelta(days=1)).source == "membership"
    assert decide(tuesday + timedelta(days=8)).code == "weekly_limit_reached"
