"""The workout API end to end: logging, replays, refusals, scope, history pages at a constant query count."""

from __future__ import annotations

import json
import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from domain.clients.models import ClientProfile, UnitSystem
from domain.programs.models import SessionStatus
from domain.progress.services import ProgressEntryData, ValueData, progress_entry_record
from tests.factories.core import ClientFactory, TrainerFactory
from tests.factories.workouts import assign_program, first_session, link_trainer, log_adhoc, rows_written
from tests.querycount import count_queries, queries_of_get

# Exact query counts of the history pages (the same for two days of history as for eight).
# The progress endpoints find the client through clients.selectors.client_in_scope, one query without the
# trainers the old client_get prefetched: one fewer than the workouts endpoints' lookup.
EXACT = {  # the client lookup is client_in_scope's one query (the trainers are not loaded: nothing shows them)
    "workout-history?limit=50": 8,
    "personal-records": 6,
    "training-summary": 9,
    "progress?limit=50": 8,
    "measurements?limit=50": 5,
    "performance-metrics?type=max_pull_ups&limit=50": 5,
}


def _post(client, path: str, body: dict):
    return client.post(path, data=json.dumps(body), content_type="application/json")


def _body(session, *, reps: int | None = None, load: str | None = None, key: str | None = None) -> dict:
    return {
        "idempotency_key": key or str(uuid.uuid4()),
        "duration_minutes": 45,
        "perceived_effort": 8,
        "mood": "good",
        "exercises": [
            {
                "session_exercise_id": item.pk,
                "sets": [
                    {"reps": reps or item.reps_max, "load": load or str(item.load_value), "rpe": "8"}
                    for _ in range(item.sets)
                ],
            }
            for item in session.exercises.all()
        ],
    }


def test_logging_a_workout_returns_the_log_its_records_and_what_the_program_did(
    api_client, client_user, dynamic_program
):
    # given the client's first scheduled workout
    session = first_session(dynamic_program)
    # when they post the whole log
    response = _post(api_client(client_user), f"/api/v1/workouts/{session.pk}/complete", _body(session))
    # then it is created, with every set, the first records and the program's reaction
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["replayed"] is False
    assert [len(e["sets"]) for e in body["exercises"]] == [3, 3]
    assert body["volume_kg"] == "3300.00"
    assert {(r["exercise_name"], r["kind"], r["value"]) for r in body["records"]} == {
        ("Barbell back squat", "heaviest_load", "100.00"),
        ("Barbell back squat", "best_e1rm", "112.50"),  # 100 x 36/32
        ("Barbell back squat", "most_reps", "5.00"),
        ("Barbell bench press", "heaviest_load", "60.00"),
        ("Barbell bench press", "best_e1rm", "80.00"),  # 60 x 36/27
        ("Barbell bench press", "most_reps", "10.00"),
    }
    assert body["program"]["weeks_advanced"] == 1
    assert body["program"]["current_week"] == 2
    assert {(c["exercise_name"], c["new_load"]) for c in body["program"]["load_changes"]} == {
        ("Barbell back squat", "102.50"),
        ("Barbell bench press", "62.50"),
    }
    # and the workout now shows as completed, with its log
    detail = api_client(client_user).get(f"/api/v1/workouts/{session.pk}").json()
    assert detail["status"] == SessionStatus.COMPLETED
    assert detail["completion"]["id"] == body["id"]


