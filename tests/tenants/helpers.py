"""Shared test helpers for the platform side (studios, domains, the schema pool)."""

from __future__ import annotations

from django.db import connection

from tenants.models import Domain, HandoffToken, PooledSchema, Studio


def snapshot() -> dict[str, object]:
    """Everything provisioning or sign-up could leave behind."""
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'studio\\_%%' OR nspname LIKE '\\_pool\\_%%'"
        )
        schema_names = sorted(row[0] for row in cursor.fetchall())
    return {
        "schemas": schema_names,
        "studios": sorted(Studio.objects.values_list("slug", flat=True)),
        "domains": sorted(Domain.objects.values_list("domain", flat=True)),
        "pool": sorted(PooledSchema.objects.values_list("schema_name", flat=True)),
        "handoffs": HandoffToken.objects.count(),
    }
