"""The booking write and the slots query over HTTP: exact query counts (issue 11, docs/performance.md).

In a test the service's transaction is a savepoint of the test's (SAVEPOINT/RELEASE where production
has BEGIN/COMMIT), and the host is looked up on every request (`ROUTING_CACHE_SECONDS = 0` in the test
settings): each count is production's plus that one lookup. The studio's commerce policy row exists, as it
does after a studio's first booking (its first read writes it).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from billing.payments.selectors import policy_get as commerce_policy_get
from core.models import User
from domain.scheduling.models import Appointment
from tests.factories.core import ClientFactory
from tests.factories.payments import PackFactory
from tests.querycount import count_queries

pytestmark = [pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _commerce_policy(tenant) -> None:
    commerce_policy_get()


def _at(hour: int) -> str:
    return datetime.combine(timezone.localdate() + timedelta(days=2), time(hour)).isoformat()


def _book(api, trainer: User, kind, client: User) -> tuple[int, list[str]]:
    payload = {"trainer_id": trainer.pk, "client_id": client.pk, "appointment_type_id": kind.pk, "starts_at": _at(10)}
    with count_queries() as queries:
        response = api.post("/api/v1/appointments", payload, content_type="application/json")
    assert response.status_code == 201, response.content
    return len(queries), queries.sql


def test_staff_booking_a_free_session_costs_an_exact_number_of_queries(api_client, studio_owner, trainer, kind):
    # given a studio that sells no pass covering the type
    client = ClientFactory()
    # when the owner books for the client
    count, sql = _book(api_client(studio_owner), trainer, kind, client)
    # then: the host, the token's person, savepoint, trainer (locked), client, type, busy time, insert,
    # scheduling policy, reminders, commerce policy, packages, audit, release (was 18). No savepoint around
    # the insert (a 409 rolls the booking's transaction back whole), no lock on the client (nothing is
    # consumed), no strikes read (the studio blocks nobody: strike limit 0, the default).
    assert count == 14
    assert sum(statement.startswith("SAVEPOINT") for statement in sql) == 1
    assert not any("FOR NO KEY UPDATE" in s and f'"core_user"."id" = {client.pk}' in s for s in sql)
    assert not any("payments_strike" in s for s in sql)
    assert Appointment.objects.filter(client=client).count() == 1


def test_a_booking_that_uses_a_pass_still_locks_the_client_before_reading_its_passes(
    api_client, studio_owner, trainer, kind
):
    # given a studio that sells a pack covering every type, and a client without one
    PackFactory()
    client = ClientFactory()
    # when the owner books for the client with an override (no pass: the override is recorded)
    payload = {
        "trainer_id": trainer.pk,
        "client_id": client.pk,
        "appointment_type_id": kind.pk,
        "starts_at": _at(10),
        "override": True,
    }
    with count_queries() as queries:
        response = api_client(studio_owner).post("/api/v1/appointments", payload, content_type="application/json")
    # then the client's row is locked before its memberships and packs are read
    assert response.status_code == 201, response.content
    locked = next(
        i for i, s in enumerate(queries.sql) if "FOR NO KEY UPDATE" in s and f'"core_user"."id" = {client.pk}' in s
    )
    passes = next(i for i, s in enumerate(queries.sql) if "payments_clientsubscription" in s)
    assert locked < passes


def test_a_client_booking_themself_costs_an_exact_number_of_queries(api_client, trainer, kind):
    client = ClientFactory()
    count, _sql = _book(api_client(client), trainer, kind, client)
    # the staff booking's 14, plus the trainer's weekly hours and exceptions (the slot must be offered)
    assert count == 16


def test_a_month_of_slots_costs_six_queries_and_reads_in_the_studio_zone(api_client, tenant, trainer, kind):
    start = timezone.localdate() + timedelta(days=2)
    url = (
        f"/api/v1/trainers/{trainer.pk}/slots?appointment_type_id={kind.pk}"
        f"&start={start}&end={start + timedelta(days=30)}"
    )
    api = api_client(ClientFactory())
    with count_queries() as queries:
        response = api.get(url)
    assert response.status_code == 200, response.content
    # the host, token's person, type (with the trainer check), weekly hours, exceptions, busy time
    assert len(queries) == 6
    slots = response.json()["slots"]
    assert len(slots) == 31 * 14  # 07:00-21:00 hourly every day
    zone = ZoneInfo(tenant.timezone)
    assert slots[0] == {
        "starts_at": datetime.combine(start, time(7), tzinfo=zone).isoformat(),
        "ends_at": datetime.combine(start, time(8), tzinfo=zone).isoformat(),
    }