def test_resubmitting_the_same_log_answers_200_with_the_same_completion(api_client, client_user, dynamic_program):
    session = first_session(dynamic_program)
    body = _body(session)
    first = _post(api_client(client_user), f"/api/v1/workouts/{session.pk}/complete", body)
    before = rows_written()
    again = _post(api_client(client_user), f"/api/v1/workouts/{session.pk}/complete", body)
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["replayed"] is True
    assert rows_written() == before


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        (lambda b: b.pop("idempotency_key"), 422, "idempotency_key"),
        (lambda b: b["exercises"][0]["sets"][0].update(reps="many"), 422, "exercises.0.sets.0.reps"),
        (lambda b: b["exercises"][1]["sets"][2].update(reps=-3), 400, "exercises.1.sets.2.reps"),
        (lambda b: b["exercises"][0]["sets"][1].update(load="1500"), 400, "exercises.0.sets.1.load"),
        (lambda b: b.update(exercises=[]), 400, "exercises"),
        (lambda b: b.update(mood="ecstatic"), 400, "mood"),
    ],
)
def test_a_partial_or_invalid_log_is_refused_and_nothing_is_written(
    api_client, client_user, dynamic_program, change, status, field
):
    session = first_session(dynamic_program)
    body = _body(session)
    change(body)
    response = _post(api_client(client_user), f"/api/v1/workouts/{session.pk}/complete", body)
    assert response.status_code == status, response.content
    assert field in response.json()["fields"]
    assert rows_written() == (0, 0, 0, 0)
    session.refresh_from_db()
    assert session.status == SessionStatus.SCHEDULED
    dynamic_program.refresh_from_db()
    assert dynamic_program.current_week == 1


def test_a_second_log_of_a_done_workout_is_a_conflict(api_client, client_user, dynamic_program):
    session = first_session(dynamic_program)
    _post(api_client(client_user), f"/api/v1/workouts/{session.pk}/complete", _body(session))
    response = _post(api_client(client_user), f"/api/v1/workouts/{session.pk}/complete", _body(session))
    assert response.status_code == 409
    assert response.json()["code"] == "workout_already_logged"


def test_loads_are_shown_in_the_clients_units(api_client, client_user, dynamic_program):
    # given a client who thinks in pounds
    ClientProfile.objects.filter(user=client_user).update(unit_preference=UnitSystem.IMPERIAL)
    session = first_session(dynamic_program)
    # when they log in pounds
    body = _body(session, load="225")
    body["load_unit"] = "lb"
    logged = _post(api_client(client_user), f"/api/v1/workouts/{session.pk}/complete", body).json()
    # then kilograms are stored and pounds shown, as typed
    squat_set = logged["exercises"][0]["sets"][0]
    assert (squat_set["load_kg"], squat_set["load_display"]) == ("102.06", "225 lb")
    # and the prescription of the next workout (100 kg + 2.5 = 102.5 kg) reads in pounds too
    upcoming = dynamic_program.sessions.exclude(pk=session.pk).first()
    detail = api_client(client_user).get(f"/api/v1/workouts/{upcoming.pk}").json()
    assert detail["units"] == "imperial"
    assert detail["exercises"][0]["load_display"] == "226 lb"  # 102.5 / 0.45359237 = 225.97


def test_a_trainer_sees_and_logs_for_their_client_but_not_for_others(api_client, tenant, client_user, trainer):
    program = assign_program(client=client_user, actor=trainer)
    stranger = TrainerFactory()
    session = first_session(program)
    assert api_client(stranger).get(f"/api/v1/workouts/{session.pk}").status_code == 404
    assert _post(api_client(stranger), f"/api/v1/workouts/{session.pk}/complete", _body(session)).status_code == 404
    assert api_client(stranger).get(f"/api/v1/clients/{client_user.pk}/workout-history").status_code == 404
    assert _post(api_client(trainer), f"/api/v1/workouts/{session.pk}/complete", _body(session)).status_code == 201


def test_another_studios_ids_are_not_found(api_client, client_user, studio, other_studio):
    # given a client with a program and a log in the other studio
    with tenant_context(other_studio):
        trainer = TrainerFactory()
        person = ClientFactory()
        link_trainer(person, trainer)
        session = first_session(assign_program(client=person, actor=trainer))
        completion = log_adhoc(actor=person, client=person, slug="pull-up", sets=[(5, None)]).completion
    connection.set_tenant(studio)
    owner = api_client(client_user).get("/api/v1/auth/me")  # sanity: the token works here
    assert owner.status_code == 200
    # when someone of this studio asks for those ids, then they do not exist here
    me = api_client(client_user)
    assert me.get(f"/api/v1/workouts/{session.pk}").status_code == 404
    assert (
        _post(
            me, f"/api/v1/workouts/{session.pk}/complete", {"idempotency_key": str(uuid.uuid4()), "exercises": []}
        ).status_code
        == 404
    )
    assert me.get(f"/api/v1/workout-completions/{completion.pk}").status_code == 404
    assert me.get(f"/api/v1/clients/{person.pk}/workout-history").status_code == 404
    assert me.get(f"/api/v1/clients/{person.pk}/personal-records").status_code == 404


