"""Studio sign-up on the public site, through to the owner signed in on the studio's own host."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from core.exceptions import ApplicationError
from core.models import AuditEvent, Role, User
from tenants import services
from tenants.models import HandoffToken, Studio
from tenants.services import handoff_token_consume, handoff_token_create
from tests.concurrency import in_own_connection, in_threads
from tests.factories.tenants import STRONG_PASSWORD
from tests.tenants.helpers import snapshot

pytestmark = pytest.mark.django_db


def signup_data(**overrides: str) -> dict[str, str]:
    data = {
        "name": "Iron Temple",
        "slug": "iron-temple",
        "first_name": "Ada",
        "last_name": "Lift",
        "email": "ada@iron.test",
        "password": STRONG_PASSWORD,
        "timezone": "America/New_York",
        "currency": "EUR",
    }
    data.update(overrides)
    return data


def studio_client_for(slug: str) -> Client:
    return Client(HTTP_HOST=f"{slug}.{settings.PLATFORM_DOMAIN}")


def session_user_id(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


def test_signup_page_offers_every_field_and_the_zones(public_client):
    response = public_client.get("/signup/")
    assert response.status_code == 200
    body = response.content.decode()
    for field in ("name", "slug", "first_name", "last_name", "email", "password", "timezone", "currency"):
        assert f'name="{field}"' in body
    assert '<option value="Europe/Berlin"' in body
    assert "/signup/slug-check" in body


def test_signup_lands_the_owner_signed_in_on_the_studio_dashboard(public_client):
    # when a new owner signs up on the public site
    response = public_client.post("/signup/", signup_data())
    # then the browser is sent to the new studio's host with a one-time hand-off link
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert target.hostname == f"iron-temple.{settings.PLATFORM_DOMAIN}"
    assert target.path.startswith("/handoff/")
    # and the public site did not sign anyone in (no shared cookie)
    assert session_user_id(public_client) is None
    studio = Studio.objects.get(slug="iron-temple")
    assert (studio.name, studio.timezone, studio.currency, studio.status) == (
        "Iron Temple",
        "America/New_York",
        "EUR",
        Studio.Status.ACTIVE,
    )
    with schema_context(studio.schema_name):
        owner = User.objects.get(email="ada@iron.test")
    assert (owner.role, owner.first_name, owner.last_name) == (Role.OWNER, "Ada", "Lift")

    # when the browser follows the link on the studio's host
    browser = studio_client_for("iron-temple")
    landed = browser.get(target.path)
    # then the owner is signed in there and lands on the dashboard
    assert landed.status_code == 302
    assert landed["Location"] == "/dashboard/"
    assert session_user_id(browser) == str(owner.pk)
    dashboard = browser.get("/dashboard/")
    assert dashboard.status_code == 200
    body = dashboard.content.decode()
    assert "Hello, Ada" in body
    assert "Get your studio ready" in body
    assert HandoffToken.objects.get(studio=studio).used_at is not None
    connection.set_schema_to_public()
    signup_event = AuditEvent.objects.get(action="studio.sign_up")  # in the platform's log
    assert (signup_event.actor_email, signup_event.target_id, signup_event.ip) == (
        "ada@iron.test",
        str(studio.pk),
        "127.0.0.1",
    )


def test_signup_keeps_the_port_the_visitor_used(db):
    response = Client(HTTP_HOST=f"{settings.PLATFORM_DOMAIN}:8000").post("/signup/", signup_data(slug="port-kept"))
    assert response["Location"].startswith(f"http://port-kept.{settings.PLATFORM_DOMAIN}:8000/handoff/")


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"slug": "alpha"}, "slug", "already taken"),
        ({"slug": "admin"}, "slug", "reserved"),
        ({"slug": "Bad_Slug"}, "slug", "lowercase letters"),
        ({"password": "123"}, "password", "too short"),
        ({"email": "not-an-email"}, "email", "valid email"),
        ({"timezone": "Mars/Olympus"}, "timezone", "valid choice"),
        ({"name": ""}, "name", "required"),
        ({"currency": "XXX"}, "currency", "valid choice"),
    ],
)
def test_bad_signup_input_re_renders_the_form_with_the_error_and_creates_nothing(
    public_client, overrides, field, message
):
    # given the platform as it is
    before = snapshot()
    # when a sign-up with one bad field is submitted
    response = public_client.post("/signup/", signup_data(**overrides))
    # then the form comes back with the error at that field, the other input kept
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    assert message in " ".join(form.errors[field])
    body = response.content.decode()
    assert 'value="Iron Temple"' in body or field == "name"
    assert STRONG_PASSWORD not in body  # the password is never echoed back
    # and nothing was created
    assert snapshot() == before


@pytest.mark.parametrize(
    ("slug", "available", "code"),
    [
        ("free-one", True, "ok"),
        ("alpha", False, "slug_taken"),
        ("www", False, "slug_reserved"),
        ("ab", False, "slug_length"),
        ("Nope!", False, "slug_invalid"),
        ("", False, "slug_length"),
    ],
)
def test_slug_check_says_whether_the_address_is_free_and_why_not(public_client, slug, available, code):
    response = public_client.get("/signup/slug-check", {"slug": slug})
    assert response.status_code == 200
    data = response.json()
    assert (data["available"], data["code"]) == (available, code)
    assert data["message"]
    if available:
        assert f"{slug}.{settings.PLATFORM_DOMAIN} is available" in data["message"]


def test_slug_check_is_only_on_the_public_host(studio_client):
    assert studio_client.get("/signup/slug-check", {"slug": "x-y-z"}).status_code == 404


# --- The hand-off token ------------------------------------------------------------------------


def test_handoff_link_works_once(studio, studio_owner):
    # given a fresh hand-off token for the studio's owner
    token = handoff_token_create(studio=studio, user=studio_owner)
    first, second = Client(HTTP_HOST=f"{studio.slug}.localhost"), Client(HTTP_HOST=f"{studio.slug}.localhost")
    # when it is used twice
    assert first.get(f"/handoff/{token}").status_code == 302
    replay = second.get(f"/handoff/{token}")
    # then the second use is refused with a clear page and signs nobody in
    assert replay.status_code == 400
    assert "already been used" in replay.content.decode()
    assert session_user_id(first) == str(studio_owner.pk)
    assert session_user_id(second) is None


def test_expired_handoff_link_is_refused_and_stays_unspent(studio, studio_owner, studio_client):
    # given a token issued 61 seconds ago
    token = handoff_token_create(studio=studio, user=studio_owner)
    issued = timezone.now() - timedelta(seconds=61)
    HandoffToken.objects.update(created_at=issued, expires_at=issued + timedelta(seconds=60))
    # when it is used
    response = studio_client.get(f"/handoff/{token}")
    # then it is refused and nothing changed
    assert response.status_code == 400
    assert "expired" in response.content.decode()
    assert session_user_id(studio_client) is None
    assert HandoffToken.objects.get().used_at is None


def test_handoff_token_of_another_studio_is_refused_there(studio, other_studio, studio_owner, other_studio_client):
    # given a token issued for studio alpha's owner
    token = handoff_token_create(studio=studio, user=studio_owner)
    # when it is presented at studio beta
    response = other_studio_client.get(f"/handoff/{token}")
    # then beta refuses it, nobody is signed in there, and the token is not spent
    assert response.status_code == 404
    assert "not valid for this studio" in response.content.decode()
    assert session_user_id(other_studio_client) is None
    assert HandoffToken.objects.get().used_at is None


def test_made_up_handoff_token_is_refused(studio_client):
    response = studio_client.get("/handoff/not-a-real-token")
    assert response.status_code == 404
    assert session_user_id(studio_client) is None


def test_dashboard_needs_a_signed_in_person(studio_client):
    response = studio_client.get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_two_simultaneous_uses_of_one_handoff_link_sign_in_only_once(monkeypatch):
    # given a committed hand-off token for alpha's owner, and a service slow between reading and spending it
    def slow_now() -> datetime:
        time.sleep(0.2)  # wide enough that, without the row lock, both requests would read it unspent
        return timezone.now()

    monkeypatch.setattr(services, "dj_timezone", SimpleNamespace(now=slow_now))

    def issue() -> tuple[Studio, str]:
        studio = Studio.objects.get(slug="alpha")
        with schema_context(studio.schema_name):
            owner = User.objects.get(role=Role.OWNER)
        return studio, handoff_token_create(studio=studio, user=owner)

    studio, token = in_own_connection(issue)
    try:
        # when two requests spend it at the same moment, each on its own connection
        def spend() -> User:
            with transaction.atomic():
                return handoff_token_consume(studio=studio, token=token)

        outcomes = in_threads([spend, spend])
        # then exactly one signs the owner in, the other is told the link was used
        assert sum(isinstance(outcome, User) for outcome in outcomes) == 1
        refused = [outcome for outcome in outcomes if isinstance(outcome, ApplicationError)]
        assert [error.code for error in refused] == ["handoff_used"]
    finally:
        in_own_connection(lambda: HandoffToken.objects.filter(studio=studio).delete())


def test_sign_ups_from_one_address_are_limited_and_the_refused_one_creates_nothing(
    public_client, settings, monkeypatch
):
    from core import ratelimit

    settings.SIGNUP_RATE_LIMIT_PER_HOUR = 2
    monkeypatch.setattr(ratelimit, "clock", lambda: 1_800_000_000.0)  # the start of an hour's window
    for slug in ("limit-one", "limit-two"):
        assert public_client.post("/signup/", signup_data(slug=slug)).status_code == 302
    refused = public_client.post("/signup/", signup_data(slug="limit-three"))
    assert refused.status_code == 429
    assert refused["Retry-After"] == "3600"
    assert "Too many sign-ups" in refused.content.decode()
    assert not Studio.objects.filter(slug="limit-three").exists()
    # another address is not affected
    elsewhere = public_client.post("/signup/", signup_data(slug="limit-four"), REMOTE_ADDR="198.51.100.7")
    assert elsewhere.status_code == 302


def test_the_address_check_is_limited_per_address(public_client, settings, monkeypatch):
    from core import ratelimit

    settings.SLUG_CHECK_RATE_LIMIT_PER_MINUTE = 3
    monkeypatch.setattr(ratelimit, "clock", lambda: 1_800_000_030.0)  # half a minute into a window
    answers = [public_client.get("/signup/slug-check", {"slug": "free-one"}) for _ in range(4)]
    assert [answer.status_code for answer in answers[:3]] == [200, 200, 200]
    assert answers[3].status_code == 429
    assert answers[3].json()["code"] == "rate_limited"
    assert answers[3]["Retry-After"] == "30"
