"""django-tenants' migrate_schemas, plus the studio template and the pooled schemas.

New studios are clones of the template (or renamed pooled clones), so those schemas must follow
every migration exactly like live studios do.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string
from django_tenants.management.commands.migrate_schemas import MigrateSchemasCommand
from django_tenants.migration_executors import get_executor

from tenants import schema_pool
from tenants.snapshot import SnapshotUnavailable, snapshot_current


class Command(MigrateSchemasCommand):
    def handle(self, *args: Any, **options: Any) -> None:
        super().handle(*args, **options)
        if not self.sync_tenant or options.get("schema_name"):
            return  # one named schema (the template included) was asked for, and the parent migrated it
        schema_pool.template_ensure()
        executor_factory = getattr(settings, "GET_EXECUTOR_FUNCTION", None)
        factory = import_string(executor_factory) if executor_factory else get_executor
        executor = factory(codename=self.executor)(self.args, self.options)
        executor.run_migrations(tenants=schema_pool.extra_schemas_to_migrate())
        try:
            # Rebuilt only when the template's migrations changed: a no-op deploy no longer pays two
            # pg_dump runs (10 s on the loaded 2-core machine with 34 schemas).
            snapshot_current(schema_pool.template_schema())
        except SnapshotUnavailable as exc:
            self.stderr.write(f"No template snapshot ({exc}); new studios will be cloned the slow way.")
