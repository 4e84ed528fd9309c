"""The request path in process: CPU time and queries per request, beside plain Django's "hello".

    .venv/bin/python bench/hotpaths.py [--requests 200] [--rounds 5] [--keep] [--profile booking]
                                       [--only healthz,list,me,booking,workout,slots]

A machine shared with other jobs makes wall-clock figures under load meaningless; the CPU time this
process spends per request (`time.process_time`, the server's side only: Django's test `Client` calls
the WSGI handler in process) and the exact queries per request do not depend on the neighbours.
Production settings (`config.settings.production`, DEBUG off), the studio and people of bench/web.py
(16 trainers working 06:00-22:00, one client, the owner's JWT), Celery tasks sent to a queue of their
own on the real broker (emptied afterwards). Prints, per scenario, the best of `--rounds` rounds of
`--requests` requests (ms of CPU per request) and the queries of one request (`SET search_path` left
out, like tests/querycount.py), and plain Django's "hello" (bench/plain) measured the same way in a child
process, for the ratio. `--profile NAME` prints a cProfile of one round of that scenario. Scenarios: the
routing-only `/healthz`, the owner's 50-row exercise list, `/api/v1/auth/me`, a booking, a workout log,
a month of slots.
"""

from __future__ import annotations

import argparse
import cProfile
import itertools
import os
import pstats
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from datetime import time as clock

os.environ.setdefault("JWT_ACCESS_TTL_SECONDS", "7200")
os.environ["SECRET_KEY"] = "bench-hotpaths-secret-key-not-for-production"

from _setup import ROOT, django_for_bench

DB_NAME = "fitwell_bench_hotpaths"
QUEUE = "bench-hotpaths"
PRODUCTION = {
    "SECURE_SSL_REDIRECT": "false",
    "STRIPE_SECRET_KEY": "sk_test_bench",
    "STRIPE_WEBHOOK_SECRET": "whsec_bench",
    "STRIPE_CONNECT_WEBHOOK_SECRET": "whsec_bench_connect",
    "API_RATE_LIMIT_PER_MINUTE": str(10**9),
    "CELERY_TASK_DEFAULT_QUEUE": QUEUE,
    "CELERY_TASK_ALWAYS_EAGER": "false",
    "LOG_LEVEL": "WARNING",
}


def _production_settings() -> None:
    """Swap the bench's local settings for production ones before Django is configured for good."""
    from config.env import DEV_FIELD_ENCRYPTION_KEY

    os.environ.update(PRODUCTION)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.production"
    os.environ.setdefault("FIELD_ENCRYPTION_KEY", DEV_FIELD_ENCRYPTION_KEY)