def test_an_adhoc_workout_is_logged_through_the_api(api_client, client_user):
    from domain.library.models import Exercise

    pull_up = Exercise.objects.get(slug="pull-up")
    body = {
        "idempotency_key": str(uuid.uuid4()),
        "name": "Park workout",
        "exercises": [{"exercise_id": pull_up.pk, "sets": [{"reps": 12}, {"reps": 10}]}],
    }
    response = _post(api_client(client_user), f"/api/v1/clients/{client_user.pk}/workouts", body)
    assert response.status_code == 201, response.content
    assert (response.json()["name"], response.json()["session_id"], response.json()["program"]) == (
        "Park workout",
        None,
        None,
    )


def _grow(client_user, days: range) -> None:
    """A log and a check-in per day: the history the read endpoints below page through."""
    for n in days:
        log_adhoc(actor=client_user, client=client_user, slug="barbell-bench-press", sets=[(8, str(60 + n)), (6, "70")])
        progress_entry_record(
            actor=client_user,
            client_id=client_user.pk,
            data=ProgressEntryData(
                recorded_on=date(2026, 1, 1) + timedelta(days=n),
                measurements=[ValueData(type="body_weight", value=Decimal(80 + n))],
                metrics=[ValueData(type="max_pull_ups", value=Decimal(5 + n))],
            ),
        )


@pytest.mark.parametrize(
    "path",
    [
        "workout-history?limit=50",
        "personal-records",
        "training-summary",
        "progress?limit=50",
        "measurements?limit=50",
        "performance-metrics?type=max_pull_ups&limit=50",
    ],
)
def test_history_endpoints_cost_the_same_queries_however_long_the_history(api_client, client_user, trainer, path):
    # given two days of history, then eight
    me = api_client(trainer)
    url = f"/api/v1/clients/{client_user.pk}/{path}"
    _grow(client_user, range(2))
    with_two = queries_of_get(me, url)
    assert with_two == EXACT[path]
    _grow(client_user, range(2, 8))
    # then a page of eight costs exactly what a page of two did
    assert queries_of_get(me, url) == with_two


def test_history_pages_with_a_cursor(api_client, client_user):
    for n in range(5):
        log_adhoc(actor=client_user, client=client_user, slug="pull-up", sets=[(5 + n, None)])
    me = api_client(client_user)
    first = me.get(f"/api/v1/clients/{client_user.pk}/workout-history?limit=3").json()
    second = me.get(f"/api/v1/clients/{client_user.pk}/workout-history?limit=3&cursor={first['next_cursor']}").json()
    ids = [item["id"] for item in first["items"] + second["items"]]
    assert len(ids) == len(set(ids)) == 5
    assert second["next_cursor"] is None
    assert ids == sorted(ids, reverse=True)


def test_records_and_training_summary_are_shown_to_the_client_and_their_trainer(api_client, client_user, trainer):
    log_adhoc(actor=client_user, client=client_user, slug="barbell-back-squat", sets=[(5, "100")])
    log_adhoc(actor=client_user, client=client_user, slug="barbell-back-squat", sets=[(3, "110")])
    for person in (client_user, trainer):
        boards = api_client(person).get(f"/api/v1/clients/{client_user.pk}/personal-records").json()
        (squat,) = boards
        assert squat["heaviest_load"]["value"] == "110.00"
        assert squat["best_e1rm"]["display"] == "116.5 kg (3 x 110 kg, Brzycki)"
        assert [(r["load_kg"], r["value"]) for r in squat["most_reps"]] == [("110.00", "3.00"), ("100.00", "5.00")]
    summary = api_client(trainer).get(f"/api/v1/clients/{client_user.pk}/training-summary?weeks=4").json()
    assert len(summary["weeks"]) == 4
    assert Decimal(summary["weeks"][-1]["volume_kg"]) == Decimal(5 * 100 + 3 * 110)
    assert [p["e1rm_kg"] for p in summary["lifts"][0]["points"]] == ["116.47"]


