"""Analytics speed: one day of a studio with 2,000 clients, computed and stored; then a dashboard read.

    .venv/bin/python bench/analytics.py [--clients 2000] [--samples 3]

Uses its own database (fitwell_bench_analytics). Each client has a program with three sessions a week
over the last 13 weeks (about two thirds completed), workouts logged, 1,500 of them a monthly membership
(with its paid invoice; some paused, some past due), a 1:1 session or a class seat on the day for a
quarter of them, food logged by half; 20 trainers with weekday hours and 10 classes that day.
Target: the day computes in under 5 s; the studio dashboard's figures read in well under 300 ms.
"""

from __future__ import annotations

import argparse
import statistics
import time
import uuid
from datetime import date, datetime, timedelta
from datetime import time as clock

from _setup import django_for_bench

django_for_bench("fitwell_bench_analytics")

from django.db import connection
from django.test import Client

from billing.payments.models import ClientSubscription, Invoice, Package, SubscriptionPause
from core.models import Role, User
from core.studio_time import studio_zone
from domain.analytics import selectors, services
from domain.clients.models import ClientTrainer
from domain.nutrition.models import FoodLogEntry
from domain.programs.models import ClientProgram, WorkoutSession
from domain.scheduling.models import (
    Appointment,
    AppointmentType,
    ClassType,
    GroupSession,
    SessionParticipant,
    TrainerAvailability,
)
from domain.workouts.models import WorkoutCompletion
from tenants.services import studio_provision


def at(day: date, hour: int) -> datetime:
    return datetime.combine(day, clock(hour), studio_zone())


