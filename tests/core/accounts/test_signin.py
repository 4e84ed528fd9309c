"""Web sign-in with email and password, on studio hosts and the public host."""

from __future__ import annotations

import time

import pytest
from django.contrib.auth import SESSION_KEY
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context

from core import security
from core.models import AuditEvent, Role, User
from tests.conftest import host_of
from tests.factories.core import DEFAULT_PASSWORD, ClientFactory, TrainerFactory
from tests.helpers import signin

pytestmark = pytest.mark.django_db


def test_sign_in_page_wears_the_studios_branding(studio_client, studio):
    response = studio_client.get("/accounts/login/")
    assert response.status_code == 200
    page = response.content.decode()
    assert f"Sign in to {studio.name}" in page
    assert studio.primary_color in page


def test_person_signs_in_and_lands_on_their_dashboard(studio_client, tenant):
    trainer = TrainerFactory(email="coach@alpha.test", first_name="Theo")
    response = signin(studio_client, "Coach@Alpha.test", DEFAULT_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
    dashboard = studio_client.get("/dashboard/")
    assert dashboard.status_code == 200
    assert "Hello, Theo" in dashboard.content.decode()
    assert "Trainer" in dashboard.content.decode()
    assert AuditEvent.objects.filter(action="account.sign_in", actor=trainer, metadata__channel="web").count() == 1


def test_wrong_password_is_refused_and_nobody_is_signed_in(studio_client, tenant):
    ClientFactory(email="client@alpha.test")
    response = signin(studio_client, "client@alpha.test", "wrong-password")
    assert response.status_code == 200
    assert "not correct" in response.content.decode()
    assert SESSION_KEY not in studio_client.session
    assert studio_client.get("/dashboard/").status_code == 302
    assert AuditEvent.objects.filter(action="account.sign_in_fail", actor_email="client@alpha.test").count() == 1


def test_ten_failures_lock_the_account_from_that_address_even_for_the_right_password(studio_client, tenant):
    ClientFactory(email="client@alpha.test")
    for _ in range(10):
        assert "not correct" in signin(studio_client, "client@alpha.test", "guess").content.decode()
    response = signin(studio_client, "client@alpha.test", DEFAULT_PASSWORD)
    assert "Too many failed sign-ins" in response.content.decode()
    assert SESSION_KEY not in studio_client.session


def test_nine_failures_then_the_right_password_still_signs_in(studio_client, tenant):
    ClientFactory(email="client@alpha.test")
    for _ in range(9):
        signin(studio_client, "client@alpha.test", "guess")
    assert signin(studio_client, "client@alpha.test", DEFAULT_PASSWORD).status_code == 302


def test_lockout_is_per_address_the_owner_still_signs_in_from_elsewhere(studio_client, tenant):
    ClientFactory(email="client@alpha.test")
    for _ in range(10):
        signin(studio_client, "client@alpha.test", "guess", REMOTE_ADDR="203.0.113.9")
    locked = signin(studio_client, "client@alpha.test", DEFAULT_PASSWORD, REMOTE_ADDR="203.0.113.9")
    assert "Too many" in locked.content.decode()
    response = signin(studio_client, "client@alpha.test", DEFAULT_PASSWORD, REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 302


def test_lock_lifts_after_fifteen_minutes(studio_client, tenant, monkeypatch):
    ClientFactory(email="client@alpha.test")
    for _ in range(10):
        signin(studio_client, "client@alpha.test", "guess")
    later = time.time() + 15 * 60 + 1
    monkeypatch.setattr(security.time, "time", lambda: later)
    assert signin(studio_client, "client@alpha.test", DEFAULT_PASSWORD).status_code == 302


def test_person_of_studio_a_cannot_sign_in_at_studio_b(studio, other_studio):
    with schema_context(studio.schema_name):
        ClientFactory(email="only-at-alpha@example.test")
    response = signin(Client(HTTP_HOST=host_of(other_studio)), "only-at-alpha@example.test", DEFAULT_PASSWORD)
    assert response.status_code == 200
    assert "not correct" in response.content.decode()
    assert signin(Client(HTTP_HOST=host_of(studio)), "only-at-alpha@example.test", DEFAULT_PASSWORD).status_code == 302


def test_a_studio_session_is_worthless_at_another_studio(studio_client, studio, other_studio):
    with schema_context(studio.schema_name):
        ClientFactory(email="client@alpha.test")
    signin(studio_client, "client@alpha.test", DEFAULT_PASSWORD)
    session_cookie = studio_client.cookies["sessionid"].value
    elsewhere = Client(HTTP_HOST=host_of(other_studio))
    elsewhere.cookies["sessionid"] = session_cookie
    assert elsewhere.get("/dashboard/").status_code == 302  # not signed in there


def test_platform_staff_sign_in_on_the_public_host(public_client):
    connection.set_schema_to_public()
    staff = User.objects.create_superuser(email="ops@fitwell.test", password=DEFAULT_PASSWORD)
    response = signin(public_client, "ops@fitwell.test", DEFAULT_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/console/"
    assert public_client.session[SESSION_KEY] == str(staff.pk)


def test_studio_people_do_not_exist_on_the_public_host(public_client, studio_owner, studio):
    response = signin(public_client, studio_owner.email, "Studio-owner-2026!")
    assert response.status_code == 200
    assert SESSION_KEY not in public_client.session


def test_sign_out_ends_the_session(studio_client, tenant):
    ClientFactory(email="client@alpha.test", role=Role.CLIENT)
    signin(studio_client, "client@alpha.test", DEFAULT_PASSWORD)
    assert studio_client.post("/accounts/logout/").status_code == 302
    assert studio_client.get("/dashboard/").status_code == 302


def test_next_never_leads_to_another_studio(studio_client, tenant, other_studio):
    ClientFactory(email="client@alpha.test")
    response = studio_client.post(
        "/accounts/login/",
        {"login": "client@alpha.test", "password": DEFAULT_PASSWORD, "next": f"http://{host_of(other_studio)}/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
