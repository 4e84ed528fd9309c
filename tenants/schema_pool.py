"""Low-level schema operations: the template, the pool of pre-cloned schemas, naming.

Provisioning (services.py) is the only caller that creates studios; this module knows nothing of
studios, only of schemas.
"""

from __future__ import annotations

import logging
import uuid
import zlib

from django.conf import settings
from django.db import connection, transaction
from django_tenants.clone import CloneSchema
from django_tenants.utils import schema_exists

from core.db import tenant_connection
from tenants.models import PooledSchema
from tenants.snapshot import SnapshotUnavailable, schema_create_from_snapshot

logger = logging.getLogger(__name__)

POOL_PREFIX = "_pool_"
_REFILL_LOCK = zlib.crc32(b"fitwell.studio_pool_refill")


def template_schema() -> str:
    return settings.TENANT_BASE_SCHEMA


def studio_schema_name(slug: str) -> str:
    """`my-gym` -> `studio_my_gym`: hyphens are not allowed unquoted, and slugs have no underscores."""
    return "studio_" + slug.replace("-", "_")


def quote(name: str) -> str:
    return connection.ops.quote_name(name)


def schema_clone_from_template(target: str) -> None:
    """Copy the migrated template (tables, indexes, sequences, migration rows, starter data).

    By replaying its DDL snapshot (tenants/snapshot.py, constant cost); without pg_dump, by
    django-tenants' clone function (slower, and slower still as studios accumulate).
    """
    if not schema_exists(template_schema()):
        raise RuntimeError(
            f"The studio template schema {template_schema()!r} does not exist: run `python manage.py migrate_schemas`."
        )
    try:
        schema_create_from_snapshot(template=template_schema(), target=target)
    except SnapshotUnavailable as exc:
        logger.warning("cloning %s with the clone function: %s", target, exc)
        CloneSchema().clone_schema(template_schema(), target, "DATA")


def schema_rename(source: str, target: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER SCHEMA {quote(source)} RENAME TO {quote(target)}")


def schema_drop(name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {quote(name)} CASCADE")


def pool_claim(*, target: str) -> bool:
    """Rename a ready pooled schema to `target`; False when the pool is empty.

    Must run inside the caller's transaction: if provisioning fails later, the rename and the
    pool row's deletion roll back together and the schema returns to the pool.
    """
    pooled = PooledSchema.objects.select_for_update(skip_locked=True).order_by("created_at").first()
    if pooled is None:
        return False
    schema_rename(pooled.schema_name, target)
    pooled.delete()
    return True


def pool_refill(*, size: int | None = None) -> int:
    """Clone schemas until the pool holds `size`; returns how many were added.

    One refill runs at a time (a session advisory lock); a second caller returns at once.
    """
    wanted = settings.STUDIO_SCHEMA_POOL_SIZE if size is None else size
    tenant_connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [_REFILL_LOCK])
        if not cursor.fetchone()[0]:
            return 0
    added = 0
    try:
        while PooledSchema.objects.count() < wanted:
            name = f"{POOL_PREFIX}{uuid.uuid4().hex[:16]}"
            with transaction.atomic():
                schema_clone_from_template(name)
                PooledSchema.objects.create(schema_name=name)
            added += 1
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [_REFILL_LOCK])
    if added:
        logger.info("studio schema pool refilled with %s schema(s)", added)
    return added


def pool_drain() -> int:
    """Drop every pooled schema (e.g. before rebuilding the template)."""
    dropped = 0
    for pooled in PooledSchema.objects.all():
        with transaction.atomic():
            schema_drop(pooled.schema_name)
            pooled.delete()
        dropped += 1
    return dropped


def template_ensure() -> bool:
    """Create the (empty) template schema if missing; migrate_schemas then migrates it."""
    if schema_exists(template_schema()):
        return False
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE SCHEMA {quote(template_schema())}")
    return True


def extra_schemas_to_migrate() -> list[str]:
    """Schemas that are not studios yet but must follow every migration: template, then pool."""
    return [template_schema(), *PooledSchema.objects.values_list("schema_name", flat=True)]
