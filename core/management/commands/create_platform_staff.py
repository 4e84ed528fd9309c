from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.db import tenant_connection
from core.exceptions import ValidationError
from core.models import User
from core.people import user_fields_check


class Command(BaseCommand):
    help = "Create a platform staff account (public site, platform console and admin)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True)
        parser.add_argument("--password", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        tenant_connection.set_schema_to_public()
        try:
            email = user_fields_check(email=options["email"], password=options["password"])
        except ValidationError as exc:
            raise CommandError(exc.message) from exc
        if User.objects.filter(email__iexact=email).exists():
            raise CommandError(f"{email} already exists.")
        User.objects.create_superuser(email=email, password=options["password"])
        self.stdout.write(self.style.SUCCESS(f"Platform staff {email} created."))
