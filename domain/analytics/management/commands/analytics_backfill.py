"""Recompute analytics for a range of days in one studio: `manage.py analytics_backfill <schema> FROM TO`."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_tenants.utils import get_tenant_model, tenant_context

from core.exceptions import ApplicationError
from domain.analytics.services import days_backfill


class Command(BaseCommand):
    help = "Recompute the engagement and business rows of every day from FROM to TO (ISO dates) in a studio."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("schema")
        parser.add_argument("start", type=date.fromisoformat)
        parser.add_argument("end", type=date.fromisoformat)

    def handle(self, *args: Any, **options: Any) -> None:
        studio = get_tenant_model().objects.filter(schema_name=options["schema"]).first()
        if studio is None:
            raise CommandError(f"No studio with schema {options['schema']!r}.")
        with tenant_context(studio):
            try:
                results = days_backfill(start=options["start"], end=options["end"])
            except ApplicationError as exc:
                raise CommandError(exc.message) from exc
        for result in results:
            self.stdout.write(f"{result.day}: {result.clients} clients")
