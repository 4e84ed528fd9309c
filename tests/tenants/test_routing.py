"""Hosts route to schemas: a studio's subdomain to its schema, the platform domain to public."""

from __future__ import annotations

import pytest
from django.test import Client

from tenants.models import Studio

pytestmark = pytest.mark.django_db


def test_studio_host_is_served_from_its_own_schema(studio_client, studio):
    response = studio_client.get("/readyz")
    assert response.json()["checks"]["migrations"]["schema"] == studio.schema_name


def test_studio_host_shows_that_studios_branding(studio_client, studio):
    response = studio_client.get("/")
    assert response.status_code == 200
    assert studio.name in response.content.decode()


def test_studio_api_describes_the_studio_of_the_host(studio_client, other_studio_client, studio, other_studio):
    assert studio_client.get("/api/v1/studio").json()["slug"] == studio.slug
    assert other_studio_client.get("/api/v1/studio").json()["slug"] == other_studio.slug


def test_public_host_is_served_from_the_public_schema(public_client):
    assert public_client.get("/readyz").json()["checks"]["migrations"]["schema"] == "public"
    assert public_client.get("/").status_code == 200


def test_unknown_studio_host_gets_a_clear_404_page():
    response = Client(HTTP_HOST="no-such-studio.localhost").get("/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Studio not found" in body
    assert "no-such-studio.localhost" in body
    assert "Traceback" not in body


def test_host_outside_the_platform_is_refused():
    assert Client(HTTP_HOST="evil.example.com").get("/").status_code == 400


def test_studio_api_is_not_served_on_the_public_host(public_client):
    assert public_client.get("/api/v1/studio").status_code == 404


def test_suspended_studio_shows_a_suspended_page_and_its_api_answers_403(studio, studio_client):
    Studio.objects.filter(pk=studio.pk).update(status=Studio.Status.SUSPENDED)
    page = studio_client.get("/")
    assert page.status_code == 403
    assert "temporarily unavailable" in page.content.decode()
    api = studio_client.get("/api/v1/studio")
    assert api.status_code == 403
    assert api.json()["code"] == "studio_suspended"
    assert studio_client.get("/healthz").status_code == 200


def test_closed_studio_is_not_found(studio, studio_client):
    Studio.objects.filter(pk=studio.pk).update(status=Studio.Status.CLOSED)
    assert studio_client.get("/").status_code == 404


def test_platform_staff_reach_the_django_admin_on_the_public_host(public_client):
    from core.models import User

    staff = User.objects.create_superuser(email="ops@fitwell.test", password="Platform-ops-2026")
    public_client.force_login(staff)
    assert public_client.get("/admin/").status_code == 200
    assert public_client.get("/admin/tenants/studio/").status_code == 200


def test_readiness_details_are_for_the_platforms_monitoring_only(studio_client, studio):
    # through the load balancer (a forwarded request): the status only, not the schema or migrations
    public = studio_client.get("/readyz", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert public.status_code == 200
    assert public.json() == {"status": "ok"}
    # straight from inside (the probe, the operator): the checks too
    assert studio_client.get("/readyz").json()["checks"]["database"] == {"ok": True}
