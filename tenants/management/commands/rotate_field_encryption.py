from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django_tenants.utils import schema_context

from core.crypto import encrypted_values_rotate
from core.db import tenant_connection
from tenants import schema_pool
from tenants.models import Studio


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted value (health histories) under the newest FIELD_ENCRYPTION_KEY, in every "
        "studio, the template and the pool. Put the new key first, run this, then drop the old key."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        tenant_connection.set_schema_to_public()
        names = [*Studio.objects.values_list("schema_name", flat=True), *schema_pool.extra_schemas_to_migrate()]
        total = 0
        for name in names:
            with schema_context(name), transaction.atomic():
                total += encrypted_values_rotate()
        self.stdout.write(f"Re-encrypted {total} value(s) in {len(names)} schema(s).")