class Scenarios:
    """One request of each scenario per call; bookings walk through distinct half hours of 16 trainers."""

    def __init__(self, fixture: object, host: str) -> None:
        from django.test import Client

        self.fixture = fixture
        self.http = Client(HTTP_HOST=host, HTTP_AUTHORIZATION=f"Bearer {fixture.token}")
        self.slot = itertools.count()
        self.first = datetime.combine(datetime.now(UTC).date() + timedelta(days=60), clock(6), tzinfo=UTC)
        start = datetime.now(UTC).date() + timedelta(days=7)
        self.slots_url = (
            f"/api/v1/trainers/{fixture.trainers[0].pk}/slots?appointment_type_id={fixture.kind.pk}"
            f"&start={start}&end={start + timedelta(days=30)}"
        )

    def booking(self) -> int:
        n = next(self.slot)
        trainer = self.fixture.trainers[n % 16]
        day, half_hour = divmod(n // 16, 32)
        starts_at = self.first + timedelta(days=day, minutes=30 * half_hour)
        body = {
            "trainer_id": trainer.pk,
            "client_id": self.fixture.client.pk,
            "appointment_type_id": self.fixture.kind.pk,
            "starts_at": starts_at.isoformat().replace("+00:00", "Z"),
        }
        return self.http.post("/api/v1/appointments", body, content_type="application/json").status_code

    def workout(self) -> int:
        sets = [{"reps": 5, "load": 100, "rpe": rpe} for rpe in (8, 8.5, 9)]
        body = {
            "idempotency_key": str(uuid.uuid4()),
            "name": "Bench session",
            "exercises": [{"exercise_id": self.fixture.exercise.pk, "sets": sets}],
        }
        url = f"/api/v1/clients/{self.fixture.client.pk}/workouts"
        return self.http.post(url, body, content_type="application/json").status_code

    def slots(self) -> int:
        return self.http.get(self.slots_url).status_code

    def healthz(self) -> int:
        return self.http.get("/healthz").status_code

    def list(self) -> int:
        return self.http.get("/api/v1/exercises?limit=50").status_code

    def me(self) -> int:
        return self.http.get("/api/v1/auth/me").status_code


def plain_reference(requests: int, rounds: int) -> float:
    """plain Django's "hello" (bench/plain) through the same test client in a child process: best CPU ms."""
    code = (
        "import os, sys, time; sys.path[:0] = ['.', 'bench'];"
        "os.environ['DJANGO_SETTINGS_MODULE'] = 'bench.plain.settings'; import django; django.setup();"
        "from django.test import Client; c = Client(HTTP_HOST='localhost'); c.get('/hello');"
        "from hotpaths import cpu_ms;"
        f"print(min(cpu_ms(lambda: c.get('/hello').status_code, {requests}, 200) for _ in range({rounds})))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return float(done.stdout.strip().splitlines()[-1])


def cpu_ms(call: Callable[[], int], requests: int, expected: int) -> float:
    started = time.process_time()
    for _ in range(requests):
        status = call()
        assert status == expected, status
    return (time.process_time() - started) * 1000 / requests


def queries_of(call: Callable[[], int]) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        call()
    return [q["sql"] for q in context.captured_queries if not q["sql"].startswith("SET search_path")]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--only", default="healthz,list,me,booking,workout,slots")
    parser.add_argument("--keep", action="store_true", help="reuse the database of an earlier run")
    parser.add_argument("--profile", default="", help="a scenario to profile (cProfile, one round)")
    parser.add_argument("--callees", default="", help="with --profile: what functions matching this call")
    parser.add_argument("--sql", action="store_true", help="print the queries of one request of each scenario")
    args = parser.parse_args()
    django_for_bench(DB_NAME, fresh=not args.keep, settings_hook=_production_settings)
    from web import HOST, Fixture

    fixture = Fixture()
    scenarios = Scenarios(fixture, HOST)
    expected = {"booking": 201, "workout": 201, "slots": 200, "healthz": 200, "list": 200, "me": 200}
    print(f"load average {os.getloadavg()[0]:.2f}; {args.requests} requests x {args.rounds} rounds, best round")
    reference = plain_reference(args.requests, args.rounds)
    print(f"{'plain':<8} {reference:7.2f} ms CPU/request (plain Django's hello, the reference)")
    for name in args.only.split(","):
        call = getattr(scenarios, name)
        for _ in range(20):  # warm: imports, caches, the connection
            call()
        sql = queries_of(call)
        rounds = [cpu_ms(call, args.requests, expected[name]) for _ in range(args.rounds)]
        print(
            f"{name:<8} {min(rounds):7.2f} ms CPU/request, {reference / min(rounds):.2f}x plain "
            f"(rounds {', '.join(f'{r:.2f}' for r in rounds)}); {len(sql)} queries/request"
        )
        if args.sql:
            for statement in sql:
                print(f"    {statement[:1500]}")
        if name == args.profile:
            profiler = cProfile.Profile(time.process_time)
            profiler.enable()
            cpu_ms(call, args.requests, expected[name])
            profiler.disable()
            stats = pstats.Stats(profiler).sort_stats("cumulative")
            stats.print_stats(45)
            if args.callees:
                stats.print_callees(args.callees)
    _empty_queue()


def _empty_queue() -> None:
    import redis
    from django.conf import settings

    redis.Redis.from_url(settings.CELERY_BROKER_URL).delete(QUEUE)


if __name__ == "__main__":
    main()
