"""The console's operator page: each studio's last activity, database size, errors and failed tasks."""

from __future__ import annotations

import re

import pytest
import redis
from celery import shared_task
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django_tenants.utils import schema_context

from core.metrics import studio_health_counts, studio_health_note
from core.models import AuditEvent, User
from tenants.models import Studio
from tests.needs import needs

pytestmark = [pytest.mark.django_db, needs("redis")]


@pytest.fixture
def staff_client(public_client) -> Client:
    staff = User.objects.create_superuser(email="ops-health@fitwell.test", password="Ops-platform-2026")
    public_client.force_login(staff)
    return public_client


@pytest.fixture
def health_counters():
    """Empties the health counters before and after (they live in Redis, outside the test's transaction)."""
    client = redis.Redis.from_url(settings.REDIS_URL)

    def clear() -> None:
        keys = list(client.scan_iter("fitwell:health:*"))
        if keys:
            client.delete(*keys)

    clear()
    yield
    clear()


def row_of(body: str, slug: str) -> dict[str, str]:
    row = re.search(rf'<tr data-slug="{slug}".*?</tr>', body, re.S)
    assert row, f"no row for {slug}"
    return dict(re.findall(r'data-([a-z-]+)="([^"]*)"', row.group(0)))


def test_errors_and_failed_tasks_show_against_their_studio_only(staff_client, studio, other_studio, health_counters):
    # given two server errors and one failed task of one studio
    studio_health_note(schema=studio.schema_name, kind="errors")
    studio_health_note(schema=studio.schema_name, kind="errors")
    studio_health_note(schema=studio.schema_name, kind="failed_tasks")
    # when platform staff open the operator page
    response = staff_client.get("/console/health/")
    # then that studio shows them, the other none, and both show a database size
    assert response.status_code == 200
    body = response.content.decode()
    mine, other = row_of(body, studio.slug), row_of(body, other_studio.slug)
    assert (mine["errors"], mine["failed-tasks"]) == ("2", "1")
    assert (other["errors"], other["failed-tasks"]) == ("0", "0")
    assert int(mine["database-bytes"]) > 100_000


def test_a_server_error_on_a_studio_host_is_counted_for_that_studio(settings, studio, health_counters, monkeypatch):
    settings.METRICS_ENABLED = True

    def broken(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("portal.views.home.render", broken)
    client = Client(HTTP_HOST=f"{studio.slug}.{settings.PLATFORM_DOMAIN}", raise_request_exception=False)
    assert client.get("/").status_code == 500
    assert studio_health_counts(schemas=[studio.schema_name])[studio.schema_name]["errors"] == 1


def test_the_studio_page_shows_its_media_and_last_activity(staff_client, studio, tenant, clock):
    owner = User.objects.get(email=f"owner@{studio.slug}.test")
    with schema_context(studio.schema_name):
        name = default_storage.save("ops-test/report.txt", ContentFile(b"x" * 1234))
    try:
        User.objects.filter(pk=owner.pk).update(last_login="2026-03-02T10:00:00Z")
        body = staff_client.get(f"/console/studios/{studio.slug}/").content.decode()
        assert 'data-media-bytes="' in body
        media = int(re.search(r'data-media-bytes="(\d+)"', body).group(1))
        assert media >= 1234
        assert "2026-03-02 10:00 UTC" in body
    finally:
        with schema_context(studio.schema_name):
            default_storage.delete(name)


@shared_task(name="tests.ops.always_fails")
def always_fails() -> None:
    raise RuntimeError("the provider is down")


def test_a_failed_task_is_counted_for_the_studio_it_ran_for(studio, tenant, health_counters):
    # as a worker runs it: in the studio's schema (the message's header), the exception recorded, not raised
    result = always_fails.apply(headers={"_schema_name": studio.schema_name}, throw=False)
    assert result.failed()
    counts = studio_health_counts(schemas=[studio.schema_name])[studio.schema_name]
    assert counts == {"errors": 0, "failed_tasks": 1}


def test_platform_staff_close_a_studio_and_reopen_it_within_retention(staff_client, studio, settings):
    settings.STUDIO_RETENTION_DAYS = 30
    response = staff_client.post(f"/console/studios/{studio.slug}/close", {"reason": "owner asked"}, follow=True)
    body = response.content.decode()
    assert "is closed; its data is kept until" in body
    assert "data-erase-after" in body
    studio.refresh_from_db()
    assert studio.status == Studio.Status.CLOSED
    assert Client(HTTP_HOST=f"{studio.slug}.{settings.PLATFORM_DOMAIN}").get("/").status_code == 404
    staff_client.post(f"/console/studios/{studio.slug}/reopen", {"reason": "changed their mind"})
    studio.refresh_from_db()
    assert (studio.status, studio.closed_at) == (Studio.Status.ACTIVE, None)
    actions = AuditEvent.objects.filter(target_id=str(studio.pk), target_type="tenants.studio")
    assert sorted(actions.values_list("action", flat=True)) == ["studio.close", "studio.reopen"]


def test_closing_needs_the_platform_staff_role(public_client, studio):
    assert public_client.post(f"/console/studios/{studio.slug}/close").status_code == 302  # to the sign-in
    studio.refresh_from_db()
    assert studio.status == Studio.Status.ACTIVE
