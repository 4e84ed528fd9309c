"""The studio's wall clock outside a request: the helper, invitation emails and errors, the people export.

The scheduling messages (reminders, waitlist promotions, calendar feed) are in
tests/domain/scheduling/test_message_times.py.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.template import Context, Template

from core.exceptions import ApplicationError
from core.invitations import invitation_create, invitation_get_for_token
from core.people import people_export_csv
from core.studio_time import studio_clock, studio_time_text
from tests.factories.core import ClientFactory, OwnerFactory
from tests.helpers import link_to

SENT = datetime(2026, 12, 1, 22, 30, tzinfo=UTC)  # an invitation sent then expires 7 days later, 22:30 UTC


@pytest.mark.parametrize(
    ("zone", "moment", "text"),
    [
        ("Europe/Berlin", datetime(2026, 12, 4, 22, 49, tzinfo=UTC), "Friday 4 December 2026, 23:49 CET"),
        ("Europe/Berlin", datetime(2026, 7, 3, 21, 49, tzinfo=UTC), "Friday 3 July 2026, 23:49 CEST"),
        ("America/New_York", datetime(2026, 12, 4, 22, 49, tzinfo=UTC), "Friday 4 December 2026, 17:49 EST"),
        ("America/New_York", datetime(2026, 7, 3, 21, 49, tzinfo=UTC), "Friday 3 July 2026, 17:49 EDT"),
    ],
)
def test_a_moment_reads_as_the_studios_wall_clock_with_the_zone_named(studio_in_zone, zone, moment, text):
    studio_in_zone(zone)
    assert studio_time_text(moment) == text
    assert studio_time_text(moment, style="time") == text.rsplit(", ", 1)[1]


def test_a_time_without_a_zone_is_refused(studio_in_zone):
    studio_in_zone("Europe/Berlin")
    with pytest.raises(ValueError, match="aware"):
        studio_time_text(datetime(2026, 12, 4, 22, 49))


def test_templates_rendered_on_the_studio_clock_show_its_time(studio_in_zone):
    studio_in_zone("America/New_York")
    template = Template('{{ moment|date:"H:i T" }}')
    context = Context({"moment": datetime(2026, 12, 4, 22, 49, tzinfo=UTC)})
    assert template.render(context) == "22:49 UTC"  # a worker's own zone: what went wrong before
    with studio_clock():
        assert template.render(context) == "17:49 EST"


@pytest.mark.parametrize(
    ("zone", "expiry"),
    [
        ("Europe/Berlin", "Tuesday 8 December 2026, 23:30 CET"),
        ("America/New_York", "Tuesday 8 December 2026, 17:30 EST"),
    ],
)
def test_an_invitation_names_its_expiry_on_the_studios_clock(
    studio_in_zone, zone, expiry, mailoutbox, django_capture_on_commit_callbacks
):
    studio_in_zone(zone)
    owner = OwnerFactory()
    # when an invitation is sent at 22:30 UTC (already the next day in Berlin)
    with time_machine.travel(SENT, tick=False), django_capture_on_commit_callbacks(execute=True):
        invitation_create(
            invited_by=owner,
            email="tess@example.test",
            role="trainer",
            base_url="http://alpha.localhost",
            accept_link=lambda token: f"http://alpha.localhost/invitations/{token}/",
        )
    # then the email says when the link stops working, on the studio's clock (text and HTML)
    (message,) = mailoutbox
    assert f"expires on {expiry}." in message.body
    assert f"expires on {expiry}." in message.alternatives[0][0]
    # and once it has, the refusal names the same moment
    token = link_to(message, "/invitations/")[1].rstrip("/").rsplit("/", 1)[1]
    with time_machine.travel(SENT + timedelta(days=8), tick=False), pytest.raises(ApplicationError) as refused:
        invitation_get_for_token(token=token)
    assert refused.value.code == "invitation_expired"
    assert f"expired on {expiry}." in str(refused.value)


@pytest.mark.parametrize(
    ("zone", "joined"),
    [("Europe/Berlin", "2026-12-04T23:49:00+01:00"), ("America/New_York", "2026-12-04T17:49:00-05:00")],
)
def test_the_people_export_gives_times_on_the_studios_clock_with_the_offset(studio_in_zone, zone, joined):
    studio_in_zone(zone)
    owner = OwnerFactory()
    ClientFactory(email="cleo@example.test", date_joined=datetime(2026, 12, 4, 22, 49, tzinfo=UTC))
    rows = {row["email"]: row for row in csv.DictReader(io.StringIO(people_export_csv(actor=owner)))}
    assert rows["cleo@example.test"]["date_joined"] == joined
    assert rows["cleo@example.test"]["last_login"] == ""


def test_a_request_on_a_studio_host_runs_in_the_studios_zone_and_leaves_utc_behind(studio_in_zone, settings):
    from django.http import HttpResponse
    from django.test import RequestFactory
    from django.utils import timezone

    from core.middleware import StudioTimeZoneMiddleware

    # given a studio in New York, served by the connection (the routing middleware's work)
    studio_in_zone("America/New_York")
    seen: list[str] = []

    def page(request) -> HttpResponse:
        seen.append(timezone.get_current_timezone_name())
        return HttpResponse(Template("{{ moment|date:'H:i' }}").render(Context({"moment": SENT})))

    # when a page is rendered for a request there
    response = StudioTimeZoneMiddleware(page)(RequestFactory().get("/"))
    # then it ran in the studio's zone (22:30 UTC is 17:30 in New York), and the zone is UTC again afterwards
    assert seen == ["America/New_York"]
    assert response.content == b"17:30"
    assert timezone.get_current_timezone_name() == "UTC"
    # and the middleware sits after routing, which puts the connection on the studio
    order = settings.MIDDLEWARE
    assert order.index("core.middleware.StudioTimeZoneMiddleware") > order.index(
        "tenants.middleware.StudioRoutingMiddleware"
    )


@pytest.mark.parametrize(
    ("zone", "joined"),
    [("Asia/Tokyo", "2026-12-05T07:49:00+09:00"), ("America/New_York", "2026-12-04T17:49:00-05:00")],
)
def test_the_api_gives_a_moment_of_any_schema_on_the_studios_clock(studio_in_zone, api_client, zone, joined):
    from tenants.routing import routing_cache_clear

    # given a studio away from UTC and a client who joined at 22:49 UTC
    studio_in_zone(zone)
    routing_cache_clear()
    owner = OwnerFactory()
    ClientFactory(email="cleo@example.test", date_joined=datetime(2026, 12, 4, 22, 49, tzinfo=UTC))
    # when the owner lists the clients (a schema with a plain datetime field)
    items = api_client(owner).get("/api/v1/clients").json()["items"]
    # then the moment is on the studio's wall clock with its offset, as the pages and exports show it
    assert {item["email"]: item["date_joined"] for item in items}["cleo@example.test"] == joined
