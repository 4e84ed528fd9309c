"""The platform console and Django admin: platform staff only; suspend and reactivate studios."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from core.models import AuditEvent, Role, User
from tenants.models import Studio
from tenants.services import studio_provision
from tests.conftest import host_of
from tests.factories.core import ClientFactory, TrainerFactory
from tests.factories.tenants import StudioSignupFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(public_client) -> Client:
    """Platform staff (public schema) signed in on the public host."""
    staff = User.objects.create_superuser(email="ops@fitwell.test", password="Ops-platform-2026")
    public_client.force_login(staff)
    return public_client


def rows(response) -> dict[str, tuple[int, int]]:
    """slug -> (trainers, clients) as the studios list shows them."""
    body = response.content.decode()
    found = re.findall(r'data-slug="([\w-]+)">.*?data-trainers="(\d+)".*?data-clients="(\d+)"', body, re.S)
    return {slug: (int(trainers), int(clients)) for slug, trainers, clients in found}


# --- Who gets in ----------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_platform_sign_in(public_client):
    response = public_client.get("/console/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/console/"


def test_public_account_without_the_platform_staff_role_is_refused(public_client):
    # given a public-schema account with the admin flag but not the platform staff role
    someone = User.objects.create_user(email="x@fitwell.test", password="X-pass-2026", is_staff=True, role=Role.CLIENT)
    public_client.force_login(someone)
    # then neither the console nor the admin let them in
    assert public_client.get("/console/").status_code == 403
    assert public_client.post(f"/console/studios/{'alpha'}/suspend").status_code == 403
    assert public_client.get("/admin/").status_code == 302
    assert Studio.objects.get(slug="alpha").status == Studio.Status.ACTIVE


def test_studio_people_can_never_reach_the_console_or_the_admin(studio, tenant):
    # given the studio's owner signed in on the studio host
    owner_client = Client(HTTP_HOST=host_of(studio))
    owner_client.force_login(User.objects.get(role=Role.OWNER))
    # then the studio host does not serve the console or the admin at all
    assert owner_client.get("/console/").status_code == 404
    assert owner_client.get("/admin/").status_code == 404
    assert owner_client.get("/admin/login/").status_code == 404


def test_studio_owner_credentials_do_not_open_the_public_admin(studio, public_client):
    # the owner exists only in the studio's schema: the public admin does not know them
    response = public_client.post(
        "/admin/login/?next=/admin/", {"username": f"owner@{studio.slug}.test", "password": "Studio-owner-2026!"}
    )
    assert response.status_code == 200  # the form again, with an error
    assert "_auth_user_id" not in public_client.session
    assert public_client.get("/console/").status_code == 302


def test_platform_staff_signs_in_through_the_admin_and_uses_both(public_client):
    User.objects.create_superuser(email="ops@fitwell.test", password="Ops-platform-2026")
    response = public_client.post(
        "/admin/login/?next=/console/", {"username": "ops@fitwell.test", "password": "Ops-platform-2026"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/console/"
    assert public_client.get("/console/").status_code == 200
    assert public_client.get("/admin/").status_code == 200
    assert public_client.get("/admin/tenants/studio/").status_code == 200


# --- The studios list -----------------------------------------------------------------------------


def test_studios_list_shows_each_studio_with_its_trainer_and_client_counts(staff_client, studio):
    # given alpha has two trainers and three clients (one more inactive)
    with schema_context(studio.schema_name):
        TrainerFactory.create_batch(2)
        ClientFactory.create_batch(3)
        ClientFactory(is_active=False)
    # when staff open the console
    response = staff_client.get("/console/")
    # then each studio is listed with its counts, status and creation date
    assert response.status_code == 200
    assert rows(response) == {"alpha": (2, 3), "beta": (0, 0)}
    body = response.content.decode()
    assert "Alpha Strength" in body
    assert f"alpha.{settings.PLATFORM_DOMAIN}" in body
    assert studio.created_at.strftime("%Y-%m-%d") in body


def test_studios_list_searches_by_name_or_address_and_filters_by_status(staff_client, other_studio):
    Studio.objects.filter(pk=other_studio.pk).update(status=Studio.Status.SUSPENDED)
    assert set(rows(staff_client.get("/console/", {"q": "barbell"}))) == {"beta"}
    assert set(rows(staff_client.get("/console/", {"q": "ALPHA"}))) == {"alpha"}
    assert set(rows(staff_client.get("/console/", {"status": "suspended"}))) == {"beta"}
    assert set(rows(staff_client.get("/console/", {"status": "active"}))) == {"alpha"}
    assert rows(staff_client.get("/console/", {"q": "nothing-like-this"})) == {}


def test_studios_list_costs_the_same_queries_however_many_studios(staff_client):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert staff_client.get("/console/").status_code == 200
        return len(captured)

    # given the two session studios
    baseline = queries()
    # when two more studios exist
    for slug in ("gamma", "delta"):
        studio_provision(**StudioSignupFactory(slug=slug))
    # then the list still costs the same number of queries (counts come from one UNION query)
    assert set(rows(staff_client.get("/console/"))) == {"alpha", "beta", "gamma", "delta"}
    assert queries() == baseline


def test_studio_detail_shows_its_people_and_address(staff_client, studio):
    response = staff_client.get("/console/studios/alpha/")
    assert response.status_code == 200
    body = response.content.decode()
    assert f"owner@{studio.slug}.test" in body
    assert studio.schema_name in body
    assert f"http://alpha.{settings.PLATFORM_DOMAIN}/" in body
    assert staff_client.get("/console/studios/no-such/").status_code == 404


# --- Suspend and reactivate -----------------------------------------------------------------------


def test_suspending_takes_the_studio_offline_and_reactivating_brings_it_back(staff_client, studio, studio_client):
    # given a live studio
    assert studio_client.get("/").status_code == 200
    # when platform staff suspend it, with a reason
    response = staff_client.post("/console/studios/alpha/suspend", {"reason": "Unpaid invoices"})
    assert response.status_code == 302
    # then its pages show the suspended page and its API answers 403
    studio.refresh_from_db()
    assert studio.status == Studio.Status.SUSPENDED
    page = studio_client.get("/dashboard/")
    assert page.status_code == 403
    assert "temporarily unavailable" in page.content.decode()
    api = studio_client.get("/api/v1/studio")
    assert (api.status_code, api.json()["code"]) == (403, "studio_suspended")
    # and the suspension is audited (in the platform's log) with who, why and from where
    connection.set_schema_to_public()  # the studio host's requests left the connection on the studio
    event = AuditEvent.objects.get(action="studio.suspend")
    assert (event.actor_email, event.target_id, event.metadata["reason"], event.ip) == (
        "ops@fitwell.test",
        str(studio.pk),
        "Unpaid invoices",
        "127.0.0.1",
    )
    assert "Unpaid invoices" in staff_client.get("/console/studios/alpha/").content.decode()

    # when they reactivate it
    assert staff_client.post("/console/studios/alpha/reactivate").status_code == 302
    # then it answers again
    studio.refresh_from_db()
    assert studio.status == Studio.Status.ACTIVE
    assert studio_client.get("/").status_code == 200
    assert studio_client.get("/api/v1/studio").status_code == 200
    connection.set_schema_to_public()
    assert AuditEvent.objects.filter(action="studio.reactivate").count() == 1


def test_suspending_a_suspended_studio_is_refused_and_changes_nothing(staff_client, studio):
    staff_client.post("/console/studios/alpha/suspend")
    response = staff_client.post("/console/studios/alpha/suspend", follow=True)
    assert "is suspended, so this cannot be done" in response.content.decode()
    assert AuditEvent.objects.filter(action="studio.suspend").count() == 1


def test_reactivating_an_active_studio_is_refused(staff_client, studio):
    response = staff_client.post("/console/studios/alpha/reactivate", follow=True)
    assert "is active, so this cannot be done" in response.content.decode()
    assert not AuditEvent.objects.filter(action="studio.reactivate").exists()


def test_anonymous_suspend_is_refused_and_changes_nothing(public_client, studio):
    response = public_client.post("/console/studios/alpha/suspend")
    assert response.status_code == 302
    assert Studio.objects.get(pk=studio.pk).status == Studio.Status.ACTIVE
    assert not AuditEvent.objects.exists()


def test_suspend_only_answers_post(staff_client, studio):
    assert staff_client.get("/console/studios/alpha/suspend").status_code == 405
    assert Studio.objects.get(pk=studio.pk).status == Studio.Status.ACTIVE
