"""Liveness and readiness checks, answered on every host (public and each studio).

`/readyz` tells everyone whether the instance is ready (200 or 503) but lists its checks (pending
migrations, the schema, error classes) only to the platform's monitoring: the callers `/metrics` admits
(core.metrics.metrics_allowed: its bearer token, or a direct connection from an internal network).
"""

from __future__ import annotations

from typing import Any

import redis
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.db import tenant_connection
from core.metrics import metrics_allowed


def check_database() -> dict[str, Any]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure means not ready; the reason is reported
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True}


def check_redis() -> dict[str, Any]:
    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
        client.ping()
    except Exception as exc:  # noqa: BLE001
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True}


def check_migrations() -> dict[str, Any]:
    """Migrations of the schema this host serves (public or the studio's) are all applied."""
    try:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as exc:  # noqa: BLE001
        return {"ok": False, "error": exc.__class__.__name__}
    pending = sorted({f"{migration.app_label}.{migration.name}" for migration, _backwards in plan})
    return {"ok": not pending, "pending": pending, "schema": tenant_connection.schema_name}


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    checks = {"database": check_database()}
    checks["redis"] = check_redis()
    if checks["database"]["ok"]:
        checks["migrations"] = check_migrations()
    else:
        checks["migrations"] = {"ok": False, "error": "database unavailable"}
    ready = all(check["ok"] for check in checks.values())
    body: dict[str, Any] = {"status": "ok" if ready else "unavailable"}
    if metrics_allowed(request):
        body["checks"] = checks
    return JsonResponse(body, status=200 if ready else 503)
