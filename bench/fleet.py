"""A platform of 1,000 studios: deploys (migrate_schemas), sign-up, the console and the sign-up page.

    .venv/bin/python bench/fleet.py [--studios 1000] [--sample 10] [--samples 10] [--keep]

Creates the studios in its own database (fitwell_bench_fleet) the way sign-ups do (the template's
snapshot; `--keep` reuses the studios of an earlier run), then measures from the outside, as a deploy
runs it, `manage.py migrate_schemas` with nothing to apply and with one new migration (a studio app
that only bench/fleet_settings.py installs). The reference is django-tenants' standard executor, which
runs `migrate` in every schema: timed on `--sample` schemas and scaled to the whole fleet. Then studio
sign-up with the fleet present (pool claim and snapshot copy), and the platform console's studio list and
the public sign-up page (queries, time). Targets (issue 11): no-op < 60 s; sign-up p50 <= 0.2 s; console
and sign-up page under 200 ms with a query count that does not grow with the fleet.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

from _setup import ROOT, django_for_bench, percentile

DB_NAME = "fitwell_bench_fleet"


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--studios", type=int, default=1000)
    parser.add_argument("--sample", type=int, default=10, help="schemas the reference executor migrates")
    parser.add_argument("--samples", type=int, default=10, help="sign-ups timed per method")
    parser.add_argument("--keep", action="store_true", help="reuse the database (and studios) of an earlier run")
    parser.add_argument(
        "--no-new-migration", action="store_true", help="skip the one-new-migration deploy (it migrates every schema)"
    )
    parser.add_argument("--database", default=DB_NAME, help="the bench database (made anew unless --keep)")
    parser.add_argument("--make-only", action="store_true", help="make the studios (and pool), measure nothing")
    return parser.parse_args()


ARGS = parse()
django_for_bench(ARGS.database, fresh=not ARGS.keep)

import django_tenants.management.commands.migrate_schemas as tenants_migrate
import provisioning
from django.conf import settings
from django.core.management import call_command
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_tenants.migration_executors import get_executor

from core.models import Role, User
from tenants import schema_pool, snapshot
from tenants.models import PooledSchema, Studio


def load() -> str:
    """The machine's 1-minute load average, printed with every figure (2 cores: above 2, the figures wait for CPU)."""
    return f"(load {os.getloadavg()[0]:.2f})"


def manage(*args: str, settings_module: str = "config.settings.local") -> float:
    """Seconds a `manage.py` command takes from the outside (a new process, as a deploy runs it)."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": settings_module},
        cwd=ROOT,
        check=True,
    )
    return time.perf_counter() - started


def schema_names() -> list[str]:
    return [*Studio.objects.values_list("schema_name", flat=True), *schema_pool.extra_schemas_to_migrate()]


def fill(count: int) -> None:
    present = Studio.objects.filter(slug__startswith="filler-").count()
    started = time.perf_counter()
    for done in range(present, count, 100):
        provisioning.fill_to(min(count, done + 100))
        # A backend that has created hundreds of schemas carries their catalog entries in its caches
        # and slows down: a new connection every 100 studios, as sign-ups would each have their own.
        connection.close()
        rate = (min(count, done + 100) - present) / (time.perf_counter() - started)
        print(f"  {min(count, done + 100)} studios ({rate:.1f}/s)", flush=True)


def reference_per_schema(sample: int) -> float:
    """django-tenants' standard executor (a full `migrate` in each schema), seconds per schema."""
    names = list(Studio.objects.values_list("schema_name", flat=True)[:sample])
    smart = tenants_migrate.GET_EXECUTOR_FUNCTION
    tenants_migrate.GET_EXECUTOR_FUNCTION = get_executor
    try:
        started = time.perf_counter()
        for name in names:
            call_command("migrate_schemas", schema_name=name, verbosity=0)
        return (time.perf_counter() - started) / len(names)
    finally:
        tenants_migrate.GET_EXECUTOR_FUNCTION = smart
        connection.set_schema_to_public()


