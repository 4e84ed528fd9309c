"""Scheduling speed: a month of open slots for one trainer, and concurrent booking throughput.

    .venv/bin/python bench/scheduling.py [--samples 50] [--threads 8] [--bookings 200]

Uses its own database (fitwell_bench_scheduling), a studio in Europe/London and a realistic trainer:
Monday-Friday 07:00-12:00 and 13:00-20:00, Saturday mornings, a day off and extra hours in the month,
~60 appointments and 8 classes already booked; a 60-minute type with 15-minute start times and a
10-minute buffer after. Target: a month of slots in under 20 ms.

Throughput is measured with real threads, each with its own connection, booking through the service
(trainer row lock + exclusion constraint): different trainers (no contention), one trainer (serialised
by its lock), and everyone on the same slot (one booking, the rest a clean 409).
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time
from datetime import date, datetime, timedelta
from datetime import time as clock

from _setup import django_for_bench, percentile

django_for_bench("fitwell_bench_scheduling")

from django.db import connection
from django.utils import timezone

from core.exceptions import ConflictError
from core.models import Role, User
from core.studio_time import studio_zone
from domain.scheduling import selectors, services, slots
from domain.scheduling.models import (
    Appointment,
    AppointmentType,
    AvailabilityException,
    ClassType,
    GroupSession,
    TrainerAvailability,
)
from tenants.services import studio_provision

ZONE_NAME = "Europe/London"


def person(role: str, n: int) -> User:
    return User.objects.create_user(email=f"{role}{n}@bench.test", password=None, role=role, first_name=f"{role}{n}")


def working_trainer(n: int) -> User:
    trainer = person(Role.TRAINER, n)
    hours = [(d, clock(7), clock(12)) for d in range(5)] + [(d, clock(13), clock(20)) for d in range(5)]
    hours.append((5, clock(8), clock(12)))
    TrainerAvailability.objects.bulk_create(
        TrainerAvailability(trainer=trainer, weekday=d, start_time=s, end_time=e) for d, s, e in hours
    )
    return trainer


def month_fixture(first: date) -> tuple[User, AppointmentType]:
    trainer = working_trainer(0)
    kind = AppointmentType.objects.create(
        name="PT 60",
        duration_minutes=60,
        slot_step_minutes=15,
        buffer_after_minutes=10,
        min_notice_minutes=0,
        max_advance_days=365,
        price_currency="GBP",
    )
    AvailabilityException.objects.create(trainer=trainer, date=first + timedelta(days=9), kind="off")
    AvailabilityException.objects.create(
        trainer=trainer, date=first + timedelta(days=13), kind="extra", start_time=clock(14), end_time=clock(17)
    )
    clients = [person(Role.CLIENT, n) for n in range(20)]
    zone = studio_zone()
    made = 0
    for offset in range(31):
        day = first + timedelta(days=offset)
        for hour in (8, 10, 15):
            if day.weekday() < 5 and made < 60:
                start = slots.local_to_utc(day, clock(hour), zone)
                Appointment.objects.create(
                    trainer=trainer,
                    client=clients[made % 20],
                    appointment_type=kind,
                    starts_at=start,
                    ends_at=start + timedelta(hours=1),
                    buffer_after_minutes=10,
                )
                made += 1
    yoga = ClassType.objects.create(name="Yoga")
    for week in range(4):
        for weekday in (1, 3):
            day = first + timedelta(days=7 * week + weekday)
            start = slots.local_to_utc(day, clock(18), zone)
            GroupSession.objects.create(
                class_type=yoga, instructor=trainer, capacity=12, starts_at=start, ends_at=start + timedelta(hours=1)
            )
    return trainer, kind


def bench_slots(trainer: User, kind: AppointmentType, first: date, samples: int) -> None:
    last = first + timedelta(days=30)
    now = slots.local_to_utc(first, clock(0), studio_zone()) - timedelta(days=1)
    found = selectors.trainer_slots(
        trainer_id=trainer.pk, appointment_type_id=kind.pk, start_date=first, end_date=last, now=now
    )
    timings = []
    for _ in range(samples):
        started = time.perf_counter()
        selectors.trainer_slots(
            trainer_id=trainer.pk, appointment_type_id=kind.pk, start_date=first, end_date=last, now=now
        )
        timings.append((time.perf_counter() - started) * 1000)
    # The pure engine alone (no database): where the time goes.
    weekly = selectors._weekly_ranges(trainer.pk)
    exceptions = selectors._day_exceptions(trainer.pk, first, last)
    busy = selectors.trainer_busy(trainer_id=trainer.pk, start=now, end=now + timedelta(days=33))
    rules = selectors.slot_rules(kind)
    engine = []
    for _ in range(samples):
        started = time.perf_counter()
        windows = slots.working_windows(
            tz=studio_zone(), start_date=first, end_date=last, weekly=weekly, exceptions=exceptions
        )
        list(slots.open_slots(windows=windows, busy=busy, rules=rules, earliest=now))
        engine.append((time.perf_counter() - started) * 1000)
    print(f"month of slots ({first:%Y-%m-%d} .. {last:%Y-%m-%d}, {len(found)} open slots, {len(busy)} busy blocks)")
    print(
        f"  trainer_slots (4 queries + engine): p50 {percentile(timings, 50):.2f} ms, "
        f"p95 {percentile(timings, 95):.2f} ms, mean {statistics.mean(timings):.2f} ms  [target < 20 ms]"
    )
    print(
        f"  engine only (no database):         p50 {percentile(engine, 50):.2f} ms, p95 {percentile(engine, 95):.2f} ms"
    )


def race(studio, calls) -> tuple[float, list[object]]:
    """Run the calls spread over worker threads (own connections); wall time and results."""
    results: list[object] = []
    lock = threading.Lock()
    queue = list(calls)

    def worker() -> None:
        connection.set_tenant(studio)
        try:
            while True:
                with lock:
                    if not queue:
                        return
                    call = queue.pop()
                try:
                    outcome: object = call()
                except ConflictError as exc:
                    outcome = exc
                with lock:
                    results.append(outcome)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, results


def rate(count: int, seconds: float) -> str:
    return f"{count / seconds:.0f} bookings/s"


def bench_bookings(studio, first: date, total: int) -> None:
    zone = studio_zone()
    trainers = [working_trainer(100 + n) for n in range(THREADS)]
    client = person(Role.CLIENT, 999)
    kind = AppointmentType.objects.create(
        name="PT 30",
        duration_minutes=30,
        slot_step_minutes=30,
        min_notice_minutes=0,
        max_advance_days=365,
        price_currency="GBP",
    )
    weekdays = [first + timedelta(days=d) for d in range(31) if (first + timedelta(days=d)).weekday() < 5]
    # Ten half-hour starts each weekday morning, 07:00 to 11:30.
    starts = [slots.local_to_utc(day, clock(7 + k // 2, 30 * (k % 2)), zone) for day in weekdays for k in range(10)]

    def book(trainer: User, at: datetime):
        return lambda: services.appointment_book(
            actor=client,
            trainer_id=trainer.pk,
            client_id=client.pk,
            appointment_type_id=kind.pk,
            starts_at=at,
            now=at - timedelta(days=40),
        )

    connection.close()
    per_trainer = total // THREADS
    spread = [book(trainer, starts[i]) for trainer in trainers for i in range(per_trainer)]
    seconds, results = race(studio, spread)
    ok = sum(isinstance(r, Appointment) for r in results)
    print(f"concurrent bookings, {THREADS} threads")
    print(f"  {THREADS} trainers, distinct slots: {ok}/{len(spread)} booked in {seconds:.2f} s = {rate(ok, seconds)}")
    one = trainers[0]
    same_trainer = [book(one, starts[per_trainer + i]) for i in range(total // 2)]
    seconds, results = race(studio, same_trainer)
    ok = sum(isinstance(r, Appointment) for r in results)
    print(f"  one trainer, distinct slots:  {ok}/{len(same_trainer)} booked in {seconds:.2f} s = {rate(ok, seconds)}")
    contested = [book(trainers[1], starts[-1]) for _ in range(THREADS * 5)]
    seconds, results = race(studio, contested)
    ok = sum(isinstance(r, Appointment) for r in results)
    refused = sum(isinstance(r, ConflictError) for r in results)
    print(f"  one slot, {len(contested)} attempts:       {ok} booked, {refused} refused with 409 in {seconds:.2f} s")


THREADS = 8


def main() -> None:
    global THREADS
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=50)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--bookings", type=int, default=200)
    args = parser.parse_args()
    THREADS = args.threads
    studio = studio_provision(
        slug="bench-sched",
        name="Bench",
        owner_email="owner@bench.test",
        owner_password="Bench-pass-2026!",
        timezone=ZONE_NAME,
    ).studio
    connection.set_tenant(studio)
    today = timezone.localdate()
    first = date(today.year + 1, 3, 1)  # a March: the month of the clock change
    trainer, kind = month_fixture(first)
    bench_slots(trainer, kind, first, args.samples)
    bench_bookings(studio, first, args.bookings)


if __name__ == "__main__":
    main()
