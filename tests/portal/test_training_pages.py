"""Portal pages of clients, the exercise library and programs, through HTTP as each role."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client

from core.models import User
from core.studio_time import studio_today
from domain.clients.models import ClientTrainer, HealthHistory
from domain.clients.services import HealthData, health_history_update
from domain.library.models import Exercise
from domain.programs.models import ClientProgram, ProgramTemplate, ProgressionRule
from domain.programs.services import template_assign
from tests.conftest import host_of
from tests.factories.clients import assigned_client
from tests.factories.core import ClientFactory, ManagerFactory, TrainerFactory
from tests.factories.library import starter
from tests.factories.programs import template
from tests.querycount import queries_of_get

pytestmark = [pytest.mark.django_db, pytest.mark.date_sensitive]


def browser(studio, user: User) -> Client:
    client = Client(HTTP_HOST=host_of(studio))
    client.force_login(user)
    return client


@pytest.fixture
def trainer(tenant) -> User:
    return TrainerFactory(first_name="Theo")


@pytest.fixture
def client_user(trainer) -> User:
    return assigned_client(trainer, first_name="Chloe")


def test_the_dashboard_links_each_role_to_its_pages(studio, trainer, client_user):
    staff_page = browser(studio, trainer).get("/dashboard/").content.decode()
    assert 'href="/clients/"' in staff_page
    assert 'href="/templates/"' in staff_page
    assert 'href="/me/program/"' not in staff_page
    client_page = browser(studio, client_user).get("/dashboard/").content.decode()
    assert 'href="/me/program/"' in client_page
    assert 'href="/clients/"' not in client_page


def test_a_trainer_lists_their_clients_and_adds_one(studio, trainer, client_user):
    stranger = ClientFactory(first_name="Zed")
    web = browser(studio, trainer)
    page = web.get("/clients/").content.decode()
    assert "Chloe" in page
    assert "Zed" not in page
    response = web.post("/clients/", {"first_name": "Nadia", "email": "nadia@example.test"})
    nadia = User.objects.get(email="nadia@example.test")
    assert response.status_code == 302
    assert response["Location"] == f"/clients/{nadia.pk}/"
    assert ClientTrainer.objects.filter(client=nadia, trainer=trainer, is_primary=True).exists()
    count = User.objects.count()
    response = web.post("/clients/", {"first_name": "Dup", "email": stranger.email})
    assert response.status_code == 400
    assert "already has an account" in response.content.decode()
    assert User.objects.count() == count


def test_the_client_page_has_every_section_and_other_clients_are_not_found(studio, trainer, client_user):
    web = browser(studio, trainer)
    page = web.get(f"/clients/{client_user.pk}/").content.decode()
    for anchor in ("profile", "health", "goals", "assessments", "contacts", "programs"):
        assert f'id="{anchor}"' in page
    assert web.get(f"/clients/{ClientFactory().pk}/").status_code == 404
    assert browser(studio, client_user).get("/clients/").status_code == 302  # clients go to their program


def test_health_history_is_saved_from_the_page_and_bad_input_changes_nothing(studio, trainer, client_user):
    web = browser(studio, trainer)
    response = web.post(
        f"/clients/{client_user.pk}/health/",
        {
            "conditions": "Hypertension\nAsthma",
            "injuries": "Shoulder impingement: left\nhealed: ACL tear",
            "parq_bone_joint": "on",
        },
    )
    assert response.status_code == 302
    history = HealthHistory.objects.get(client=client_user)
    assert history.conditions == ["Hypertension", "Asthma"]
    assert history.injuries == [
        {"name": "Shoulder impingement", "notes": "left", "active": True},
        {"name": "ACL tear", "notes": "", "active": False},
    ]
    assert history.parq_flags == ["bone_joint"]
    response = web.post(f"/clients/{client_user.pk}/health/", {"conditions": "Other", "cleared_on": "2026-01-01"})
    assert response.status_code == 400
    assert "Record the clearance as given" in response.content.decode()
    assert HealthHistory.objects.get(client=client_user).conditions == ["Hypertension", "Asthma"]


def test_goals_assessments_and_contacts_from_the_page(studio, trainer, client_user):
    web = browser(studio, trainer)
    base = f"/clients/{client_user.pk}"
    assert web.post(f"{base}/goals/", {"goal_type": "strength", "title": "Deadlift 140"}).status_code == 302
    assert web.post(f"{base}/assessments/", {"assessed_on": "2026-02-01", "m_body_weight": "81.2"}).status_code == 302
    assert web.post(f"{base}/contacts/", {"name": "Sam", "phone": "0700"}).status_code == 302
    page = web.get(f"{base}/").content.decode()
    assert "Deadlift 140" in page
    assert "81.2 kg" in page
    assert "Sam" in page
    assert web.post(f"{base}/assessments/", {"assessed_on": "2026-02-01", "m_body_weight": "4000"}).status_code == 400
    assert browser(studio, client_user).post(f"{base}/assessments/", {"assessed_on": "2026-02-01"}).status_code == 403


def test_archive_and_restore(studio, tenant, client_user, owner_user):
    manager = ManagerFactory()
    assert browser(studio, manager).post(f"/clients/{client_user.pk}/archive/").status_code == 302
    client_user.refresh_from_db()
    assert not client_user.is_active
    assert browser(studio, owner_user).post(f"/clients/{client_user.pk}/restore/").status_code == 302
    client_user.refresh_from_db()
    assert client_user.is_active


@pytest.fixture
def owner_user(tenant) -> User:
    return User.objects.get(email=f"owner@{tenant.slug}.test")


def test_the_library_searches_adds_copies_and_hides(studio, trainer, client_user):
    web = browser(studio, trainer)
    page = web.get("/library/?q=squat&equipment=barbell").content.decode()
    assert "Barbell back squat" in page
    assert "Goblet squat" not in page
    assert browser(studio, client_user).get("/library/").status_code == 403
    response = web.post(
        "/library/add/",
        {
            "name": "Band pull-apart (high)",
            "category_id": starter("band-pull-apart").category_id,
            "primary_muscles": ["rear delts"],
            "equipment": ["resistance band"],
            "difficulty": "beginner",
            "mechanics": "isolation",
            "force": "pull",
        },
    )
    assert response.status_code == 302
    assert Exercise.objects.filter(name="Band pull-apart (high)", is_starter=False).exists()
    squat = starter("barbell-back-squat")
    assert web.get(f"/library/{squat.pk}/edit/").status_code == 302  # starters are read-only
    response = web.post(f"/library/{squat.pk}/copy/")
    copy = Exercise.objects.get(copied_from=squat)
    assert response["Location"] == f"/library/{copy.pk}/edit/"
    assert web.get(f"/library/{copy.pk}/edit/").status_code == 200
    web.post(f"/library/{squat.pk}/visibility/", {"hidden": "0"})
    squat.refresh_from_db()
    assert not squat.is_hidden


def test_templates_builder_and_assign_dialog_with_warnings(studio, trainer, client_user):
    web = browser(studio, trainer)
    response = web.post("/templates/", {"name": "Hypertrophy A", "goal": "hypertrophy", "level": "beginner"})
    created = ProgramTemplate.objects.get(name="Hypertrophy A")
    assert response["Location"] == f"/templates/{created.pk}/"
    builder = web.get(f"/templates/{created.pk}/").content.decode()
    assert 'id="builder-labels"' in builder
    assert "template_builder.js" in builder
    # the builder saves through the API with the session and its CSRF token
    squat = starter("barbell-back-squat")
    csrf_client = Client(HTTP_HOST=host_of(studio), enforce_csrf_checks=True)
    csrf_client.force_login(trainer)
    csrf_client.get(f"/templates/{created.pk}/")
    document = {
        "name": "Hypertrophy A",
        "phases": [
            {
                "name": "Base",
                "weeks": 2,
                "workouts": [
                    {
                        "day": 1,
                        "name": "Legs",
                        "exercises": [{"exercise_id": squat.pk, "sets": 3, "reps_min": 8, "reps_max": 12}],
                    }
                ],
            }
        ],
    }
    refused = csrf_client.put(f"/api/v1/templates/{created.pk}", json.dumps(document), content_type="application/json")
    assert refused.status_code in (401, 403)
    saved = csrf_client.put(
        f"/api/v1/templates/{created.pk}",
        json.dumps(document),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=csrf_client.cookies["csrftoken"].value,
    )
    assert saved.status_code == 200
    # the assign dialog previews contraindications, then assigns
    health_history_update(actor=trainer, client_id=client_user.pk, data=HealthData(conditions=["high blood pressure"]))
    preview = web.get(f"/templates/{created.pk}/assign/?client_id={client_user.pk}").content.decode()
    assert "Barbell back squat is not advised with Hypertension" in preview
    response = web.post(
        f"/templates/{created.pk}/assign/",
        {
            "client_id": client_user.pk,
            "assignment_type": "DYNAMIC_PROGRESSIVE",
            "start_date": studio_today().isoformat(),
        },
    )
    program = ClientProgram.objects.get(client=client_user)
    assert response["Location"] == f"/programs/{program.pk}/"
    page = web.get(f"/programs/{program.pk}/").content.decode()
    assert "Hypertension" in page
    assert "Progression rules" in page
    bad = web.post(f"/templates/{created.pk}/assign/", {"client_id": client_user.pk, "assignment_type": "NEVER"})
    assert bad.status_code == 400
    assert ClientProgram.objects.filter(client=client_user).count() == 1


def test_the_trainer_moves_a_program_and_overrides_a_rule_from_its_page(studio, trainer, client_user, studio_owner):
    owner = studio_owner
    plan = template(actor=trainer)
    program = template_assign(
        template_id=plan.pk, client_id=client_user.pk, actor=trainer, assignment_type="STATIC"
    ).program
    web = browser(studio, trainer)
    assert (
        web.post(
            f"/programs/{program.pk}/progress/", {"current_phase": 1, "current_week": 2, "status": "active"}
        ).status_code
        == 302
    )
    program.refresh_from_db()
    assert program.current_week == 2
    assert (
        web.post(
            f"/programs/{program.pk}/progress/", {"current_phase": 1, "current_week": 9, "status": "active"}
        ).status_code
        == 400
    )
    slot = program.exercises.first()
    response = web.post(
        f"/programs/{program.pk}/rules/",
        {
            "program_exercise_id": slot.pk,
            "kind": "load_increase",
            "increment_kg": "5",
            "increment_percent": "1",
            "is_enabled": "on",
        },
    )
    assert response.status_code == 302
    assert ProgressionRule.objects.get(client_program=program, program_exercise=slot).increment_kg == 5
    other = assigned_client(TrainerFactory())  # another trainer's client, given the program by the owner
    theirs = template_assign(template_id=plan.pk, client_id=other.pk, actor=owner, assignment_type="STATIC").program
    assert web.get(f"/programs/{theirs.pk}/").status_code == 404


def test_the_client_sees_their_program_this_week_and_today(studio, trainer, client_user):
    web = browser(studio, client_user)
    assert "has not assigned a program yet" in web.get("/me/program/").content.decode()
    plan = template(actor=trainer, phases=((2, 2),))
    template_assign(template_id=plan.pk, client_id=client_user.pk, actor=trainer, assignment_type="DYNAMIC_PROGRESSIVE")
    page = web.get("/me/program/").content.decode()
    assert "Workout A" in page
    assert "Workout B" in page
    assert "3 × 5–8 @ 100 kg" in page
    today = web.get("/me/today/").content.decode()
    assert "Workout A" in today  # day 1 is the start date, today in the studio's zone
    assert "Workout B" not in today
    assert browser(studio, trainer).get("/me/program/").status_code == 302


def test_the_client_list_page_costs_the_same_with_more_clients(studio, trainer):
    web = browser(studio, trainer)
    assigned_client(trainer)
    small = queries_of_get(web, "/clients/")
    assert small == 5  # exact
    for _ in range(10):
        ClientTrainer.objects.create(client=assigned_client(trainer), trainer=TrainerFactory())
    assert queries_of_get(web, "/clients/") == small


def test_a_date_outside_today_shows_nothing_today(studio, trainer, client_user):
    plan = template(actor=trainer, phases=((1, 1),))
    template_assign(
        template_id=plan.pk,
        client_id=client_user.pk,
        actor=trainer,
        assignment_type="STATIC",
        start_date=studio_today() + timedelta(days=1),
    )
    assert "Nothing scheduled today" in browser(studio, client_user).get("/me/today/").content.decode()


def test_the_library_names_muscles_equipment_and_contraindications_in_the_page_language(studio, trainer, settings):
    """The list and the exercise page printed the stored terms ("quadriceps", "squat rack") on German pages."""
    squat = starter("barbell-back-squat")
    web = browser(studio, trainer)
    web.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
    detail = web.get(f"/library/{squat.pk}/").content.decode()
    listing = web.get("/library/?q=squat").content.decode()
    assert "Quadrizeps" in detail
    assert "Langhantel" in detail
    assert "Kniebeugenständer" in detail
    assert "Knieverletzung" in detail
    assert "Quadrizeps" in listing
    assert ">quadriceps" not in detail
    assert "squat rack" not in detail