def in_step(app: str) -> tuple[int, int]:
    """(schemas that have `app`'s migration recorded, schemas in all): studios, template and pool alike."""
    names = schema_names()
    parts = " UNION ALL ".join(
        f"SELECT count(*) FROM {connection.ops.quote_name(n)}.django_migrations WHERE app = %s" for n in names
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT sum(c) FROM ({parts}) AS counts(c)", [app] * len(names))
        return int(cursor.fetchone()[0]), len(names)


def undo_fleet_app() -> None:
    """Take the bench app's table, migration row, content type and permissions out of every schema again
    (so --keep reruns the same deploy)."""
    with connection.cursor() as cursor:
        for name in [*schema_names(), "public"]:
            quoted = connection.ops.quote_name(name)
            cursor.execute(
                f"DROP TABLE IF EXISTS {quoted}.fleet_app_fleetnote; "
                f"DELETE FROM {quoted}.django_migrations WHERE app = 'fleet_app'; "
                f"DELETE FROM {quoted}.auth_permission WHERE content_type_id IN "
                f"(SELECT id FROM {quoted}.django_content_type WHERE app_label = 'fleet_app'); "
                f"DELETE FROM {quoted}.django_content_type WHERE app_label = 'fleet_app'"
            )


def page(client: Client, path: str, repeat: int = 20) -> tuple[int, float]:
    """(queries, p50 ms) of a GET that must answer 200."""
    assert client.get(path).status_code == 200
    reset_queries()  # DEBUG's query log is capped (9,000): full after the fleet was made, it would count 0
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
    return len(queries), percentile(timings, 50)


def pages() -> None:
    connection.set_schema_to_public()
    staff = User.objects.filter(email="staff@bench.test").first() or User.objects.create_user(
        email="staff@bench.test", password=None, role=Role.PLATFORM_STAFF, is_staff=True
    )
    console = Client(HTTP_HOST=settings.PLATFORM_DOMAIN)
    console.force_login(staff)
    for label, client, path in (
        ("console studio list, page 1", console, "/console/"),
        ("console studio list, last page", console, f"/console/?page={Studio.objects.count() // 50 + 1}"),
        ("console search", console, "/console/?q=filler-9"),
        ("public sign-up page", Client(HTTP_HOST=settings.PLATFORM_DOMAIN), "/signup/"),
    ):
        queries, p50 = page(client, path)
        print(f"  {label:<32} {queries:>3} queries, p50 {p50:6.1f} ms  [target < 200 ms] {load()}")


def main() -> None:
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at start")
    print(f"making {ARGS.studios} studios from the template snapshot:")
    fill(ARGS.studios)
    schema_pool.pool_refill(size=3)
    total = len(schema_names())
    pooled = PooledSchema.objects.count()
    print(f"schemas to migrate: {total} ({Studio.objects.count()} studios, the template, {pooled} pooled)")
    if ARGS.make_only:
        return

    noop = manage("migrate_schemas", "--verbosity", "0")
    startup = manage("shell", "--verbosity", "0", "-c", "pass")
    per_schema = reference_per_schema(ARGS.sample)
    print(f"no-op migrate_schemas (from outside):   {noop:7.1f} s  [target < 60 s] {load()}")
    print(f"  of which starting Django (manage.py shell -c pass): {startup:.1f} s")
    print(
        f"  reference, django-tenants' standard executor: {per_schema:.2f} s per schema "
        f"(on {ARGS.sample}) = ~{per_schema * total:.0f} s for {total} schemas {load()}"
    )
    if not ARGS.no_new_migration:
        one = manage("migrate_schemas", "--verbosity", "0", settings_module="bench.fleet_settings")
        applied, schemas = in_step("fleet_app")
        print(
            f"one-new-migration migrate_schemas:      {one:7.1f} s  "
            f"({applied}/{schemas} schemas have it, template and pool included) {load()}"
        )
        undo_fleet_app()
        # The template is back where it was: rebuild its snapshot now, as the deploy that would have put it
        # there does (two pg_dump runs, ~8 s with 1,000 studios), not in the first timed sign-up.
        snapshot.snapshot_current(schema_pool.template_schema())

    for method in ("pool", "clone"):
        values = provisioning.timed(method, ARGS.samples)
        print(
            f"studio sign-up by {method:<5} with {ARGS.studios} studios: p50 {percentile(values, 50):.3f} s, "
            f"max {max(values):.3f} s  [target p50 <= 0.2 s] {load()}",
            flush=True,
        )
    pages()
    print(f"load average at the end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
