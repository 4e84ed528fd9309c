"""Work that runs once per studio: the one fan-out every beat task uses (scheduling, billing, messaging, analytics).

Beat runs a *sweep* in the public schema; the sweep queues one task per active studio, and
tenant-schemas-celery carries the studio's schema in each message, so that task runs in its studio's schema.
Core names no app: the studios come from the tenant model (`settings.TENANT_MODEL`), which answers
`active_schema_names()`.
"""

from __future__ import annotations

from typing import Any

from celery import Task
from django.db import connection, transaction
from django_tenants.utils import get_tenant_model, schema_context, tenant_context


def studios_fan_out(task: Task, /, **kwargs: Any) -> int:
    """Queue `task(**kwargs)` once for every active studio, each message bound to that studio's schema.

    `task` is a Celery task; `kwargs` must be JSON-serialisable (ids, never model instances). Call it from a
    task running in the public schema (a beat sweep). Returns the number of studios queued for; suspended,
    closed and still-provisioning studios get nothing. Raises nothing of its own (a broker that is down
    raises kombu's OperationalError, and the sweep fails whole, to run again at its next beat).
    """
    schema_names: list[str] = get_tenant_model().active_schema_names()
    for schema_name in schema_names:
        with schema_context(schema_name):
            task.apply_async(kwargs=kwargs)
    return len(schema_names)


def queue_after_commit(task: Task, /, **kwargs: Any) -> None:
    """Queue `task(**kwargs)` once the current transaction commits, bound to the schema it is asked from.

    Unlike Celery's `delay_on_commit`, the schema is captured now: work done inside
    `tenant_context(studio)` (a Stripe event's handler) commits after the connection is back on public, and
    a message queued then would run in public. Outside a transaction it queues at once. `kwargs`: ids.
    """
    tenant = getattr(connection, "tenant", None)

    def send() -> None:
        if tenant is None:
            task.apply_async(kwargs=kwargs)
            return
        with tenant_context(tenant):
            task.apply_async(kwargs=kwargs)

    transaction.on_commit(send)


def studio_base_url(studio: Any = None) -> str:
    """Scheme, host and port of a studio (default: the one the connection serves), e.g.
    `https://alpha.fitwell.app` or `http://alpha.localhost:8000`, for links written outside a request
    (emails, pushes, tasks). The one place such links are built: the video-review email built its own and
    lost the development port (`PLATFORM_URL_PORT`), as did the data-export email through this function."""
    from django.conf import settings

    from core.db import tenant_connection

    studio = studio if studio is not None else getattr(tenant_connection, "tenant", None)
    protocol = getattr(settings, "ACCOUNT_DEFAULT_HTTP_PROTOCOL", "https")
    port = f":{settings.PLATFORM_URL_PORT}" if getattr(settings, "PLATFORM_URL_PORT", "") else ""
    return f"{protocol}://{getattr(studio, 'slug', '')}.{settings.PLATFORM_DOMAIN}{port}"
