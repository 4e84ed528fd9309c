"""Give a studio a living demo: three trainers, twenty clients and eight weeks of history (tenants/demo).

Used by `make run` for the demo studio; safe to run again (it adds only what is missing).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_tenants.utils import tenant_context

from tenants.demo import demo_seed
from tenants.models import Studio


class Command(BaseCommand):
    help = "Fill a studio with demo people and eight weeks of history dated relative to today (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--studio", required=True, help="The studio's slug.")
        parser.add_argument("--password", default="", help="The new trainers' password (else a random one).")
        parser.add_argument(
            "--weeks", type=int, default=8, choices=range(1, 9), help="Weeks of history (default 8; tests use fewer)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        studio = Studio.objects.filter(slug=options["studio"]).first()
        if studio is None:
            raise CommandError(f"There is no studio {options['studio']!r}.")
        verbose = options["verbosity"] > 1
        with tenant_context(studio):
            demo_seed(
                studio=studio,
                password=options["password"] or None,
                say=self.stdout.write if verbose else _quiet,
                note=self.stdout.write,
                weeks=options["weeks"],
            )
        self.stdout.write(self.style.SUCCESS(f"Demo content is in {studio.name}."))


def _quiet(message: str) -> None:
    return None
