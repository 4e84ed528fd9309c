from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.exceptions import ValidationError
from tenants.services import studio_provision


class Command(BaseCommand):
    help = "Provision a studio: schema, <slug>.<PLATFORM_DOMAIN>, owner account."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--slug", required=True)
        parser.add_argument("--name", required=True)
        parser.add_argument("--owner-email", required=True)
        parser.add_argument("--owner-password", required=True)
        parser.add_argument("--owner-first-name", default="")
        parser.add_argument("--owner-last-name", default="")
        parser.add_argument("--timezone", default="UTC")
        parser.add_argument("--currency", default="USD")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = studio_provision(
                slug=options["slug"],
                name=options["name"],
                owner_email=options["owner_email"],
                owner_password=options["owner_password"],
                owner_first_name=options["owner_first_name"],
                owner_last_name=options["owner_last_name"],
                timezone=options["timezone"],
                currency=options["currency"],
                owner_email_verified=True,  # an operator vouches for the address
            )
        except ValidationError as exc:
            raise CommandError(exc.message) from exc
        domain = result.studio.domains.get(is_primary=True).domain
        self.stdout.write(
            self.style.SUCCESS(f"Studio {result.studio.name!r} is live at {domain} (owner {result.owner.email}).")
        )
