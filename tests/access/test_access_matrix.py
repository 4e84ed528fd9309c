"""The access matrix: every role x every client-scoped operation x assigned / unassigned / other studio.

The rule (docs/access.md): owners and managers act on every client; a trainer on the clients assigned to
them; a client on themself. Anything else answers 404, exactly like an id of another studio. A role that
may not attempt the operation at all gets 403 whatever the client. Through the real API, one studio host.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from core.models import User
from core.studio_time import studio_zone
from domain.clients.models import ClientProfile
from tests.factories.clients import ClientTrainerFactory
from tests.factories.core import ClientFactory, ManagerFactory, OwnerFactory, TrainerFactory
from tests.factories.programs import template
from tests.factories.scheduling import AppointmentTypeFactory, AvailabilityFactory, GroupSessionFactory

pytestmark = pytest.mark.django_db

OTHER_STUDIO_ID = 1_000_000  # exists only in the other studio's schema


@dataclass
class World:
    owner: User
    manager: User
    trainer: User  # the trainer the "assigned" client belongs to
    assigned: User
    unassigned: User
    booking_trainer: User
    appointment_type_id: int
    session_id: int
    template_id: int

    def actor(self, role: str) -> User:
        return {"owner": self.owner, "manager": self.manager, "trainer": self.trainer, "client": self.assigned}[role]


def _client(**fields: object) -> User:
    person = ClientFactory(**fields)
    ClientProfile.objects.create(user=person)
    return person


@pytest.fixture
def world(tenant, other_studio) -> World:
    trainer, colleague = TrainerFactory(), TrainerFactory()
    assigned, unassigned = _client(), _client()
    ClientTrainerFactory(client=assigned, trainer=trainer, is_primary=True)
    ClientTrainerFactory(client=unassigned, trainer=colleague, is_primary=True)
    for person in (trainer, colleague):
        for weekday in range(7):
            AvailabilityFactory(trainer=person, weekday=weekday, start_time=time(6), end_time=time(22))
    kind = AppointmentTypeFactory()
    # the class is in the evening, away from the 10:00 bookings below, whatever the hour the test runs
    session = GroupSessionFactory(instructor=colleague, capacity=20, starts_at=_at(days_ahead=3, hour=18))
    owner = OwnerFactory()
    with schema_context(other_studio.schema_name):
        ClientFactory(pk=OTHER_STUDIO_ID)
    assert not User.objects.filter(pk=OTHER_STUDIO_ID).exists()
    return World(
        owner=owner,
        manager=ManagerFactory(),
        trainer=trainer,
        assigned=assigned,
        unassigned=unassigned,
        booking_trainer=colleague,
        appointment_type_id=kind.pk,
        session_id=session.pk,
        template_id=template(actor=owner).pk,
    )


def _at(*, days_ahead: int, hour: int) -> datetime:
    day = timezone.now().astimezone(studio_zone()).date() + timedelta(days=days_ahead)
    return datetime.combine(day, time(hour), tzinfo=studio_zone())


def _slot(days_ahead: int) -> str:
    return _at(days_ahead=days_ahead, hour=10).isoformat()


Operation = Callable[[Client, World, User, int], int]


def view_client(api: Client, world: World, actor: User, client_id: int) -> int:
    return api.get(f"/api/v1/clients/{client_id}").status_code


def view_health(api: Client, world: World, actor: User, client_id: int) -> int:
    return api.get(f"/api/v1/clients/{client_id}/health-history").status_code


def set_goal(api: Client, world: World, actor: User, client_id: int) -> int:
    payload = {"goal_type": "strength", "title": "Deadlift 100 kg"}
    return api.post(f"/api/v1/clients/{client_id}/goals", payload, content_type="application/json").status_code


def list_programs(api: Client, world: World, actor: User, client_id: int) -> int:
    return api.get(f"/api/v1/clients/{client_id}/programs").status_code


def assign_program(api: Client, world: World, actor: User, client_id: int) -> int:
    payload = {"client_id": client_id, "assignment_type": "STATIC"}
    url = f"/api/v1/templates/{world.template_id}/assign"
    return api.post(url, payload, content_type="application/json").status_code


def list_progress(api: Client, world: World, actor: User, client_id: int) -> int:
    return api.get(f"/api/v1/clients/{client_id}/progress").status_code


def book_appointment(api: Client, world: World, actor: User, client_id: int) -> int:
    trainer = actor if actor.role == "trainer" else world.booking_trainer
    payload = {
        "trainer_id": trainer.pk,
        "client_id": client_id,
        "appointment_type_id": world.appointment_type_id,
        "starts_at": _slot(2 + client_id % 5),
    }
    return api.post("/api/v1/appointments", payload, content_type="application/json").status_code


def register_for_class(api: Client, world: World, actor: User, client_id: int) -> int:
    return api.post(f"/api/v1/group-sessions/{world.session_id}/register?client_id={client_id}").status_code


def log_food(api: Client, world: World, actor: User, client_id: int) -> int:
    payload = {"idempotency_key": str(uuid.uuid4()), "meal": "lunch", "energy_kcal": 450}
    url = f"/api/v1/clients/{client_id}/nutrition-logs"
    return api.post(url, payload, content_type="application/json").status_code


def view_nutrition_day(api: Client, world: World, actor: User, client_id: int) -> int:
    return api.get(f"/api/v1/clients/{client_id}/nutrition/days/2026-01-15").status_code


def set_nutrition_targets(api: Client, world: World, actor: User, client_id: int) -> int:
    payload = {"energy_kcal": 2000, "protein_g": 150, "carbohydrate_g": 200, "fat_g": 67}
    url = f"/api/v1/clients/{client_id}/nutrition-plans"
    return api.post(url, payload, content_type="application/json").status_code


def start_group_with(api: Client, world: World, actor: User, client_id: int) -> int:
    payload = {"title": "Bootcamp", "member_ids": [client_id]}
    return api.post("/api/v1/messaging/threads/group", payload, content_type="application/json").status_code


def export_data(api: Client, world: World, actor: User, client_id: int) -> int:
    return api.post(f"/api/v1/clients/{client_id}/data-exports").status_code


def erase_client(api: Client, world: World, actor: User, client_id: int) -> int:
    person = User.objects.filter(pk=client_id).first()
    payload = {"confirm_name": person.get_full_name() if person else "Nobody Here"}
    return api.post(f"/api/v1/clients/{client_id}/erase", payload, content_type="application/json").status_code


OPERATIONS: dict[str, tuple[Operation, int, frozenset[str]]] = {
    # name: (operation, success status, roles that may attempt it)
    "view client": (view_client, 200, frozenset({"owner", "manager", "trainer", "client"})),
    "view health history": (view_health, 200, frozenset({"owner", "manager", "trainer", "client"})),
    "set a goal": (set_goal, 201, frozenset({"owner", "manager", "trainer", "client"})),
    "list programs": (list_programs, 200, frozenset({"owner", "manager", "trainer", "client"})),
    "assign a program": (assign_program, 201, frozenset({"owner", "manager", "trainer"})),
    "list progress": (list_progress, 200, frozenset({"owner", "manager", "trainer", "client"})),
    "book an appointment": (book_appointment, 201, frozenset({"owner", "manager", "trainer", "client"})),
    "register for a class": (register_for_class, 201, frozenset({"owner", "manager", "trainer", "client"})),
    "log food": (log_food, 201, frozenset({"owner", "manager", "trainer", "client"})),
    "view a nutrition day": (view_nutrition_day, 200, frozenset({"owner", "manager", "trainer", "client"})),
    "set nutrition targets": (set_nutrition_targets, 201, frozenset({"owner", "manager", "trainer"})),
    "start a group thread with": (start_group_with, 201, frozenset({"owner", "manager", "trainer"})),
    "export a client's data": (export_data, 202, frozenset({"owner", "manager", "trainer", "client"})),
    "erase a client": (erase_client, 200, frozenset({"owner"})),
}


def expected(role: str, target: str, success: int, allowed_roles: frozenset[str]) -> int:
    if role not in allowed_roles:
        return 403
    if target == "other studio":
        return 404
    if target == "unassigned" and role not in ("owner", "manager"):
        return 404
    return success


@pytest.mark.parametrize("operation", list(OPERATIONS))
@pytest.mark.parametrize("role", ["owner", "manager", "trainer", "client"])
def test_access_matrix(api_client, world, role, operation):
    run, success, allowed_roles = OPERATIONS[operation]
    actor = world.actor(role)
    api = api_client(actor)
    targets = {"assigned": world.assigned.pk, "unassigned": world.unassigned.pk, "other studio": OTHER_STUDIO_ID}
    answers = {target: run(api, world, actor, client_id) for target, client_id in targets.items()}
    assert answers == {target: expected(role, target, success, allowed_roles) for target in targets}


def test_a_trainer_acts_on_unassigned_participants_of_their_class_for_roster_and_attendance_only(api_client, world):
    # given a class the trainer teaches, starting in ten minutes, with a client who is not theirs
    session = GroupSessionFactory(instructor=world.trainer, starts_at=timezone.now() + timedelta(minutes=10))
    seat = api_client(world.unassigned).post(f"/api/v1/group-sessions/{session.pk}/register")
    assert seat.status_code == 201
    api = api_client(world.trainer)
    # when the trainer opens the roster and checks the client in
    roster = api.get(f"/api/v1/group-sessions/{session.pk}/roster")
    check_in = api.post(
        f"/api/v1/group-sessions/{session.pk}/participants/{seat.json()['id']}/attendance",
        {"attended": True},
        content_type="application/json",
    )
    # then both work, and the client's own record stays out of reach
    assert roster.status_code == 200
    assert [p["client"]["id"] for p in roster.json()["participants"]] == [world.unassigned.pk]
    assert check_in.status_code == 200
    assert api.get(f"/api/v1/clients/{world.unassigned.pk}").status_code == 404
    assert api.get(f"/api/v1/clients/{world.unassigned.pk}/progress").status_code == 404
