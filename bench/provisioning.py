"""Seconds to provision one studio with 0/50/100/200 studios present: pool claim vs clone vs migrate.

    .venv/bin/python bench/provisioning.py [--levels 0,50,100,200] [--samples 10]

- pool:    a schema cloned ahead of time (in the background in production) is claimed by
           ALTER SCHEMA ... RENAME — the path a sign-up takes when the pool is not empty.
- clone:   the template's DDL snapshot is replayed during the request (the path when the pool is empty,
           and the cost of each background refill).
- clonefn: django-tenants' clone function instead (our fallback when no pg_dump is installed).
- migrate: an empty schema is migrated from scratch (what django-tenants does without a template).
The refill cost of the pool is the clone figure, paid outside the sign-up request.
"""

from __future__ import annotations

import argparse
import time

from _setup import django_for_bench, percentile

if __name__ == "__main__":  # bench/fleet.py imports the helpers below with its own database set up
    django_for_bench()

from django.core.management import call_command
from django.db import connection

from tenants import schema_pool, services, snapshot
from tenants.models import Studio

counter = iter(range(1_000_000))


def provision(prefix: str) -> Studio:
    n = next(counter)
    return services.studio_provision(
        slug=f"{prefix}-{n}", name=f"Bench {n}", owner_email=f"owner{n}@bench.test", owner_password="Bench-pass-2026!"
    ).studio


def migrate_into(target: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE SCHEMA "{target}"')
    call_command("migrate_schemas", schema_name=target, tenant=True, verbosity=0, interactive=False)
    connection.set_schema_to_public()


def remove(studio: Studio) -> None:
    connection.set_schema_to_public()
    schema_pool.schema_drop(studio.schema_name)
    studio.delete()


def no_snapshot(template: str) -> None:
    raise snapshot.SnapshotUnavailable("benchmarking the clone function")


def timed(method: str, samples: int) -> list[float]:
    results = []
    original_clone, original_snapshot = schema_pool.schema_clone_from_template, snapshot.snapshot_current
    for _ in range(samples):
        if method == "pool":
            schema_pool.pool_refill(size=1)  # not timed: the background refill's job
        if method == "migrate":
            schema_pool.schema_clone_from_template = migrate_into
        if method == "clonefn":
            snapshot.snapshot_current = no_snapshot
        # A sign-up runs on a fresh connection (CONN_MAX_AGE=0); a backend that has run hundreds of
        # schema copies (the filler's) is measurably slower than any real request's would be.
        connection.close()
        connection.ensure_connection()
        started = time.perf_counter()
        try:
            studio = provision(f"b{method}")
        finally:
            schema_pool.schema_clone_from_template, snapshot.snapshot_current = original_clone, original_snapshot
        results.append(time.perf_counter() - started)
        remove(studio)
    return results


def fill_to(level: int) -> None:
    """Make `filler-<n>` studios until `level` exist (numbered on from those present, so a resumed run
    does not collide with the studios of an interrupted one)."""
    present = Studio.objects.filter(slug__startswith="filler-").count()
    for n in range(present, level):
        services.studio_provision(
            slug=f"filler-{n}", name=f"Filler {n}", owner_email=f"o{n}@bench.test", owner_password="Bench-pass-2026!"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--levels", default="0,50,100,200")
    parser.add_argument("--samples", type=int, default=10)
    parser.add_argument("--methods", default="pool,clone,clonefn,migrate")
    args = parser.parse_args()
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT count(*) FROM "{schema_pool.template_schema()}".django_migrations')
        print(f"migrations recorded in the studio template: {cursor.fetchone()[0]}")
    print(f"{'studios present':>15} {'method':>8} {'p50 s':>8} {'p95 s':>8} {'max s':>8}")
    methods: list[str] = args.methods.split(",")
    for level in (int(x) for x in args.levels.split(",")):
        fill_to(level)
        for method in methods:
            values = timed(method, args.samples)
            print(
                f"{level:>15} {method:>8} {percentile(values, 50):>8.3f} "
                f"{percentile(values, 95):>8.3f} {max(values):>8.3f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
