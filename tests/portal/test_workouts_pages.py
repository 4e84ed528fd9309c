"""The client's workouts and logger pages, and the progress pages of clients and trainers, through HTTP."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest

from core.models import User
from core.studio_time import studio_today
from domain.clients.models import ClientProfile, UnitSystem
from domain.progress.models import Measurement, ProgressEntry, ProgressPhoto
from domain.progress.services import ProgressEntryData, ValueData, progress_entry_record
from tests.domain.progress.conftest import jpeg, upload
from tests.factories.clients import assigned_client
from tests.factories.core import ClientFactory, TrainerFactory
from tests.factories.workouts import assign_program, first_session, log_adhoc
from tests.portal.test_training_pages import browser
from tests.querycount import queries_of_get

pytestmark = [pytest.mark.django_db, pytest.mark.date_sensitive]


@pytest.fixture
def trainer(tenant) -> User:
    return TrainerFactory()


@pytest.fixture
def client_user(trainer) -> User:
    return assigned_client(trainer)


def test_the_client_sees_the_weeks_workouts_with_a_link_to_the_logger(studio, client_user, trainer):
    session = first_session(assign_program(client=client_user, actor=trainer))
    page = browser(studio, client_user).get("/me/workouts/")
    assert page.status_code == 200
    assert f'href="/me/workouts/{session.pk}/log/"' in page.content.decode()


def test_the_logger_page_carries_the_workout_and_where_to_send_it(studio, client_user, trainer):
    ClientProfile.objects.filter(user=client_user).update(unit_preference=UnitSystem.IMPERIAL)
    session = first_session(assign_program(client=client_user, actor=trainer))
    page = browser(studio, client_user).get(f"/me/workouts/{session.pk}/log/")
    assert page.status_code == 200
    assert page["Cache-Control"].startswith("max-age=0")
    config = page.context["config"]
    assert config["completeUrl"] == f"/api/v1/workouts/{session.pk}/complete"
    assert config["loadUnit"] == "lb"
    assert page.context["workout"]["exercises"][0]["load_display"] == "220.5 lb"  # 100 kg
    assert 'id="workout-data"' in page.content.decode()


def test_the_logger_of_someone_elses_workout_is_not_found(studio, client_user, trainer):
    session = first_session(assign_program(client=client_user, actor=trainer))
    assert browser(studio, ClientFactory()).get(f"/me/workouts/{session.pk}/log/").status_code == 404
    assert browser(studio, TrainerFactory()).get(f"/me/workouts/{session.pk}/log/").status_code == 404


def test_the_service_worker_is_served_for_the_logger_scope(studio, client_user):
    response = browser(studio, client_user).get("/me/workouts/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert "/static/js/workout-logger.js" in response.content.decode()
    assert "/api/" in response.content.decode()  # API calls are left alone


def test_the_app_service_worker_is_the_same_offline_worker_for_the_whole_portal(studio, client_user):
    response = browser(studio, client_user).get("/sw.js")
    assert response.status_code == 200
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache"
    assert "/static/js/app.js" in response.content.decode()


def test_the_progress_page_draws_charts_in_the_clients_units(studio, client_user):
    # given a client who thinks in pounds, with two weigh-ins and a squat workout
    ClientProfile.objects.filter(user=client_user).update(unit_preference=UnitSystem.IMPERIAL)
    # (weeks before the studio's today: the page charts the last year, whatever day the tests run at)
    today = studio_today()
    for day, pounds in ((today - timedelta(weeks=8), "180"), (today - timedelta(weeks=7), "178")):
        progress_entry_record(
            actor=client_user,
            client_id=client_user.pk,
            data=ProgressEntryData(
                recorded_on=day,
                unit_system="imperial",
                measurements=[ValueData(type="body_weight", value=Decimal(pounds))],
            ),
        )
    log_adhoc(actor=client_user, client=client_user, slug="barbell-back-squat", sets=[(5, "100")])
    # when they open their progress page
    page = browser(studio, client_user).get("/me/progress/").content.decode()
    # then the charts are inline SVG, in pounds, with the records
    assert page.count("<svg") == 3  # body weight, estimated 1RM, weekly volume (no program: no adherence yet)
    assert "178 lb" in page
    assert "Barbell back squat" in page
    assert "112.5 kg" not in page  # pounds, not kilograms
    assert "248 lb (5 x 220.5 lb, Brzycki)" in page  # 112.50 kg


def test_the_trainer_sees_their_clients_progress_and_no_one_elses(studio, client_user, trainer):
    assert browser(studio, trainer).get(f"/clients/{client_user.pk}/progress/").status_code == 200
    assert browser(studio, TrainerFactory()).get(f"/clients/{client_user.pk}/progress/").status_code == 404


def _history(client_user, days: range) -> None:
    for n in days:
        log_adhoc(actor=client_user, client=client_user, slug="barbell-bench-press", sets=[(8, str(60 + n))])
        progress_entry_record(
            actor=client_user,
            client_id=client_user.pk,
            data=ProgressEntryData(
                recorded_on=studio_today() - timedelta(days=40 - n),  # within the year the page charts
                measurements=[ValueData(type="waist", value=Decimal(80 + n))],
            ),
        )


def test_the_progress_page_costs_the_same_queries_however_much_history(studio, client_user, trainer):
    me = browser(studio, trainer)
    _history(client_user, range(1))
    with_one = queries_of_get(me, f"/clients/{client_user.pk}/progress/")
    # exact (the client is found by client_in_scope: one query, no trainers loaded; the trainer's units come
    # with the signed-in trainer, so the client's unit preference is no longer read)
    assert with_one == 21
    _history(client_user, range(1, 6))
    assert queries_of_get(me, f"/clients/{client_user.pk}/progress/") == with_one


def test_a_check_in_through_the_page_is_stored_metric(studio, client_user):
    ClientProfile.objects.filter(user=client_user).update(unit_preference=UnitSystem.IMPERIAL)
    response = browser(studio, client_user).post(
        f"/clients/{client_user.pk}/progress/check-in/",
        {"recorded_on": "2026-03-01", "type_body_weight": "180", "type_run_5k": "23:41"},
    )
    assert response.status_code == 302
    values = dict(Measurement.objects.values_list("type__slug", "value"))
    assert values == {"body_weight": Decimal("81.65")}
    assert ProgressEntry.objects.get().metrics.get().value == Decimal(1421)


def test_an_implausible_check_in_shows_the_error_under_its_field_and_stores_nothing(studio, client_user):
    response = browser(studio, client_user).post(
        f"/clients/{client_user.pk}/progress/check-in/", {"recorded_on": "2026-03-01", "type_body_weight": "9"}
    )
    assert response.status_code == 400
    assert response.context["check_in"].errors["type_body_weight"] == ["Enter a value from 20 kg to 400 kg."]
    assert not ProgressEntry.objects.exists()


def test_a_photo_uploaded_from_the_page_is_shown_through_the_authorised_view(studio, client_user, media_root):
    me = browser(studio, client_user)
    response = me.post(
        f"/clients/{client_user.pk}/progress/photos/",
        {"pose": "side", "taken_on": "2026-03-01", "consent": "on", "image": upload(jpeg())},
    )
    assert response.status_code == 302, response.content
    photo = ProgressPhoto.objects.get()
    page = me.get("/me/progress/").content.decode()
    assert f'src="/api/v1/photos/{photo.pk}/image"' in page
    assert photo.image.name not in page
    assert me.get(f"/api/v1/photos/{photo.pk}/image").status_code == 200


def test_a_photo_without_consent_is_refused_on_the_page(studio, client_user, media_root):
    response = browser(studio, client_user).post(
        f"/clients/{client_user.pk}/progress/photos/",
        {"pose": "side", "taken_on": "2026-03-01", "image": upload(jpeg())},
    )
    assert response.status_code == 400
    assert "consent" in response.context["photo_form"].errors
    assert not ProgressPhoto.objects.exists()


def test_json_of_the_logger_config_is_valid(studio, client_user, trainer):
    session = first_session(assign_program(client=client_user, actor=trainer))
    html = browser(studio, client_user).get(f"/me/workouts/{session.pk}/log/").content.decode()
    start = html.index('<script id="logger-config" type="application/json">') + len(
        '<script id="logger-config" type="application/json">'
    )
    config = json.loads(html[start : html.index("</script>", start)])
    assert config["texts"]["finish"] == "Finish workout"
