"""The per-studio fan-out: one message per live studio, each run in that studio's schema."""

from __future__ import annotations

from celery import shared_task
from django.db import connection

from core.tenancy import studios_fan_out
from tenants.models import Studio

seen: list[tuple[str, int]] = []


@shared_task(name="tests.record_schema")
def record_schema(marker: int) -> None:
    seen.append((connection.schema_name, marker))


def test_fan_out_runs_the_task_once_in_each_active_studio_schema(studio):
    # given one live studio; the other (and any a test left behind) suspended, closed or provisioning
    Studio.objects.exclude(pk=studio.pk).update(status=Studio.Status.SUSPENDED)
    Studio.objects.filter(pk=studio.pk).update(status=Studio.Status.ACTIVE)
    seen.clear()
    # when a sweep fans out from the public schema (tasks run eagerly in tests)
    queued = studios_fan_out(record_schema, marker=7)
    # then the live studio's schema ran it once, with the arguments, and the suspended one not at all
    assert queued == 1
    assert seen == [(studio.schema_name, 7)]
    assert connection.schema_name == "public"