def test_the_openapi_document_carries_the_seeds_workout_paths(api_client, client_user):
    paths = api_client(client_user).get("/api/v1/openapi.json").json()["paths"]
    assert {
        "/api/v1/workouts/{workout_id}",
        "/api/v1/workouts/{workout_id}/complete",
        "/api/v1/clients/{client_id}/workout-history",
        "/api/v1/clients/{client_id}/progress",
        "/api/v1/clients/{client_id}/photos",
    } <= set(paths)


def test_logging_a_workout_costs_an_exact_number_of_queries(api_client, client_user, dynamic_program):
    # given the client's first scheduled workout (two exercises of three sets)
    session = first_session(dynamic_program)
    api = api_client(client_user)
    body = _body(session)
    # when they post the whole log
    with count_queries() as queries:
        response = _post(api, f"/api/v1/workouts/{session.pk}/complete", body)
    # then it is logged with exactly this many queries (sign-in, checks, writes, records, progression);
    # 45 since the writes take no savepoint of their own and the answer does not read the log's row again
    assert response.status_code == 201, response.content
    assert len(queries) == 45


def test_logging_an_adhoc_workout_costs_an_exact_number_of_queries(api_client, client_user):
    from domain.library.models import Exercise

    # given one exercise of three sets, logged by the client
    squat = Exercise.objects.get(slug="barbell-back-squat")
    body = {
        "idempotency_key": str(uuid.uuid4()),
        "name": "Hotel gym",
        "exercises": [{"exercise_id": squat.pk, "sets": [{"reps": 5, "load": "100", "rpe": "8"}] * 3}],
    }
    api = api_client(client_user)
    with count_queries() as queries:
        response = _post(api, f"/api/v1/clients/{client_user.pk}/workouts", body)
    # then: the host (tests look it up every time), token's person, savepoint, client (one query: its
    # trainers are not loaded), lock, key replay, exercises, two bests, four inserts (the first log sets
    # records), audit, release, then the answer: exercises, sets, records, units (the log's own row is not
    # read again). Was 23.
    assert response.status_code == 201, response.content
    assert len(queries) == 19
    # and the body (its exercises) is checked before the client's row is locked, not while other logs wait
    exercises_read = next(i for i, q in enumerate(queries.sql) if '"library_exercise"' in q)
    locked = next(i for i, q in enumerate(queries.sql) if q.endswith("FOR UPDATE"))
    assert exercises_read < locked
    assert response.json()["sets_completed"] == 3
    assert response.json()["volume_kg"] == "1500.00"


def test_a_retry_whose_body_no_longer_passes_still_gets_the_log_already_written(api_client, client_user):
    from domain.library.models import Exercise

    # given an ad-hoc log written with a key
    squat = Exercise.objects.get(slug="barbell-back-squat")
    key = str(uuid.uuid4())
    body = {
        "idempotency_key": key,
        "name": "Hotel gym",
        "exercises": [{"exercise_id": squat.pk, "sets": [{"reps": 5}]}],
    }
    api = api_client(client_user)
    first = _post(api, f"/api/v1/clients/{client_user.pk}/workouts", body)
    assert first.status_code == 201, first.content
    # when the same key comes again with a body the service would refuse (an exercise that does not exist)
    unknown = {**body, "exercises": [{"exercise_id": 999_999_999, "sets": [{"reps": 5}]}]}
    again = _post(api, f"/api/v1/clients/{client_user.pk}/workouts", unknown)
    # then it is answered with the log already written, as before the body was checked ahead of the lock
    assert again.status_code == 200, again.content
    assert (again.json()["id"], again.json()["replayed"]) == (first.json()["id"], True)
    # and a new key with that body is refused
    refused = _post(
        api,
        f"/api/v1/clients/{client_user.pk}/workouts",
        {**unknown, "idempotency_key": str(uuid.uuid4())},
    )
    assert refused.status_code == 400
