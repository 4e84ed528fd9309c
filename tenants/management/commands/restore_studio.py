"""Restore a studio exported by export_studio, on this platform database: docs/operations.md "Backups"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tenants.snapshot import SnapshotUnavailable
from tenants.studio_backup import StudioBackupError, studio_restore


class Command(BaseCommand):
    help = "Restore an exported studio (refused if its slug or schema exists here); verifies every table."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="source", required=True, type=Path, help="the export's directory")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            studio = studio_restore(source=options["source"])
        except (StudioBackupError, SnapshotUnavailable) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Restored {studio.slug} ({studio.get_status_display()}), every table verified.")
