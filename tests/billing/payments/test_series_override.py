"""Staff book a client into a recurring series even when no pass pays for it, with an explicit override:
the same rule as a single booking (owners, managers, a trainer for their own clients; never a client),
every occurrence audited as an override, also when the series is extended."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from billing.payments.models import BookingUse, ClientPack
from core.models import AuditEvent
from domain.scheduling import services as scheduling
from domain.scheduling.models import Appointment, GroupSession, RecurrenceConflict, SessionParticipant
from tests.billing.payments.conftest import NOW
from tests.domain.api_helpers import send
from tests.factories.clients import assigned_client
from tests.factories.core import TrainerFactory
from tests.factories.payments import PackFactory
from tests.factories.scheduling import AppointmentTypeFactory, ClassTypeFactory

FIRST_DAY = date(2026, 3, 9)  # a Monday, a week after NOW


@pytest.fixture
def setting(tenant, currency, clock):
    """A trainer, their client with no pass in a studio that sells one (so booking is not free)."""
    clock.move_to(NOW)
    PackFactory(currency=currency)
    trainer = TrainerFactory()
    return trainer, assigned_client(trainer), AppointmentTypeFactory(trainer=trainer, duration_minutes=60)


def _series_body(setting, **extra):
    trainer, client, kind = setting
    rule = {"frequency": "weekly", "starts_on": FIRST_DAY.isoformat(), "start_time": "10:00", "count": 3}
    return {
        "trainer_id": trainer.pk,
        "client_id": client.pk,
        "appointment_type_id": kind.pk,
        "recurrence": rule,
    } | extra


def test_staff_book_a_series_without_a_pass_with_an_override_each_occurrence_audited(api_client, setting):
    trainer, client, _kind = setting
    # without the override, no occurrence is made: each is reported with the engine's reason
    status, body = send(api_client(trainer), "post", "/api/v1/appointments/recurring", _series_body(setting))
    assert (status, len(body["created"]), len(body["conflicts"])) == (201, 0, 3)
    # with it, the trainer books their client into every occurrence
    again = _series_body(setting, override=True)
    again["recurrence"]["starts_on"] = (FIRST_DAY + timedelta(days=1)).isoformat()
    status, body = send(api_client(trainer), "post", "/api/v1/appointments/recurring", again)
    assert (status, len(body["created"]), body["conflicts"]) == (201, 3, [])
    assert Appointment.objects.filter(client=client, status="confirmed").count() == 3
    uses = BookingUse.objects.filter(client=client)
    assert sorted(uses.values_list("source", flat=True)) == ["override"] * 3
    assert ClientPack.objects.filter(client=client).count() == 0
    overrides = AuditEvent.objects.filter(action="entitlement.override", actor_id=trainer.pk)
    assert sorted(overrides.values_list("metadata__refused", flat=True)) == ["no_entitlement"] * 3
    series = AuditEvent.objects.filter(action="appointment_series.create").order_by("id")
    assert [e.metadata["override"] for e in series] == [False, True]


def test_an_overridden_series_keeps_booking_when_it_is_extended(setting, manager):
    trainer, client, kind = setting
    result = scheduling.appointment_series_create(
        actor=manager,
        trainer_id=trainer.pk,
        client_id=client.pk,
        appointment_type_id=kind.pk,
        rule=scheduling.RecurrenceRule(frequency="weekly", starts_on=FIRST_DAY, start_time=time(10), count=20),
        override=True,
        now=NOW,
    )
    made = len(result.created)
    assert 0 < made < 20  # made up to the horizon
    later = scheduling.recurrence_extend(pattern_id=result.pattern.pk, now=NOW + timedelta(days=60))
    assert len(later.created) > 0
    assert later.conflicts == []
    assert Appointment.objects.filter(client=client).count() == made + len(later.created)
    assert BookingUse.objects.filter(client=client, source="override").count() == made + len(later.created)
    assert not RecurrenceConflict.objects.exists()


def test_a_trainer_cannot_override_for_a_client_who_is_not_theirs(api_client, setting):
    _trainer, _client, _kind = setting
    other = TrainerFactory()
    body = _series_body(setting, override=True, trainer_id=other.pk)
    body["appointment_type_id"] = AppointmentTypeFactory(trainer=other).pk
    status, answer = send(api_client(other), "post", "/api/v1/appointments/recurring", body)
    assert (status, answer["code"]) == (404, "client_not_found")
    assert not Appointment.objects.exists()
    assert not BookingUse.objects.exists()


def test_a_client_never_overrides_not_even_to_join_a_full_class_s_waitlist(api_client, setting):
    _trainer, client, _kind = setting
    start = NOW + timedelta(days=2)
    full = GroupSession.objects.create(
        class_type=ClassTypeFactory(),
        instructor=TrainerFactory(),
        capacity=1,
        seats_taken=1,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
    )
    status, answer = send(api_client(client), "post", f"/api/v1/group-sessions/{full.pk}/register?override=true")
    assert (status, answer["code"]) == (402, "no_entitlement")
    assert not SessionParticipant.objects.filter(client=client).exists()
    assert not AuditEvent.objects.filter(action="entitlement.override").exists()
