"""Export one studio (schema, media, its public rows) into a directory: docs/operations.md "Backups"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tenants.models import Studio
from tenants.snapshot import SnapshotUnavailable
from tenants.studio_backup import StudioBackupError, studio_export


class Command(BaseCommand):
    help = "Export a studio: its schema (pg_dump), its media and its platform rows, with a checksummed manifest."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--slug", required=True)
        parser.add_argument("--to", required=True, type=Path, help="a directory that does not exist yet")

    def handle(self, *args: Any, **options: Any) -> None:
        studio = Studio.objects.filter(slug=options["slug"]).first()
        if studio is None:
            raise CommandError(f"No studio {options['slug']!r}.")
        try:
            manifest = studio_export(studio=studio, target=options["to"])
        except (StudioBackupError, SnapshotUnavailable) as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(table["rows"] for table in manifest["tables"].values())
        self.stdout.write(
            f"Exported {studio.slug}: {len(manifest['tables'])} tables, {rows} rows, "
            f"{len(manifest['media'])} media files -> {options['to']}"
        )
