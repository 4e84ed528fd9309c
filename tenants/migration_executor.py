"""`migrate_schemas` for a fleet of studios: the migration machinery built once per state, not per schema.

django-tenants runs Django's whole `migrate` command in every schema: load the migration graph, render
the project state, apply, re-render every model and send `post_migrate` for every app — about 0.7 s per
schema even for one small migration, twelve minutes for 1,000 studios. The smart executor
(django-tenants-smart-executor) skips schemas with nothing pending, but still reads each one with
several queries and runs the whole command wherever something is.

Here (`FleetExecutor`):
- every schema's recorded migrations are read as one digest per schema, a few hundred schemas per
  query; schemas with the same digest are in the same state and form one group;
- a group with nothing pending is done (the `schema_migrated` signal is still sent for each schema);
- for a group with pending migrations the graph, the plan, the project state before and after every
  operation and the post-migrate model registry are computed once (as Django's `migrate` would in the
  group's first schema), then each schema runs the same operations' `database_forwards` in its own
  transaction per migration and records them — the database work Django would do there, no more;
- `post_migrate` is sent in each schema for the apps whose migrations ran in it (content types and
  permissions only change with an app's own migrations; every app was handled when the schema was made).
The public schema, a schema without a `django_migrations` table (a new template) and any narrower run
(an app or migration named, --fake, --plan, --check, --prune, --run-syncdb) take the smart executor's
path: Django's whole `migrate`, where something is pending.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import django_tenants.migration_executors
from django.apps import apps as global_apps
from django.core.management.base import CommandError
from django.core.management.sql import emit_pre_migrate_signal
from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.migration import Migration
from django.db.migrations.operations.base import Operation
from django.db.migrations.state import ModelState, ProjectState
from django.db.models.signals import post_migrate
from django.db.transaction import atomic
from django_tenants.migration_executors.base import run_migrations
from django_tenants.signals import schema_migrated
from django_tenants_smart_executor import SmartStandardExecutor
from django_tenants_smart_executor import load_executor as smart_load_executor

# Options that ask for something other than "everything forward": Django's own command handles them.
_NARROWING = ("app_label", "migration_name", "fake", "fake_initial", "plan", "check_unapplied", "prune", "run_syncdb")
_SCHEMAS_PER_QUERY = 250


def load_executor(codename: str | None) -> type[django_tenants.migration_executors.MigrationExecutor]:
    """GET_EXECUTOR_FUNCTION: this executor by default; `--executor=multiprocessing` is the smart one's."""
    if codename in (None, "standard", FleetExecutor.codename):
        return FleetExecutor
    return smart_load_executor(codename)


class _Replay:
    """Stands in for one Migration in Django's `apply_migration`: its operations with the project states
    before and after each, computed once and shared by every schema of the group (operations only read them).
    """

    def __init__(self, migration: Migration, steps: list[tuple[Operation, ProjectState, ProjectState]]) -> None:
        self.migration = migration
        self.steps = steps
        self.app_label, self.name = migration.app_label, migration.name
        self.atomic, self.replaces = migration.atomic, migration.replaces

    def __str__(self) -> str:
        return str(self.migration)

    def apply(self, project_state: ProjectState, schema_editor: Any, collect_sql: bool = False) -> ProjectState:
        """Django's Migration.apply, minus the state bookkeeping done once beforehand."""
        for operation, before, after in self.steps:
            atomic_operation = operation.atomic or (self.atomic and operation.atomic is not False)
            if not schema_editor.atomic_migration and atomic_operation:
                with atomic(schema_editor.connection.alias):
                    operation.database_forwards(self.app_label, schema_editor, before, after)
            else:
                operation.database_forwards(self.app_label, schema_editor, before, after)
        return project_state


