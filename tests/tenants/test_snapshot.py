"""New studio schemas made by replaying the template's DDL snapshot are the template, exactly."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.db import connection
from django_tenants.utils import schema_context

from tenants import schema_pool, snapshot
from tenants.models import TemplateSnapshot

pytestmark = pytest.mark.django_db
TEMPLATE = settings.TENANT_BASE_SCHEMA


def canonical(definition: str) -> str:
    """A definition without casts, brackets and spaces: PostgreSQL deparses a re-created CHECK or partial
    index as `ARRAY[('a'::varchar)::text]` where the original said `(ARRAY['a'::varchar])::text[]`."""
    return re.sub(r"::[a-z ]+(\[\])?|[()\s]", "", definition)


def structure(schema: str) -> dict[str, list[tuple]]:
    """Columns, indexes, constraints and sequences of a schema, with its name taken out."""

    def rows(sql: str) -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(sql, {"schema": schema})
            return sorted(tuple(canonical(str(v).replace(schema, "S")) for v in row) for row in cursor.fetchall())

    return {
        "columns": rows(
            "SELECT table_name, column_name, data_type, is_nullable, column_default, is_identity "
            "FROM information_schema.columns WHERE table_schema = %(schema)s"
        ),
        "indexes": rows("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = %(schema)s"),
        "constraints": rows(
            "SELECT c.conrelid::regclass::text, c.conname, c.contype, pg_get_constraintdef(c.oid), "
            "c.condeferrable, c.condeferred FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace "
            "WHERE n.nspname = %(schema)s"
        ),
        "sequences": rows(
            "SELECT sequencename, last_value, increment_by FROM pg_sequences WHERE schemaname = %(schema)s"
        ),
    }


def row_counts(schema: str) -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s", [schema])
        for (table,) in cursor.fetchall():
            cursor.execute(f'SELECT count(*) FROM "{schema}"."{table}"')
            counts[table] = cursor.fetchone()[0]
    return counts


def test_a_schema_made_from_the_snapshot_matches_the_template():
    schema_pool.schema_clone_from_template("studio_snapshot_probe")
    assert structure("studio_snapshot_probe") == structure(TEMPLATE)
    assert row_counts("studio_snapshot_probe") == row_counts(TEMPLATE)
    assert row_counts(TEMPLATE)["library_exercise"] >= 150  # the starter library came along


def test_sequences_continue_after_the_copied_rows():
    # (where the template's sequence stands, not max(id) + 1: a rolled-back insert in the template, as in
    # the next test, still moves its sequence on, and a kept test database keeps that)
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT last_value FROM "{TEMPLATE}".django_migrations_id_seq')
        template_position = cursor.fetchone()[0]
    schema_pool.schema_clone_from_template("studio_snapshot_seq")
    with schema_context("studio_snapshot_seq"), connection.cursor() as cursor:
        cursor.execute("SELECT max(id) FROM django_migrations")
        highest = cursor.fetchone()[0]
        cursor.execute("INSERT INTO django_migrations (app, name, applied) VALUES ('x', 'y', now()) RETURNING id")
        assert cursor.fetchone()[0] == template_position + 1 > highest


def test_the_snapshot_is_rebuilt_when_the_template_gains_a_migration():
    first = snapshot.snapshot_current(TEMPLATE)
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO "{TEMPLATE}".django_migrations (app, name, applied) VALUES (%s, %s, now())', ["zz", "0001"]
        )
    second = snapshot.snapshot_current(TEMPLATE)
    assert second.fingerprint != first.fingerprint
    assert list(TemplateSnapshot.objects.values_list("fingerprint", flat=True)) == [second.fingerprint]


def test_without_pg_dump_the_clone_function_still_makes_the_schema(monkeypatch):
    TemplateSnapshot.objects.all().delete()

    def no_pg_dump(major: int) -> str:
        raise snapshot.SnapshotUnavailable("no pg_dump here")

    monkeypatch.setattr(snapshot, "_pg_dump_for", no_pg_dump)
    schema_pool.schema_clone_from_template("studio_snapshot_fallback")
    assert structure("studio_snapshot_fallback")["columns"] == structure(TEMPLATE)["columns"]
    assert not TemplateSnapshot.objects.exists()


def test_the_snapshot_text_names_no_schema():
    built = snapshot.snapshot_build(TEMPLATE)
    assert TEMPLATE not in built.pre_data
    assert TEMPLATE not in built.post_data
    assert snapshot.PLACEHOLDER in built.pre_data
    assert "\\restrict" not in built.pre_data
