"""Close a studio (kept STUDIO_RETENTION_DAYS, then erased), reopen it, or erase it: docs/operations.md."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.exceptions import ApplicationError
from tenants.lifecycle import retention_ends, studio_close, studio_erase, studio_reopen, studios_erase_due
from tenants.models import Studio


class Command(BaseCommand):
    help = "Close a studio; --reopen brings it back; --erase-now erases a closed one early; --erase-due sweeps."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--slug")
        parser.add_argument("--reason", default="")
        action = parser.add_mutually_exclusive_group()
        action.add_argument("--reopen", action="store_true", help="reopen a closed studio")
        action.add_argument("--erase-now", action="store_true", help="erase a closed studio before retention ends")
        action.add_argument("--erase-due", action="store_true", help="erase every studio past its retention")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["erase_due"]:
            erased = studios_erase_due()
            self.stdout.write(f"Erased {len(erased)} studio(s): {', '.join(erased) or '-'}")
            return
        studio = Studio.objects.filter(slug=options["slug"] or "").first()
        if studio is None:
            raise CommandError(f"No studio {options['slug']!r}.")
        reason = options["reason"]
        try:
            if options["reopen"]:
                studio_reopen(studio=studio, actor=None, reason=reason)
                self.stdout.write(f"Reopened {studio.slug}.")
            elif options["erase_now"]:
                gone = studio_erase(studio=studio, actor=None, reason=reason, early=True)
                self.stdout.write(f"Erased {studio.slug}: {gone['tables']} tables, {gone['media_files']} files.")
            else:
                studio = studio_close(studio=studio, actor=None, reason=reason)
                self.stdout.write(
                    f"Closed {studio.slug}; its data is erased after {retention_ends(studio):%Y-%m-%d %H:%M} UTC."
                )
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