class FleetExecutor(django_tenants.migration_executors.MigrationExecutor):
    codename = "fleet"

    def run_migrations(self, tenants: Iterable[str] | None = None) -> None:
        schemas = list(tenants or [])
        if any(self.options.get(option) for option in _NARROWING):
            SmartStandardExecutor(self.args, self.options).run_migrations(tenants=schemas)
            return
        if self.PUBLIC_SCHEMA_NAME in schemas:
            schemas.remove(self.PUBLIC_SCHEMA_NAME)
            SmartStandardExecutor(self.args, self.options).run_migrations(tenants=[self.PUBLIC_SCHEMA_NAME])
        groups = self._groups(schemas)
        for schema in groups.pop(None, []):  # no migrations table yet: Django's whole command
            run_migrations(self.args, self.options, self.codename, schema)
        for members in groups.values():
            self._migrate_group(members)
        self.connection.set_schema_to_public()

    @property
    def connection(self) -> Any:
        return connections[self.TENANT_DB_ALIAS]

    def _say(self, message: str) -> None:
        if int(self.options.get("verbosity", 1)) >= 1:
            sys.stdout.write(f"[{self.codename}] {message}\n")

    def _groups(self, schemas: Sequence[str]) -> dict[str | None, list[str]]:
        """Schemas by the digest of their recorded migrations (None: no django_migrations table)."""
        connection = self.connection
        connection.set_schema_to_public()
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE c.relname = 'django_migrations' AND c.relkind IN ('r', 'p') AND n.nspname = ANY(%s)",
                [list(schemas)],
            )
            with_table = {row[0] for row in cursor.fetchall()}
            digests: dict[str, str] = {}
            listed = [schema for schema in schemas if schema in with_table]
            for start in range(0, len(listed), _SCHEMAS_PER_QUERY):
                chunk = listed[start : start + _SCHEMAS_PER_QUERY]
                digest = "SELECT %s, md5(coalesce(string_agg(app || '.' || name, ',' ORDER BY app, name), '')) FROM "
                tables = (f"{quote(schema)}.django_migrations" for schema in chunk)  # quoted identifiers
                cursor.execute(" UNION ALL ".join(digest + table for table in tables), chunk)
                digests.update(dict(cursor.fetchall()))
        groups: dict[str | None, list[str]] = defaultdict(list)
        for schema in schemas:
            groups[digests.get(schema)].append(schema)
        return groups

    def _migrate_group(self, schemas: list[str]) -> None:
        """Bring schemas that have recorded exactly the same migrations up to date."""
        connection = self.connection
        connection.set_schema(schemas[0], include_public=False)  # the loader reads this state
        executor = MigrationExecutor(connection)
        executor.loader.check_consistent_history(connection)
        conflicts = executor.loader.detect_conflicts()
        if conflicts:
            raise CommandError(f"Conflicting migrations detected; multiple leaf nodes in the graph: {conflicts}")
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if not plan:
            for schema in schemas:
                schema_migrated.send(run_migrations, schema_name=schema)
            return
        if any(backwards for _migration, backwards in plan):
            for schema in schemas:  # cannot happen migrating to the leaves; Django's command if it does
                run_migrations(self.args, self.options, self.codename, schema)
            return
        self._say(f"{len(schemas)} schema(s) to bring forward by {', '.join(str(m) for m, _b in plan)}")
        verbosity, interactive = int(self.options.get("verbosity", 1)), False
        state = executor._create_project_state(with_applied_migrations=True)  # type: ignore[attr-defined]
        emit_pre_migrate_signal(verbosity, interactive, connection.alias, apps=state.apps, plan=plan)
        replays = self._replays([migration for migration, _b in plan], state)
        post_apps = _post_migrate_apps(state)
        labels = {migration.app_label for migration, _b in plan}
        for index, schema in enumerate(schemas, 1):
            connection.set_schema(schema)
            for replay in replays:
                executor.apply_migration(state, replay)  # type: ignore[arg-type]  # a Migration's stand-in
            if executor.loader.replacements:
                executor.check_replacements()
            for app_config in global_apps.get_app_configs():
                if app_config.models_module is not None and app_config.label in labels:
                    post_migrate.send(
                        sender=app_config,
                        app_config=app_config,
                        verbosity=verbosity,
                        interactive=interactive,
                        using=connection.alias,
                        apps=post_apps,
                        plan=plan,
                    )
            connection.set_schema_to_public()
            schema_migrated.send(run_migrations, schema_name=schema)
            if index % 100 == 0 or index == len(schemas):
                self._say(f"{index}/{len(schemas)} schemas migrated")

    @staticmethod
    def _replays(migrations: list[Migration], state: ProjectState) -> list[_Replay]:
        """Each migration's operations with the states around them; `state` ends as the final state."""
        state.apps  # noqa: B018  (render the models once, as Django's executor does before applying)
        before = state.clone()
        replays = []
        for migration in migrations:
            steps = []
            for operation in migration.operations:
                operation.state_forwards(migration.app_label, state)
                after = state.clone()
                steps.append((operation, before, after))
                before = after
            replays.append(_Replay(migration, steps))
        return replays


def _post_migrate_apps(state: ProjectState) -> Any:
    """The model registry Django's `migrate` hands to post_migrate receivers (see its handle())."""
    state.clear_delayed_apps_cache()
    post_apps = state.apps
    with post_apps.bulk_update():
        model_keys = []
        for model_state in post_apps.real_models:
            model_key = model_state.app_label, model_state.name_lower
            model_keys.append(model_key)
            post_apps.unregister_model(*model_key)
    post_apps.render_multiple([ModelState.from_model(global_apps.get_model(*model)) for model in model_keys])
    return post_apps
