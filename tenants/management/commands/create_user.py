from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.exceptions import ApplicationError
from core.people import studio_user_create
from core.permissions import STUDIO_ROLES
from tenants.models import Studio


class Command(BaseCommand):
    help = "Create a person in a studio with a role (owner, manager, trainer or client)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--studio", required=True, help="The studio's slug.")
        parser.add_argument("--email", required=True)
        parser.add_argument("--password", required=True)
        parser.add_argument("--role", required=True, choices=[role.value for role in STUDIO_ROLES])
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        studio = Studio.objects.filter(slug=options["studio"]).first()
        if studio is None:
            raise CommandError(f"There is no studio {options['studio']!r}.")
        try:
            user = studio_user_create(
                studio=studio,
                email=options["email"],
                password=options["password"],
                role=options["role"],
                first_name=options["first_name"],
                last_name=options["last_name"],
                email_verified=True,  # an operator vouches for the address
            )
        except ApplicationError as exc:  # a refused field (400) or a taken address (409)
            raise CommandError(exc.message) from exc
        self.stdout.write(self.style.SUCCESS(f"{user.email} is now a {user.role} of {studio.name}."))