def studio_fixture(clients_wanted: int, day: date) -> User:
    trainers = User.objects.bulk_create(
        User(email=f"trainer{n}@bench.test", role=Role.TRAINER, first_name=f"T{n}") for n in range(20)
    )
    TrainerAvailability.objects.bulk_create(
        TrainerAvailability(trainer=t, weekday=d, start_time=clock(7), end_time=clock(19))
        for t in trainers
        for d in range(5)
    )
    clients = User.objects.bulk_create(
        User(email=f"client{n}@bench.test", role=Role.CLIENT, date_joined=at(day - timedelta(days=200), 9))
        for n in range(clients_wanted)
    )
    ClientTrainer.objects.bulk_create(
        ClientTrainer(client=c, trainer=trainers[n % 20], is_primary=True) for n, c in enumerate(clients)
    )
    programs = ClientProgram.objects.bulk_create(
        ClientProgram(
            client=c,
            name="Plan",
            goal="strength",
            level="beginner",
            assignment_type="STATIC",
            start_date=day - timedelta(days=91),
            total_weeks=26,
        )
        for c in clients
    )
    sessions = []
    completions = []
    for n, program in enumerate(programs):
        for week in range(13):
            for slot, offset in enumerate((0, 2, 4)):
                when = day - timedelta(days=91 - week * 7 - offset)
                done = (n + week + slot) % 3 != 0
                sessions.append(
                    WorkoutSession(
                        client_program=program,
                        phase_position=1,
                        week=week + 1,
                        program_week=week + 1,
                        workout_position=slot + 1,
                        day=offset + 1,
                        name="W",
                        scheduled_on=when,
                        status="completed" if done else "scheduled",
                        completed_at=at(when, 18) if done else None,
                    )
                )
                if done:
                    completions.append(
                        WorkoutCompletion(
                            client_id=program.client_id,
                            idempotency_key=uuid.uuid4(),
                            name="W",
                            performed_on=when,
                            completed_at=at(when, 18),
                        )
                    )
    WorkoutSession.objects.bulk_create(sessions, batch_size=5000)
    WorkoutCompletion.objects.bulk_create(completions, batch_size=5000)
    package = Package.objects.create(
        kind="membership", name="Monthly", price_amount=6000, currency="GBP", billing_period="month"
    )
    subs = ClientSubscription.objects.bulk_create(
        ClientSubscription(
            client=c,
            package=package,
            status="past_due" if n % 50 == 0 else "active",
            price_amount=6000,
            currency="GBP",
            current_period_start=at(day - timedelta(days=n % 28), 9),
        )
        for n, c in enumerate(clients[:1500])
    )
    Invoice.objects.bulk_create(
        Invoice(
            client_id=s.client_id,
            status="paid",
            number=f"B-{n}",
            sequence=n + 1,
            currency="GBP",
            total_amount=6000,
            amount_paid=6000,
            issued_at=at(day - timedelta(days=60 + n % 90), 8),
            paid_at=at(day - timedelta(days=60 + n % 90), 9),
            subscription=s,
            period_start=at(day - timedelta(days=60 + n % 90), 9),
        )
        for n, s in enumerate(subs)
    )
    SubscriptionPause.objects.bulk_create(
        SubscriptionPause(subscription=s, starts_at=at(day - timedelta(days=3), 0), ends_at=at(day + timedelta(3), 0))
        for s in subs[::40]
    )
    kind = AppointmentType.objects.create(name="PT", duration_minutes=60, price_currency="GBP")
    Appointment.objects.bulk_create(
        Appointment(
            trainer=trainers[n % 20],
            client=c,
            appointment_type=kind,
            starts_at=at(day, 7 + (n // 20) % 12),
            ends_at=at(day, 8 + (n // 20) % 12),
            status="completed",
        )
        for n, c in enumerate(clients[:240])
    )
    yoga = ClassType.objects.create(name="Yoga")
    classes = GroupSession.objects.bulk_create(
        GroupSession(class_type=yoga, instructor=trainers[n], capacity=30, starts_at=at(day, 19), ends_at=at(day, 20))
        for n in range(10)
    )
    SessionParticipant.objects.bulk_create(
        SessionParticipant(
            session=classes[n % 10], client=c, status="attended" if n % 5 else "no_show", registered_at=at(day, 6)
        )
        for n, c in enumerate(clients[240:500])
    )
    FoodLogEntry.objects.bulk_create(
        FoodLogEntry(client=c, logged_on=day, meal="lunch", name="Soup", idempotency_key=uuid.uuid4())
        for c in clients[::2]
    )
    return User.objects.filter(role=Role.OWNER).get()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=2000)
    parser.add_argument("--samples", type=int, default=3)
    args = parser.parse_args()
    studio = studio_provision(
        slug="bench-analytics",
        name="Bench",
        owner_email="owner@bench.test",
        owner_password="Bench-pass-2026!",
        timezone="Europe/London",
    ).studio
    connection.set_tenant(studio)
    day = date.today() - timedelta(days=1)
    started = time.perf_counter()
    owner = studio_fixture(args.clients, day)
    print(f"fixture: {args.clients} clients in {time.perf_counter() - started:.1f} s")
    timings = []
    for _sample in range(args.samples):
        started = time.perf_counter()
        result = services.day_compute(day=day, flags=True)
        timings.append(time.perf_counter() - started)
    print(
        f"analytics day ({result.clients} clients, at-risk flags included): "
        f"median {statistics.median(timings):.2f} s, max {max(timings):.2f} s (target < 5 s)"
    )
    services.days_backfill(start=day - timedelta(days=29), end=day - timedelta(days=1))
    reads = []
    for _sample in range(20):
        started = time.perf_counter()
        selectors.studio_summary(actor=owner, start=day - timedelta(days=29), end=day)
        list(selectors.business_days(actor=owner, start=day - timedelta(days=29), end=day))
        selectors.trainers_overview(actor=owner, start=day - timedelta(days=29), end=day)
        reads.append(time.perf_counter() - started)
    print(f"dashboard figures, 30 days, 20 trainers: median {statistics.median(reads) * 1000:.0f} ms (target < 300 ms)")
    browser = Client(HTTP_HOST=f"{studio.domains.first().domain}")
    browser.force_login(owner)
    query = f"/analytics/?start={day - timedelta(days=29)}&end={day}"
    pages = []
    for _sample in range(10):
        started = time.perf_counter()
        response = browser.get(query)
        pages.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
    print(f"studio dashboard page, rendered: median {statistics.median(pages) * 1000:.0f} ms (target < 300 ms)")


if __name__ == "__main__":
    main()
