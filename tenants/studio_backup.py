"""One studio out of the platform and back: its schema, its media and the public rows that belong to it.

An export is a directory:

    manifest.json   format, studio, when, the schema's migrations, per table its row count and checksum,
                    per media file its size and SHA-256
    schema.dump     `pg_dump --format=custom --schema=<schema>` (tables, rows, sequences, indexes, constraints)
    public.json     the studio's rows in the public schema (Studio, Domain, its subscription, invoices, Connect
                    account... every row that would go with it if it were deleted), Django's JSON serialisation
    media/<name>    every file under the studio's media prefix (file system or bucket)

A restore (to the same platform database or another one) refuses a studio whose slug or schema exists
there, replays the dump with `pg_restore`, inserts the public rows (new primary keys where the target has
the old ones taken, foreign keys followed), writes the media back, migrates the schema to the running
code, and checks every table's count and checksum against the manifest before it says it is done.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.admin.utils import NestedObjects
from django.core import serializers
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection, models, transaction
from django.utils import timezone
from django_tenants.utils import schema_context, schema_exists

from core.audit import AuditAction, audit_record
from core.db import tenant_connection
from core.models import User
from tenants import schema_pool
from tenants.models import Studio
from tenants.observability import storage_walk
from tenants.routing import routing_forget
from tenants.snapshot import pg_connection_args, pg_tool, schema_tables

FORMAT = "fitwell-studio-export/1"
CHECKSUM_SQL = (
    "SELECT COUNT(*), COALESCE(md5(string_agg(md5(t::text), '' ORDER BY md5(t::text))), '') FROM {table} AS t"
)


class StudioBackupError(RuntimeError):
    """An export or restore that cannot go on; nothing half-done is left behind."""


@dataclass(frozen=True)
class TableCheck:
    rows: int
    checksum: str


def schema_tables_check(schema: str) -> dict[str, TableCheck]:
    """{table: (rows, checksum)} of every table of `schema`: an md5 over the md5 of each row's text, in
    sorted order, so the same rows give the same checksum whatever their physical order."""
    quote = connection.ops.quote_name
    checks = {}
    with connection.cursor() as cursor:
        for table in schema_tables(schema):
            cursor.execute(CHECKSUM_SQL.format(table=f"{quote(schema)}.{quote(table)}"))
            rows, checksum = cursor.fetchone()
            checks[table] = TableCheck(rows=rows, checksum=checksum)
    return checks


def studio_public_rows(studio: Studio) -> list[models.Model]:
    """The public-schema rows that belong to the studio: the studio and whatever a deletion would cascade to."""
    collector = NestedObjects(using=connection.alias)
    collector.collect([studio])
    rows: list[models.Model] = []
    for _model, instances in collector.data.items():
        rows.extend(instances)
    return rows


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _pg(tool: str, *args: str) -> None:
    connect, env = pg_connection_args()
    result = subprocess.run(  # noqa: S603 - our own command line, no shell
        [pg_tool(tool), *connect, *args], capture_output=True, text=True, env=env, check=False
    )
    if result.returncode != 0:
        raise StudioBackupError(f"{tool} failed: {result.stderr.strip()[:1000]}")


def studio_export(*, studio: Studio, target: Path, actor: User | None = None) -> dict[str, Any]:
    """Write the studio's export into the directory `target` (created; it must not exist). Returns the manifest.

    Consistent for the database (one pg_dump snapshot); media written during the export may or may not be in
    it, so export a suspended or closed studio when it must be exact. Raises StudioBackupError.
    """
    if target.exists():
        raise StudioBackupError(f"{target} already exists")
    tenant_connection.set_schema_to_public()
    media_dir = target / "media"
    media_dir.mkdir(parents=True)
    _pg("pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--schema={studio.schema_name}",
        f"--file={target / 'schema.dump'}", str(connection.settings_dict["NAME"]))  # fmt: skip
    (target / "public.json").write_text(serializers.serialize("json", studio_public_rows(studio), indent=1))
    media = []
    with schema_context(studio.schema_name):
        for name in storage_walk(""):
            destination = media_dir / name
            destination.parent.mkdir(parents=True, exist_ok=True)
            with default_storage.open(name, "rb") as source, destination.open("wb") as out:
                shutil.copyfileobj(source, out)
            media.append({"name": name, "bytes": destination.stat().st_size, "sha256": _sha256(destination)})
    with connection.cursor() as cursor:
        quoted = connection.ops.quote_name(studio.schema_name)
        cursor.execute(f"SELECT app, name FROM {quoted}.django_migrations ORDER BY app, name")  # noqa: S608
        migrations = [f"{app}.{name}" for app, name in cursor.fetchall()]
    manifest = {
        "format": FORMAT,
        "studio": {"slug": studio.slug, "name": studio.name, "schema": studio.schema_name, "status": studio.status},
        "exported_at": timezone.now().isoformat(),
        "migrations": migrations,
        "tables": {name: vars(check) for name, check in schema_tables_check(studio.schema_name).items()},
        "media": media,
    }
    (target / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True))
    audit_record(actor=actor, action=AuditAction.STUDIO_EXPORT, target=studio, path=str(target),
                 tables=len(manifest["tables"]), media_files=len(media))  # fmt: skip
    return manifest


def _read_manifest(source: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((source / "manifest.json").read_text())
    except (OSError, ValueError) as exc:
        raise StudioBackupError(f"{source} is not a studio export: {exc}") from exc
    if manifest.get("format") != FORMAT:
        raise StudioBackupError(f"{source}: unknown export format {manifest.get('format')!r}")
    for entry in manifest["media"]:
        if _sha256(source / "media" / entry["name"]) != entry["sha256"]:
            raise StudioBackupError(f"{source}: media file {entry['name']} does not match its checksum")
    return manifest


def _public_rows_insert(source: Path) -> Studio:
    """Insert the exported public rows, keeping each primary key when it is free here and following the
    foreign keys of those that had to take a new one. Returns the studio."""
    objects = [found.object for found in serializers.deserialize("json", (source / "public.json").read_text())]
    new_keys: dict[tuple[type[models.Model], Any], Any] = {}
    for obj in _parents_first(objects):
        model = type(obj)
        for field in model._meta.concrete_fields:
            if isinstance(field, models.ForeignKey) and (field.related_model, getattr(obj, field.attname)) in new_keys:
                setattr(obj, field.attname, new_keys[(field.related_model, getattr(obj, field.attname))])
        old_key = obj.pk
        if model._default_manager.filter(pk=old_key).exists():
            if not isinstance(model._meta.pk, models.AutoField):
                raise StudioBackupError(f"a {model._meta.label} with key {old_key} already exists here")
            obj.pk = None
        obj.save_base(raw=True, force_insert=True)  # as loaddata: auto_now fields keep their exported value
        new_keys[(model, old_key)] = obj.pk
    return next(obj for obj in objects if isinstance(obj, Studio))


def _parents_first(objects: list[models.Model]) -> list[models.Model]:
    """The rows ordered so that each comes after the rows of the models it points to."""
    models_present = {type(obj) for obj in objects}
    order: list[type[models.Model]] = []

    def visit(model: type[models.Model], path: tuple[type[models.Model], ...] = ()) -> None:
        if model in order or model in path:
            return
        for field in model._meta.concrete_fields:
            related = field.related_model
            if field.is_relation and related in models_present and related is not model:
                visit(related, (*path, model))
        order.append(model)

    for model in sorted(models_present, key=lambda m: m._meta.label):
        visit(model)
    return sorted(objects, key=lambda obj: order.index(type(obj)))


def studio_restore(*, source: Path, actor: User | None = None) -> Studio:
    """Bring an exported studio back on this platform database. Returns the restored Studio.

    Raises StudioBackupError (nothing is left behind) when the export is damaged, when the studio's slug or
    schema exists here, when the export has migrations this code does not know, or when a table's rows
    differ from the manifest after the restore.
    """
    manifest = _read_manifest(source)
    schema, slug = manifest["studio"]["schema"], manifest["studio"]["slug"]
    tenant_connection.set_schema_to_public()
    if Studio.objects.filter(slug=slug).exists() or schema_exists(schema):
        raise StudioBackupError(f"a studio {slug} (schema {schema}) exists here: erase it or restore elsewhere")
    _pg("pg_restore", "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error",
        f"--dbname={connection.settings_dict['NAME']}", str(source / "schema.dump"))  # fmt: skip
    try:
        restored = schema_tables_check(schema)
        expected = {name: TableCheck(**check) for name, check in manifest["tables"].items()}
        if restored != expected:
            wrong = sorted(
                name for name in expected.keys() | restored.keys() if expected.get(name) != restored.get(name)
            )
            raise StudioBackupError(f"restored tables differ from the export: {', '.join(wrong[:10])}")
        with transaction.atomic():
            studio = _public_rows_insert(source)
            audit_record(actor=actor, action=AuditAction.STUDIO_RESTORE, target=studio, path=str(source),
                         exported_at=manifest["exported_at"], tables=len(restored))  # fmt: skip
        _media_write(source, schema=schema, entries=manifest["media"])
    except BaseException:
        schema_pool.schema_drop(schema)
        raise
    # Migrations the export predates (restoring an old export on newer code); a no-op otherwise.
    call_command("migrate_schemas", schema_name=schema, interactive=False, verbosity=0)
    routing_forget()
    return studio


def _media_write(source: Path, *, schema: str, entries: list[dict[str, Any]]) -> None:
    with schema_context(schema):
        for entry in entries:
            name = entry["name"]
            if default_storage.exists(name):
                default_storage.delete(name)
            with (source / "media" / name).open("rb") as handle:
                saved = default_storage.save(name, File(handle, name=name))
            if saved != name:
                raise StudioBackupError(f"media {name} was stored as {saved}")
