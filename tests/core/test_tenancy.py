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


def test_work_queued_in_a_studio_runs_there_though_the_commit_happens_back_in_public(
    studio, django_capture_on_commit_callbacks
):
    from django.db import transaction
    from django_tenants.utils import tenant_context

    from core.tenancy import queue_after_commit

    seen.clear()
    # as a Stripe event's handler: the work is asked for in the studio, the transaction commits in public
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        with tenant_context(studio):
            queue_after_commit(record_schema, marker=8)
            record_schema.delay_on_commit(marker=9)  # Celery's own: bound to the schema at commit
        assert connection.schema_name == "public"
    assert sorted(seen) == sorted([(studio.schema_name, 8), ("public", 9)])
