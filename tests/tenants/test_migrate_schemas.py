"""migrate_schemas over the fleet: a pending migration reaches every schema (studios, template, pool) the
way Django's `migrate` would apply it, with the migration machinery built once, not once per schema; a run
with nothing pending reads the fleet in a number of queries that does not grow with it.

bench/fleet_app (one model, one migration) is installed for these tests only; everything the command
does happens inside the test's transaction and is rolled back with it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.commands import migrate
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from core.db import tenant_connection
from tenants import schema_pool
from tenants.management.commands import migrate_schemas
from tenants.models import Studio

pytestmark = pytest.mark.django_db
APP = "bench.fleet_app"
# The sequences a migration's bookkeeping draws from (its record, post_migrate's content types and permissions).
SEQS = ("django_migrations_id_seq", "django_content_type_id_seq", "auth_permission_id_seq")


@pytest.fixture
def fleet_app(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The bench app installed, and the template snapshot left alone (pg_dump cannot see this transaction).

    The rollback takes the rows out again, but not what they took from sequences (nextval is not
    transactional): those are put back, or the template's next copy would not start where its rows end.
    """
    monkeypatch.setattr(migrate_schemas, "snapshot_current", lambda template: None)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT schemaname, sequencename, last_value FROM pg_sequences WHERE sequencename = ANY(%s)", [list(SEQS)]
        )
        positions = cursor.fetchall()
    with override_settings(INSTALLED_APPS=[*settings.INSTALLED_APPS, APP], TENANT_APPS=[*settings.TENANT_APPS, APP]):
        yield
    ContentType.objects.clear_cache()  # ids of rows the rollback removes
    tenant_connection.set_schema_to_public()
    with connection.cursor() as cursor:
        for schema, sequence, last_value in positions:
            name = f"{connection.ops.quote_name(schema)}.{connection.ops.quote_name(sequence)}"
            cursor.execute("SELECT setval(%s, %s, %s)", [name, last_value or 1, last_value is not None])


@pytest.fixture
def django_migrate_runs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The schemas Django's whole `migrate` command ran in."""
    runs: list[str] = []
    original = migrate.Command.handle

    def handle(self: migrate.Command, *args: Any, **options: Any) -> None:
        runs.append(tenant_connection.schema_name)
        original(self, *args, **options)

    monkeypatch.setattr(migrate.Command, "handle", handle)
    return runs


def every_schema() -> list[str]:
    return [*Studio.objects.values_list("schema_name", flat=True), *schema_pool.extra_schemas_to_migrate()]


def recorded(schema: str, app: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT name FROM "{schema}".django_migrations WHERE app = %s', [app])
        return [row[0] for row in cursor.fetchall()]


def columns(schema: str, table: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name, data_type, is_nullable, character_maximum_length, is_identity "
            "FROM information_schema.columns WHERE table_schema = %s AND table_name = %s ORDER BY column_name",
            [schema, table],
        )
        return cursor.fetchall()


def test_a_pending_migration_reaches_every_schema_with_the_machinery_built_once(fleet_app, django_migrate_runs):
    # given a studio fleet (two studios, the template, one pooled schema) without the app's migration
    schema_pool.pool_refill(size=1)
    schemas = every_schema()
    assert len(schemas) >= 4
    assert all(recorded(schema, "fleet_app") == [] for schema in schemas)
    # when a deploy migrates
    call_command("migrate_schemas", verbosity=0)
    # then Django's whole command ran in the public schema only (where the app's tables do not go) ...
    assert django_migrate_runs == ["public"]
    assert columns("public", "fleet_app_fleetnote") == []
    assert recorded("public", "fleet_app") == ["0001_initial"]
    # ... and every other schema recorded the migration and has the table Django would have made
    expected = [
        ("created_at", "timestamp with time zone", "NO", None, "NO"),
        ("id", "bigint", "NO", None, "YES"),
        ("text", "character varying", "NO", 200, "NO"),
    ]
    for schema in schemas:
        assert recorded(schema, "fleet_app") == ["0001_initial"], schema
        assert columns(schema, "fleet_app_fleetnote") == expected, schema
    # ... with the content type and default permissions post_migrate makes for a new model
    with connection.cursor() as cursor:
        for schema in schemas:
            cursor.execute(
                f'SELECT p.codename FROM "{schema}".auth_permission p JOIN "{schema}".django_content_type c '
                "ON c.id = p.content_type_id WHERE c.app_label = 'fleet_app' ORDER BY 1"
            )
            codenames = [row[0] for row in cursor.fetchall()]
            assert codenames == [f"{a}_fleetnote" for a in ("add", "change", "delete", "view")], schema


def test_a_deploy_with_nothing_pending_reads_the_fleet_in_constant_queries(django_migrate_runs):
    # given the fleet up to date
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            call_command("migrate_schemas", verbosity=0)
        return len(captured)

    queries()  # the first run in a process also sets its connection up
    small = queries()
    # when the fleet grows by three schemas and the deploy runs again
    schema_pool.pool_refill(size=3)
    # then it makes the same number of queries and runs no migration anywhere
    assert queries() == small
    assert django_migrate_runs == []
