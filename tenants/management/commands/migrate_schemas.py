"""django-tenants' migrate_schemas, plus the studio template and the pooled schemas.

New studios are clones of the template (or renamed pooled clones), so those schemas must follow
every migration exactly like live studios do. A whole run hands the public schema, then every studio,
the template and the pool together to one executor (tenants/migration_executor.py by default), which
groups them by migration state: one pass over the fleet, not one per kind of schema.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string
from django_tenants.management.commands import SyncCommon
from django_tenants.management.commands.migrate_schemas import MigrateSchemasCommand
from django_tenants.migration_executors import get_executor
from django_tenants.utils import get_public_schema_name

from tenants import schema_pool
from tenants.models import Studio
from tenants.snapshot import SnapshotUnavailable, snapshot_current


class Command(MigrateSchemasCommand):
    def handle(self, *args: Any, **options: Any) -> None:
        SyncCommon.handle(self, *args, **options)  # reads --shared, --tenant, --schema, --executor
        if self.schema_name:  # one named schema (the template included): django-tenants' own path
            super().handle(*args, **options)
            return
        executor_factory = getattr(settings, "GET_EXECUTOR_FUNCTION", None)
        factory = import_string(executor_factory) if executor_factory else get_executor
        executor = factory(codename=self.executor)(self.args, self.options)
        if self.sync_public:
            executor.run_migrations(tenants=[get_public_schema_name()])
        if not self.sync_tenant:
            return
        schema_pool.template_ensure()
        studios = Studio.objects.exclude(schema_name=get_public_schema_name()).values_list("schema_name", flat=True)
        executor.run_migrations(tenants=[*studios, *schema_pool.extra_schemas_to_migrate()])
        try:
            # Rebuilt only when the template's migrations changed: a no-op deploy no longer pays two
            # pg_dump runs (10 s on the loaded 2-core machine with 34 schemas).
            snapshot_current(schema_pool.template_schema())
        except SnapshotUnavailable as exc:
            self.stderr.write(f"No template snapshot ({exc}); new studios will be cloned the slow way.")
