"""The request path, measured from outside: plain Django and FitWell side by side, one load tool, one run.

    .venv/bin/python bench/web.py [--duration 10] [--connections 16] [--workers 2] [--threads 1]

Both apps run under gunicorn with the same production config (deploy/gunicorn.conf.py, the same workers
and threads); FitWell with `config.settings.production`, its own database (fitwell_bench_http) and a
studio in UTC with the starter library, 16 trainers (06:00-22:00 every day) and one client. wrk drives
every scenario with the same number of connections (bench/wrk.lua) after a short warm-up, and prints
requests/s and p50/p95/p99 next to plain Django's "hello". Targets (issue 11), as ratios in one run:
tenant-routed trivial >= 0.7x plain; the 50-row list >= 0.5x the trivial one and p95 < 50 ms; bookings
>= 150/s across 16 trainers with 0 double bookings. Requires Debian's `wrk`.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path

os.environ.setdefault("JWT_ACCESS_TTL_SECONDS", "7200")  # the run's token outlives the run
os.environ["SECRET_KEY"] = "bench-http-secret-key-not-for-production"  # tokens minted here verify there

from _setup import ROOT, django_for_bench

DB_NAME = "fitwell_bench_http"
HOST = "bench-http.localhost"
QUEUE = "bench-http"  # tasks the writes enqueue go to a queue of their own, emptied afterwards
LUA = Path(__file__).with_name("wrk.lua")
GUNICORN = str(Path(ROOT, ".venv", "bin", "gunicorn"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def gunicorn(app: str, env: dict[str, str], *, workers: int, threads: int, asgi: bool = False) -> Iterator[int]:
    """A gunicorn on a free port with deploy/gunicorn.conf.py (or, `asgi`, the image's uvicorn command for
    `config.asgi`, as deploy/entrypoint.sh runs it); yields the port once it answers."""
    port = free_port()
    env = {**env, "PORT": str(port), "GUNICORN_WORKERS": str(workers), "GUNICORN_THREADS": str(threads)}
    command = [GUNICORN, "-c", str(ROOT / "deploy" / "gunicorn.conf.py"), "--bind", f"127.0.0.1:{port}", app]
    if asgi:  # as deploy/entrypoint.sh's `ws` (and WEB_SERVER=asgi) run it: no persistent connections under ASGI
        env["DB_CONN_MAX_AGE"] = "0"
        uvicorn = str(Path(ROOT, ".venv", "bin", "uvicorn"))
        command = [uvicorn, "config.asgi:application", "--port", str(port), "--workers", str(workers)]
        command += ["--no-server-header", "--no-access-log", "--log-level", "warning"]
    server = subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                probe = urllib.request.Request(f"http://127.0.0.1:{port}/healthz", headers={"Host": "localhost"})
                urllib.request.urlopen(probe, timeout=2)  # noqa: S310 - loopback
                break
            except urllib.error.HTTPError:
                break  # it answers
            except OSError as exc:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{app} did not start") from exc
                time.sleep(0.3)
        yield port
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def wrk(port: int, *, seconds: float, connections: int, **scenario: str) -> dict[str, float]:
    env = {**os.environ, **{f"BENCH_{key.upper()}": str(value) for key, value in scenario.items()}}
    command = ["wrk", "-t", str(connections), "-c", str(connections), "-d", f"{round(seconds)}s", "--timeout", "10s"]
    done = subprocess.run(
        [*command, "-s", str(LUA), f"http://127.0.0.1:{port}"], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed: {done.stdout}{done.stderr}")
    output = done.stdout
    line = next(line for line in output.splitlines() if line.startswith("BENCH "))
    result = json.loads(line.removeprefix("BENCH "))
    result["rps"] = result["ok"] / result["seconds"]
    return result


class Fixture:
    """The studio, people and ids the scenarios use (made once, in this process)."""

    def __init__(self) -> None:
        from django.db import connection

        from core.models import Role, User
        from core.tokens import access_token_issue
        from domain.library.models import Exercise
        from domain.scheduling.models import Appointment, AppointmentType, TrainerAvailability
        from tenants.models import Studio
        from tenants.services import studio_provision

        kept = Studio.objects.filter(slug=HOST.split(".")[0]).first()  # --keep: the studio of an earlier run
        self.studio = (
            kept
            or studio_provision(
                slug=HOST.split(".")[0], name="Bench", owner_email="owner@bench.test", owner_password="Bench-pass-2026!"
            ).studio
        )
        connection.set_tenant(self.studio)
        owner = User.objects.get(email="owner@bench.test")
        self.token = access_token_issue(owner)
        if kept:
            Appointment.objects.all().delete()  # the earlier run's bookings would take this run's slots
            self.client = User.objects.get(email="client@bench.test")
            self.trainers = list(User.objects.filter(role=Role.TRAINER, email__endswith="@bench.test").order_by("id"))
            self.kind = AppointmentType.objects.get(name="PT 30")
        else:
            self.client = User.objects.create_user(email="client@bench.test", password=None, role=Role.CLIENT)
            self.trainers = [
                User.objects.create_user(email=f"t{n}@bench.test", password=None, role=Role.TRAINER, first_name=f"T{n}")
                for n in range(16)
            ]
            TrainerAvailability.objects.bulk_create(
                TrainerAvailability(trainer=t, weekday=day, start_time=clock(6), end_time=clock(22))
                for t in self.trainers
                for day in range(7)
            )
            self.kind = AppointmentType.objects.create(
                name="PT 30", duration_minutes=30, slot_step_minutes=30, min_notice_minutes=0, max_advance_days=365
            )
        self.exercise = Exercise.objects.order_by("id").first()
        self.exercise_count = Exercise.objects.count()
        connection.set_schema_to_public()

    def double_bookings(self) -> int:
        """Pairs of live appointments of one trainer that overlap (the exclusion constraint says 0)."""
        from django.db import connection

        from domain.scheduling.models import Appointment

        connection.set_tenant(self.studio)
        table = Appointment._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT count(*) FROM {table} a JOIN {table} b ON a.trainer_id = b.trainer_id AND a.id < b.id "
                "AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at "
                "AND a.status NOT LIKE 'cancel%%' AND b.status NOT LIKE 'cancel%%'"
            )
            overlaps = cursor.fetchone()[0]
            cursor.execute(f"SELECT count(*) FROM {table}")
            self.appointments = cursor.fetchone()[0]
        connection.set_schema_to_public()
        return overlaps


def midnight_epoch(day: date) -> int:
    return int(datetime.combine(day, clock(0), tzinfo=UTC).timestamp())


def row(name: str, result: dict[str, float], reference: float | None, note: str = "") -> None:
    ratio = f"{result['rps'] / reference:>6.2f}x" if reference else f"{'':>7}"  # None: the reference itself
    print(
        f"{name:<44} {result['rps']:>8.0f} {ratio} {result['p50']:>8.1f} {result['p95']:>8.1f} "
        f"{result['p99']:>8.1f}  {note}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--warmup", type=float, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument(
        "--only", default="list,slots,workout,booking", help="scenarios after the trivial one (comma-separated)"
    )
    parser.add_argument(
        "--app-env", action="append", default=[], help="KEY=VALUE for FitWell's server (e.g. DB_CONN_MAX_AGE=0)"
    )
    parser.add_argument("--keep", action="store_true", help="reuse the database (and studio) of an earlier run")
    parser.add_argument("--asgi", action="store_true", help="FitWell under uvicorn as `entrypoint.sh ws` runs it")
    args = parser.parse_args()
    only = set(args.only.split(","))
    if not shutil.which("wrk"):
        raise SystemExit("bench/web.py needs wrk (apt-get install wrk)")
    django_for_bench(DB_NAME, fresh=not args.keep)
    fixture = Fixture()
    app_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "FIELD_ENCRYPTION_KEY": os.environ.get("FIELD_ENCRYPTION_KEY", "") or _dev_key(),
        "SECURE_SSL_REDIRECT": "false",
        # Production refuses to start without Stripe keys; no scenario reaches Stripe.
        "STRIPE_SECRET_KEY": os.environ.get("STRIPE_SECRET_KEY") or "sk_test_bench",
        "STRIPE_WEBHOOK_SECRET": os.environ.get("STRIPE_WEBHOOK_SECRET") or "whsec_bench",
        "STRIPE_CONNECT_WEBHOOK_SECRET": os.environ.get("STRIPE_CONNECT_WEBHOOK_SECRET") or "whsec_bench_connect",
        "API_RATE_LIMIT_PER_MINUTE": str(10**9),  # the throttle still counts every request, it never bites
        "CELERY_TASK_DEFAULT_QUEUE": QUEUE,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "LOG_LEVEL": "WARNING",
    }
    fitwell_env = {**app_env, **dict(item.split("=", 1) for item in args.app_env)}
    servers = {"workers": args.workers, "threads": args.threads}
    load = {"seconds": args.duration, "connections": args.connections}
    warm = {"seconds": args.warmup, "connections": args.connections}
    today = datetime.now(UTC).date()
    with (
        gunicorn("bench.plain.wsgi:application", app_env, **servers) as plain,
        gunicorn("config.wsgi:application", fitwell_env, **servers, asgi=args.asgi) as fitwell,
    ):
        print(
            f"{'FitWell on uvicorn (ASGI), plain Django on gunicorn' if args.asgi else 'gunicorn'} "
            f"{args.workers} workers x {args.threads} threads per app, wrk {args.connections} connections, "
            f"{args.duration:.0f} s per scenario; load average before: {os.getloadavg()[0]:.2f}"
            + (f"; FitWell with {' '.join(args.app_env)}" if args.app_env else "")
        )
        print(f"{'scenario':<44} {'req/s':>8} {'ratio':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
        hello = {"host": "localhost", "path": "/hello"}
        wrk(plain, **warm, **hello)
        before = wrk(plain, **load, **hello)
        healthz = {"host": HOST, "path": "/healthz"}
        wrk(fitwell, **warm, **healthz)
        trivial = wrk(fitwell, **load, **healthz)
        after = wrk(plain, **load, **hello)
        reference = (before["rps"] + after["rps"]) / 2
        row("plain Django hello (before)", before, None)
        row("plain Django hello (after)", after, None, f"reference {reference:.0f}/s = mean of both")
        row("FitWell GET /healthz on a studio host", trivial, reference, "target >= 0.70x plain")
        if "list" in only:
            scenario_list(fitwell, fixture, warm, load, reference, trivial)
        if "slots" in only:
            scenario_slots(fitwell, fixture, warm, load, reference, today)
        if "workout" in only:
            scenario_workout(fitwell, fixture, warm, load, reference)
        if "booking" in only:
            scenario_booking(fitwell, fixture, warm, load, reference, today)
        print(f"load average after: {os.getloadavg()[0]:.2f}")
    _empty_queue()


Load = dict[str, float]


def scenario_list(fitwell: int, fixture: Fixture, warm: Load, load: Load, reference: float, trivial: Load) -> None:
    listing = {"host": HOST, "path": "/api/v1/exercises?limit=50", "token": fixture.token}
    wrk(fitwell, **warm, **listing)
    page = wrk(fitwell, **load, **listing)
    row(
        "GET /api/v1/exercises?limit=50 (JWT)",
        page,
        reference,
        f"{page['rps'] / max(trivial['rps'], 1e-9):.2f}x trivial, target >= 0.50x and p95 < 50 ms",
    )


def scenario_slots(fitwell: int, fixture: Fixture, warm: Load, load: Load, reference: float, today: date) -> None:
    start = today + timedelta(days=7)
    slots_path = (
        f"/api/v1/trainers/{fixture.trainers[0].pk}/slots?appointment_type_id={fixture.kind.pk}"
        f"&start={start}&end={start + timedelta(days=30)}"
    )
    slots = {"host": HOST, "path": slots_path, "token": fixture.token}
    wrk(fitwell, **warm, **slots)
    row("GET slots, one trainer, a month", wrk(fitwell, **load, **slots), reference)


def scenario_workout(fitwell: int, fixture: Fixture, warm: Load, load: Load, reference: float) -> None:
    workout = {
        "host": HOST,
        "path": f"/api/v1/clients/{fixture.client.pk}/workouts",
        "token": fixture.token,
        "kind": "workout",
        "exercise": str(fixture.exercise.pk),
    }
    wrk(fitwell, **warm, **workout)
    row("POST a workout log (3 sets)", wrk(fitwell, **load, **workout), reference)


def scenario_booking(fitwell: int, fixture: Fixture, warm: Load, load: Load, reference: float, today: date) -> None:
    booking = {
        "host": HOST,
        "path": "/api/v1/appointments",
        "token": fixture.token,
        "kind": "booking",
        "trainers": ",".join(str(t.pk) for t in fixture.trainers),
        "client": str(fixture.client.pk),
        "type": str(fixture.kind.pk),
    }
    wrk(fitwell, **warm, **booking, first=str(midnight_epoch(today + timedelta(days=40))))
    booked = wrk(fitwell, **load, **booking, first=str(midnight_epoch(today + timedelta(days=60))))
    row(
        "POST a booking, 16 trainers, distinct slots",
        booked,
        reference,
        f"{booked['conflict']} x 409, {booked['other']} other; target >= 150/s",
    )
    contested = {**booking, "trainers": str(fixture.trainers[1].pk)}
    fight = wrk(fitwell, **warm, **contested, first=str(midnight_epoch(today + timedelta(days=200))))
    overlaps = fixture.double_bookings()
    row(
        "POST a booking, all on one trainer's slots",
        fight,
        reference,
        f"{fight['ok']} booked, {fight['conflict']} x 409",
    )
    print(f"double bookings after {fixture.appointments} appointments: {overlaps}  [target 0]")


def _dev_key() -> str:
    from config.env import DEV_FIELD_ENCRYPTION_KEY

    return DEV_FIELD_ENCRYPTION_KEY


def _empty_queue() -> None:
    import redis
    from django.conf import settings

    redis.Redis.from_url(settings.CELERY_BROKER_URL).delete(QUEUE)


if __name__ == "__main__":
    main()
