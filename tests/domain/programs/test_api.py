"""Templates, assignment, programs and their workouts through HTTP."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from domain.clients.services import HealthData, health_history_update
from domain.programs.models import ClientProgram, ProgramTemplate, WorkoutSession
from domain.programs.services import template_assign
from tests.domain.api_helpers import send
from tests.factories.clients import assigned_client
from tests.factories.library import starter
from tests.factories.programs import template
from tests.querycount import queries_of_get

pytestmark = pytest.mark.django_db


def document(squat_id: int, **overrides) -> dict:
    return {
        "name": "Novice strength",
        "goal": "strength",
        "level": "beginner",
        "phases": [
            {
                "name": "Base",
                "weeks": 2,
                "focus": "technique",
                "workouts": [
                    {
                        "day": 1,
                        "name": "Lower",
                        "exercises": [
                            {
                                "exercise_id": squat_id,
                                "sets": 3,
                                "reps_min": 5,
                                "reps_max": 8,
                                "load_type": "kg",
                                "load_value": 60,
                                "tempo": "3-1-x-0",
                            },
                        ],
                    },
                    {
                        "day": 4,
                        "name": "Full",
                        "exercises": [{"exercise_id": squat_id, "sets": 2, "reps_min": 10, "superset_group": "a"}],
                    },
                ],
            },
            {
                "name": "Build",
                "weeks": 1,
                "workouts": [
                    {
                        "day": 2,
                        "name": "Lower",
                        "exercises": [
                            {
                                "exercise_id": squat_id,
                                "sets": 5,
                                "reps_min": 3,
                                "load_type": "percent_1rm",
                                "load_value": 80,
                            }
                        ],
                    }
                ],
            },
        ],
        **overrides,
    }


def test_the_builders_document_round_trips_and_can_be_copied(api_client, trainer):
    api = api_client(trainer)
    squat = starter("barbell-back-squat")
    status, created = send(api, "post", "/api/v1/templates", document(squat.pk))
    assert status == 201
    assert created["duration_weeks"] == 3
    first = created["phases"][0]["workouts"][0]["exercises"][0]
    assert (first["exercise"]["name"], first["tempo"], first["reps_display"], first["load_display"]) == (
        "Barbell back squat",
        "3-1-X-0",
        "5–8",
        "60 kg",
    )
    assert {r["kind"] for r in created["rules"]} == {"load_increase", "deload"}
    assert all(r["description"] for r in created["rules"])
    # reorder the workouts and drop the rules
    doc = document(squat.pk, rules=[])
    doc["phases"][0]["workouts"].reverse()
    status, updated = send(api, "put", f"/api/v1/templates/{created['id']}", doc)
    assert status == 200
    assert [w["name"] for w in updated["phases"][0]["workouts"]] == ["Full", "Lower"]
    assert updated["rules"] == []
    status, copy = send(api, "post", f"/api/v1/templates/{created['id']}/copy", {"name": "Novice B"})
    assert (status, copy["name"], len(copy["phases"])) == (201, "Novice B", 2)


def test_bad_documents_are_400_with_paths_and_nothing_is_written(api_client, trainer, client_user):
    before = ProgramTemplate.objects.count()
    doc = document(starter("barbell-back-squat").pk)
    doc["phases"][0]["workouts"][0]["exercises"][0]["reps_max"] = 2
    doc["phases"][1]["weeks"] = 99
    status, body = send(api_client(trainer), "post", "/api/v1/templates", doc)
    assert (status, body["code"]) == (400, "template_invalid")
    assert set(body["fields"]) == {"phases.0.workouts.0.exercises.0.reps_max", "phases.1.weeks"}
    assert send(api_client(client_user), "post", "/api/v1/templates", document(1))[0] == 403
    assert ProgramTemplate.objects.count() == before


def test_assigning_warns_about_contraindications_and_the_client_sees_their_program(api_client, trainer, client_user):
    health_history_update(actor=trainer, client_id=client_user.pk, data=HealthData(conditions=["Hypertension"]))
    plan = template(actor=trainer)
    api = api_client(trainer)
    status, preview = send(api, "get", f"/api/v1/templates/{plan.pk}/warnings?client_id={client_user.pk}")
    assert status == 200
    assert [w["contraindication"] for w in preview] == ["hypertension"]
    status, body = send(
        api,
        "post",
        f"/api/v1/templates/{plan.pk}/assign",
        {"client_id": client_user.pk, "assignment_type": "DYNAMIC_PROGRESSIVE"},
    )
    assert status == 201
    assert "Hypertension" in body["warnings"][0]["message"]
    program_id = body["program"]["id"]
    # the client sees the program, its prescriptions, rules and this week's workouts
    mine = api_client(client_user)
    status, listing = send(mine, "get", f"/api/v1/clients/{client_user.pk}/programs")
    assert [p["id"] for p in listing["items"]] == [program_id]
    status, detail = send(mine, "get", f"/api/v1/programs/{program_id}")
    assert (detail["current_phase"], detail["current_week"], len(detail["phases"])) == (1, 1, 2)
    assert {r["kind"] for r in detail["rules"]} == {"load_increase", "deload"}
    status, week = send(mine, "get", f"/api/v1/programs/{program_id}/workouts?phase=1&week=1")
    assert [w["name"] for w in week["items"]] == ["Workout A", "Workout B"]
    assert week["items"][0]["exercises"][0]["load_display"] == "100 kg"
    # but cannot move it or change its rules
    assert (
        send(
            mine, "put", f"/api/v1/programs/{program_id}", {"current_phase": 2, "current_week": 1, "status": "active"}
        )[0]
        == 403
    )


def test_assignment_refusals_write_nothing(api_client, trainer, other_trainer, client_user, stranger):
    plan = template(actor=trainer)
    api = api_client(trainer)
    assert (
        send(
            api, "post", f"/api/v1/templates/{plan.pk}/assign", {"client_id": stranger.pk, "assignment_type": "STATIC"}
        )[0]
        == 404
    )
    status, body = send(
        api, "post", f"/api/v1/templates/{plan.pk}/assign", {"client_id": client_user.pk, "assignment_type": "LATER"}
    )
    assert (status, body["fields"]) == (400, {"assignment_type": body["fields"]["assignment_type"]})
    assert (
        send(
            api,
            "post",
            f"/api/v1/templates/{plan.pk}/assign",
            {"client_id": client_user.pk, "assignment_type": "STATIC", "start_date": "2020-01-01"},
        )[0]
        == 400
    )
    assert not ClientProgram.objects.exists()


def test_the_trainer_moves_a_static_program_and_sets_an_exercise_rule(api_client, trainer, client_user):
    plan = template(actor=trainer)
    program = template_assign(
        template_id=plan.pk, client_id=client_user.pk, actor=trainer, assignment_type="STATIC"
    ).program
    api = api_client(trainer)
    status, moved = send(
        api, "put", f"/api/v1/programs/{program.pk}", {"current_phase": 2, "current_week": 1, "status": "active"}
    )
    assert (status, moved["current_phase"], moved["current_week"]) == (200, 2, 1)
    status, body = send(
        api, "put", f"/api/v1/programs/{program.pk}", {"current_phase": 2, "current_week": 5, "status": "active"}
    )
    assert (status, body["code"]) == (400, "program_progress_invalid")
    slot = moved["exercises"][0]["id"]
    status, rule = send(
        api,
        "post",
        f"/api/v1/programs/{program.pk}/rules",
        {"program_exercise_id": slot, "kind": "deload", "miss_threshold": 3, "deload_percent": 5},
    )
    assert (status, rule["program_exercise_id"], rule["miss_threshold"]) == (200, slot, 3)
    assert "3 sessions" in rule["description"]
    status, _ = send(
        api,
        "post",
        f"/api/v1/programs/{program.pk}/rules",
        {"kind": "deload", "miss_threshold": 0, "deload_percent": 90},
    )
    assert status == 400
    assert send(api, "delete", f"/api/v1/programs/{program.pk}/rules/{rule['id']}")[0] == 204


def test_programs_of_other_trainers_clients_and_other_studios_are_404(
    api_client, trainer, other_trainer, client_user, other_studio, tenant
):
    plan = template(actor=trainer)
    theirs = template_assign(
        template_id=plan.pk, client_id=assigned_client(other_trainer).pk, actor=other_trainer, assignment_type="STATIC"
    ).program
    with schema_context(other_studio.schema_name):
        elsewhere_id = 900_002
        assert not ClientProgram.objects.filter(pk=elsewhere_id).exists()
    for program_id in (theirs.pk, elsewhere_id):
        for suffix in ("", "/workouts"):
            assert send(api_client(trainer), "get", f"/api/v1/programs/{program_id}{suffix}")[0] == 404
    assert send(api_client(client_user), "get", f"/api/v1/programs/{theirs.pk}")[0] == 404


def test_list_endpoints_cost_the_same_as_programs_grow(api_client, trainer, client_user):
    api = api_client(trainer)
    plan = template(actor=trainer, phases=((1, 2),))
    first = template_assign(
        template_id=plan.pk, client_id=client_user.pk, actor=trainer, assignment_type="STATIC"
    ).program
    template(actor=trainer, name="Second")
    urls = [
        "/api/v1/templates",
        f"/api/v1/clients/{client_user.pk}/programs",
        f"/api/v1/programs/{first.pk}/workouts",
        f"/api/v1/programs/{first.pk}",
    ]
    small = [queries_of_get(api, url) for url in urls]
    assert small == [3, 4, 5, 8]  # exact, per url (the client's programs: the scope check loads no trainers)
    bigger = template(actor=trainer, phases=((6, 4), (4, 3)))
    for _ in range(5):
        template(actor=trainer)
        template_assign(
            template_id=bigger.pk, client_id=client_user.pk, actor=trainer, assignment_type="DYNAMIC_PROGRESSIVE"
        )
    # the first program's workouts grow too: more sessions appear when it is reassigned bigger
    urls[2] = f"/api/v1/programs/{ClientProgram.objects.filter(template=bigger).first().pk}/workouts"
    urls[3] = f"/api/v1/programs/{ClientProgram.objects.filter(template=bigger).first().pk}"
    assert WorkoutSession.objects.filter(client_program__template=bigger).count() == 5 * (6 * 4 + 4 * 3)
    assert [queries_of_get(api, url) for url in urls] == small
