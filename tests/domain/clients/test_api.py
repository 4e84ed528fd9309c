"""/api/v1/clients through HTTP: scope per role, other studios' ids, bad input, constant query counts."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from core.models import User
from domain.clients.models import ClientGoal, ClientTrainer, FitnessAssessment, HealthHistory
from tests.domain.api_helpers import send
from tests.factories.clients import EmergencyContactFactory, GoalFactory, assigned_client
from tests.factories.core import ClientFactory, TrainerFactory
from tests.querycount import queries_of_get

pytestmark = pytest.mark.django_db


def test_a_trainer_lists_only_their_clients_and_owner_all(api_client, owner, trainer, client_user, stranger):
    status, body = send(api_client(trainer), "get", "/api/v1/clients")
    assert status == 200
    assert [c["id"] for c in body["items"]] == [client_user.pk]
    assert body["items"][0]["trainers"][0]["id"] == trainer.pk
    _status, everyone = send(api_client(owner), "get", "/api/v1/clients?limit=100")
    assert {client_user.pk, stranger.pk} <= {c["id"] for c in everyone["items"]}


def test_clients_outside_ones_scope_and_other_studios_ids_are_404(
    api_client, trainer, client_user, stranger, other_studio, tenant
):
    with schema_context(other_studio.schema_name):
        elsewhere = ClientFactory(id=900_001)
    assert not User.objects.filter(pk=elsewhere.pk).exists()
    for user, client_id in [(trainer, stranger.pk), (client_user, stranger.pk), (trainer, elsewhere.pk)]:
        for suffix in ("", "/profile", "/health-history", "/goals", "/assessments", "/emergency-contacts"):
            status, body = send(api_client(user), "get", f"/api/v1/clients/{client_id}{suffix}")
            assert (status, body["code"]) == (404, "not_found"), suffix


def test_a_client_sees_themself_without_the_trainers_private_notes(api_client, trainer, client_user):
    send(
        api_client(trainer),
        "put",
        f"/api/v1/clients/{client_user.pk}/profile",
        {"trainer_notes": "Knee", "tags": ["vip"]},
    )
    status, me = send(api_client(client_user), "get", f"/api/v1/clients/{client_user.pk}/profile")
    assert status == 200
    assert (me["trainer_notes"], me["tags"]) == (None, None)
    _status, listing = send(api_client(client_user), "get", "/api/v1/clients")
    assert [c["id"] for c in listing["items"]] == [client_user.pk]
    assert listing["items"][0]["tags"] is None
    status, body = send(
        api_client(client_user), "post", "/api/v1/clients", {"email": "x@example.test", "first_name": "X"}
    )
    assert (status, body["code"]) == (403, "forbidden")


def test_create_search_update_and_bad_input(api_client, manager, trainer):
    api = api_client(manager)
    status, created = send(
        api,
        "post",
        "/api/v1/clients",
        {
            "email": "ines@example.test",
            "first_name": "Inès",
            "last_name": "Moreau",
            "trainer_ids": [trainer.pk],
            "profile": {"height_cm": "171.5", "unit_preference": "imperial", "tags": ["Morning"]},
        },
    )
    assert status == 201
    assert created["trainers"] == [{"id": trainer.pk, "name": trainer.full_name, "is_primary": True}]
    _status, found = send(api, "get", "/api/v1/clients?q=moreau")
    assert [c["id"] for c in found["items"]] == [created["id"]]
    status, updated = send(
        api,
        "put",
        f"/api/v1/clients/{created['id']}",
        {"first_name": "Inès", "last_name": "Moreau", "status": "paused"},
    )
    assert (status, updated["status"]) == (200, "paused")
    # bad input: 400 naming the fields, nobody created
    before = User.objects.count()
    status, body = send(
        api, "post", "/api/v1/clients", {"email": "not-an-email", "first_name": " ", "profile": {"sex": "x"}}
    )
    assert status == 400
    assert set(body["fields"]) == {"email", "first_name", "sex"}
    status, body = send(api, "post", "/api/v1/clients", {"first_name": "No email"})
    assert (status, body["code"]) == (422, "validation_error")
    assert User.objects.count() == before


def test_only_owners_and_managers_assign_trainers(api_client, trainer, other_trainer, client_user):
    status, _body = send(
        api_client(trainer),
        "put",
        f"/api/v1/clients/{client_user.pk}",
        {"first_name": "A", "trainer_ids": [other_trainer.pk]},
    )
    assert status == 403
    client_user.refresh_from_db()
    assert client_user.first_name != "A"
    status, created = send(
        api_client(trainer), "post", "/api/v1/clients", {"email": "t@example.test", "first_name": "T"}
    )
    assert [t["id"] for t in created["trainers"]] == [trainer.pk]


def test_delete_archives_and_the_owner_restores(api_client, owner, manager, trainer, client_user):
    assert send(api_client(trainer), "delete", f"/api/v1/clients/{client_user.pk}")[0] == 403
    assert send(api_client(manager), "delete", f"/api/v1/clients/{client_user.pk}")[0] == 204
    assert send(api_client(trainer), "get", f"/api/v1/clients/{client_user.pk}")[0] == 404
    status, archived = send(api_client(owner), "get", "/api/v1/clients?status=archived")
    assert client_user.pk in [c["id"] for c in archived["items"]]
    assert send(api_client(manager), "post", f"/api/v1/clients/{client_user.pk}/restore")[0] == 403
    status, restored = send(api_client(owner), "post", f"/api/v1/clients/{client_user.pk}/restore")
    assert (status, restored["status"], restored["is_active"]) == (200, "active", True)


def test_health_history_round_trip_by_the_client_and_refusal_of_bad_answers(api_client, trainer, client_user):
    url = f"/api/v1/clients/{client_user.pk}/health-history"
    status, body = send(
        api_client(client_user),
        "put",
        url,
        {
            "conditions": ["Asthma"],
            "injuries": [{"name": "Rotator cuff strain"}],
            "medications": ["Salbutamol"],
            "parq_answers": {"bone_joint": True},
        },
    )
    assert status == 200
    assert body["clearance_needed"] is True
    assert next(q for q in body["parq"] if q["key"] == "bone_joint")["answer"] is True
    status, seen = send(api_client(trainer), "get", url)
    assert seen["injuries"] == [{"name": "Rotator cuff strain", "notes": "", "active": True}]
    status, body = send(api_client(trainer), "put", url, {"parq_answers": {"nope": True}})
    assert (status, body["code"]) == (400, "health_history_invalid")
    assert HealthHistory.objects.get(client=client_user).medications == ["Salbutamol"]


def test_goals_contacts_and_assessments(api_client, trainer, client_user):
    api = api_client(trainer)
    base = f"/api/v1/clients/{client_user.pk}"
    status, goal = send(
        api,
        "post",
        f"{base}/goals",
        {
            "goal_type": "strength",
            "title": "Squat 100 kg",
            "unit": "kg",
            "start_value": 70,
            "target_value": 100,
            "current_value": 85,
        },
    )
    assert (status, goal["progress_percent"]) == (201, 50)
    status, goal = send(api, "put", f"{base}/goals/{goal['id']}", {**goal, "current_value": 100, "status": "achieved"})
    assert (status, goal["progress_percent"], goal["achieved_at"] is not None) == (200, 100, True)
    status, contact = send(
        api_client(client_user), "post", f"{base}/emergency-contacts", {"name": "Mum", "phone": "0700 000"}
    )
    assert status == 201
    assert send(api, "delete", f"{base}/emergency-contacts/{contact['id']}")[0] == 204
    status, assessment = send(
        api, "post", f"{base}/assessments", {"assessed_on": "2026-01-10", "measurements": {"body_weight": "80.5"}}
    )
    assert status == 201
    assert assessment["measurements"] == [
        {"kind": "body_weight", "label": "Body weight", "value": 80.5, "unit": "kg", "display": "80.5 kg"}
    ]
    assert send(api_client(client_user), "post", f"{base}/assessments", {"assessed_on": "2026-01-10"})[0] == 403
    status, _body = send(
        api, "post", f"{base}/assessments", {"assessed_on": "2026-01-11", "measurements": {"body_fat": 99}}
    )
    assert status == 400
    assert FitnessAssessment.objects.filter(client=client_user).count() == 1


def _grow_clients(trainer, count):
    for _ in range(count):
        client = assigned_client(trainer)
        assigned_client(TrainerFactory())  # a client the trainer must not see
        ClientTrainer.objects.create(client=client, trainer=TrainerFactory())


def _grow_records(api, client, count, *, trainer):
    _grow_clients(trainer, count)
    for _ in range(count):
        GoalFactory(client=client)
        EmergencyContactFactory(client=client)
        measurements = {"body_weight": 80, "waist": 80}
        send(
            api,
            "post",
            f"/api/v1/clients/{client.pk}/assessments",
            {"assessed_on": "2026-01-10", "measurements": measurements},
        )


def test_list_endpoints_make_the_same_number_of_queries_as_rows_grow(api_client, trainer, client_user):
    api = api_client(trainer)
    base = f"/api/v1/clients/{client_user.pk}"
    urls = ["/api/v1/clients", f"{base}/goals", f"{base}/emergency-contacts", f"{base}/assessments"]
    _grow_records(api, client_user, 2, trainer=trainer)
    small = [queries_of_get(api, url) for url in urls]
    assert small == [4, 5, 5, 7]  # exact, per url (assessments: +1 for the caller's units, whatever the rows)
    _grow_records(api, client_user, 8, trainer=trainer)
    assert ClientGoal.objects.filter(client=client_user).count() == 10
    assert [queries_of_get(api, url) for url in urls] == small
