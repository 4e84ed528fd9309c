"""List Stripe events whose handling failed (or whose task was lost), and re-process them with --reprocess."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from billing.webhooks import event_process, events_failed


class Command(BaseCommand):
    help = "List failed Stripe webhook events; --reprocess handles them again (exactly once each)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--reprocess", action="store_true", help="handle each listed event again")
        parser.add_argument("--stale-minutes", type=int, default=10, help="pending for longer counts as lost")

    def handle(self, *args: Any, **options: Any) -> None:
        rows = events_failed(include_stale_pending_minutes=options["stale_minutes"])
        for row in rows:
            line = f"{row.event_id} {row.type} {row.status} attempts={row.attempts} {row.last_error[:120]}"
            if options["reprocess"]:
                try:
                    line += f" -> {event_process(event_id=row.event_id)}"
                except Exception as exc:  # noqa: BLE001 (reported; the row keeps the error)
                    line += f" -> failed again: {exc!r}"[:200]
            self.stdout.write(line)
        self.stdout.write(f"{len(rows)} event(s)")
