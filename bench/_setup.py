"""Benchmarks run against their own database (fitwell_bench), found the way `make run` finds one."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def django_for_bench(
    db_name: str = "fitwell_bench", *, fresh: bool = True, settings_hook: Callable[[], None] | None = None
) -> None:
    """Django on the bench database `db_name`: made anew (or kept, `fresh=False`) and migrated.

    `settings_hook` runs once the environment is set, before Django reads it (another settings module).
    """
    from deploy import local

    url = local.find_postgres(db_name)
    admin = url.rsplit("/", 1)[0] + "/postgres"
    import psycopg

    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db_name]).fetchone()
        if fresh or not exists:
            conn.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{db_name}"')
    os.environ.update(local.base_env(url, local.find_redis(), "config.settings.local"))
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"
    os.environ["STUDIO_SCHEMA_POOL_SIZE"] = "0"  # the benchmark fills the pool itself, outside the timings
    os.environ["LOG_LEVEL"] = "WARNING"
    if settings_hook is not None:
        settings_hook()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate_schemas", verbosity=0)


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]
