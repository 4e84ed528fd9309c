"""Class utilisation per class type next to the studio's total, against two hand-built days of classes:
stored per day, summed over a period, answered by the API, shown on the dashboard with its definition, and
exported as CSV."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.test import Client

from domain.analytics import selectors, services
from domain.analytics.models import BusinessMetric
from domain.scheduling.models import GroupSession, SessionParticipant
from tests.conftest import host_of
from tests.factories.analytics import at
from tests.factories.core import ClientFactory, ManagerFactory
from tests.factories.scheduling import ClassTypeFactory, GroupSessionFactory

MON, TUE = date(2026, 6, 8), date(2026, 6, 9)
QUERY = "start=2026-06-08&end=2026-06-09"


def _held(class_type, day, hour, *, capacity, marks, **extra) -> GroupSession:
    session = GroupSessionFactory(
        class_type=class_type, capacity=capacity, starts_at=at(day, hour), ends_at=at(day, hour + 1), **extra
    )
    for mark in marks:
        SessionParticipant.objects.create(
            session=session, client=ClientFactory(), status=mark, registered_at=at(date(2026, 6, 1))
        )
    return session


@pytest.fixture
def classes(tenant, clock):
    """Monday: Yoga 10 seats (4 in, 1 no-show, 1 cancelled), HIIT 8 seats (6 in, 2 no-shows), a cancelled
    HIIT (not counted). Tuesday: Yoga 10 seats (7 in)."""
    clock.move_to(at(date(2026, 6, 10), 8))
    yoga, hiit = ClassTypeFactory(name="Yoga"), ClassTypeFactory(name="HIIT")
    _held(yoga, MON, 9, capacity=10, marks=["attended"] * 4 + ["no_show", "cancelled"])
    _held(hiit, MON, 18, capacity=8, marks=["attended"] * 6 + ["no_show"] * 2)
    _held(
        hiit,
        MON,
        7,
        capacity=12,
        marks=["cancelled"],
        status=GroupSession.Status.CANCELLED,
        cancelled_at=at(MON, 6),
    )
    _held(yoga, TUE, 9, capacity=10, marks=["attended"] * 7)
    for day in (MON, TUE):
        services.day_compute(day=day)
    return {"yoga": yoga, "hiit": hiit, "manager": ManagerFactory()}


def test_each_day_stores_its_class_types_and_their_sums_are_the_total(classes):
    monday = BusinessMetric.objects.get(day=MON)
    assert monday.class_types == {
        str(classes["yoga"].pk): {"name": "Yoga", "sessions": 1, "capacity": 10, "checkins": 4, "no_shows": 1},
        str(classes["hiit"].pk): {"name": "HIIT", "sessions": 1, "capacity": 8, "checkins": 6, "no_shows": 2},
    }
    assert (monday.class_sessions, monday.class_capacity, monday.class_checkins, monday.class_no_shows) == (
        2,
        18,
        10,
        3,
    )


def test_the_period_s_utilisation_per_class_type_next_to_the_total(classes):
    summary = selectors.studio_summary(actor=classes["manager"], start=MON, end=TUE)
    by_type = [
        (t.name, t.sessions, t.capacity, t.checkins, t.no_shows, t.utilisation, t.utilisation_booked)
        for t in summary.class_utilisation_by_type
    ]
    # HIIT: 6 ÷ 8 = 75 %, (6 + 2) ÷ 8 = 100 %; Yoga: (4 + 7) ÷ 20 = 55 %, (11 + 1) ÷ 20 = 60 %
    assert by_type == [("HIIT", 1, 8, 6, 2, 75.0, 100.0), ("Yoga", 2, 20, 11, 1, 55.0, 60.0)]
    # all classes: 17 ÷ 28 = 60.71 -> 60.7 %, (17 + 3) ÷ 28 = 71.43 -> 71.4 %
    assert (summary.class_utilisation, summary.class_utilisation_booked) == (60.7, 71.4)


def test_the_api_answers_per_class_type(classes, api_client):
    answer = api_client(classes["manager"]).get(f"/api/v1/analytics/studio?{QUERY}")
    assert answer.status_code == 200
    current = answer.json()["current"]
    assert current["class_utilisation"] == 60.7
    assert [
        (t["class_type_id"], t["name"], t["utilisation"], t["utilisation_booked"])
        for t in current["class_utilisation_by_type"]
    ] == [(classes["hiit"].pk, "HIIT", 75.0, 100.0), (classes["yoga"].pk, "Yoga", 55.0, 60.0)]
    assert answer.json()["previous"]["class_utilisation_by_type"] == []


def test_the_dashboard_shows_and_exports_it_with_its_definition(studio, classes):
    page = Client(HTTP_HOST=host_of(studio))
    page.force_login(classes["manager"])
    html = page.get(f"/analytics/?{QUERY}").content.decode()
    assert "Class utilisation by class type" in html
    assert "Utilisation: check-ins ÷ seats of the classes held" in html
    exported = page.get(f"/analytics/?{QUERY}&export=class_types")
    assert 'filename="class_types.csv"' in exported["Content-Disposition"]
    assert list(csv.reader(io.StringIO(exported.content.decode()))) == [
        ["Class type", "Classes", "Seats", "Check-ins", "No-shows", "Utilisation", "With no-shows"],
        ["HIIT", "1", "8", "6", "2", "75.0 %", "100.0 %"],
        ["Yoga", "2", "20", "11", "1", "55.0 %", "60.0 %"],
        ["All classes", "3", "28", "17", "3", "60.7 %", "71.4 %"],
    ]
