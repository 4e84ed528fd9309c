from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tenants import schema_pool
from tenants.models import PooledSchema


class Command(BaseCommand):
    help = "Fill (or drain) the pool of pre-cloned studio schemas that makes sign-up instant."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--size", type=int, default=None, help="Target size (default STUDIO_SCHEMA_POOL_SIZE).")
        parser.add_argument("--drain", action="store_true", help="Drop every pooled schema instead.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["drain"]:
            self.stdout.write(f"Dropped {schema_pool.pool_drain()} pooled schema(s).")
            return
        added = schema_pool.pool_refill(size=options["size"])
        self.stdout.write(f"Added {added}; the pool holds {PooledSchema.objects.count()} schema(s).")
