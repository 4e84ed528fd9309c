"""Catch up on missed webhook deliveries: compare with Stripe's list of events for a period."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from billing.webhooks import events_reconcile


def _when(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"Not an ISO date or time: {value!r}") from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.get_current_timezone())


class Command(BaseCommand):
    help = "Store and handle every Stripe event of a period that never arrived (default: the last 3 days)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--since", type=_when, help="ISO date/time (UTC unless an offset is given)")
        parser.add_argument("--until", type=_when, help="ISO date/time; default now")

    def handle(self, *args: Any, **options: Any) -> None:
        until = options["until"] or timezone.now()
        since = options["since"] or until - timedelta(days=3)
        if since >= until:
            raise CommandError("--since must be before --until.")
        counts = events_reconcile(since=since, until=until)
        self.stdout.write(
            f"{counts['seen']} event(s) at Stripe, {counts['stored']} missing stored, "
            f"{counts['processed']} handled, {counts['failed']} failed"
        )
