"""Rows the analytics tests build by hand (inside the `tenant` fixture): memberships with their invoices,
program sessions due, and instants in the studio's zone. Analytics itself only reads them."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from itertools import count
from zoneinfo import ZoneInfo

from billing.payments.models import ClientSubscription, Invoice, InvoiceLine, Package, SubscriptionPause
from core.models import User
from domain.programs.models import ClientProgram, SessionStatus, WorkoutSession
from domain.workouts.models import WorkoutCompletion
from tests.factories.payments import MembershipFactory

LONDON = ZoneInfo("Europe/London")
_numbers = count(1)


def at(day: date, hour: int = 12, minute: int = 0) -> datetime:
    """An instant on a studio date (the session studios are in Europe/London)."""
    return datetime.combine(day, time(hour, minute), LONDON)


def invoice(
    client: User,
    amount: int,
    *,
    issued: datetime,
    paid: datetime | None = None,
    voided: datetime | None = None,
    subscription: ClientSubscription | None = None,
    package: Package | None = None,
    period_start: datetime | None = None,
) -> Invoice:
    n = next(_numbers)
    status = Invoice.Status.PAID if paid else Invoice.Status.VOID if voided else Invoice.Status.OPEN
    made = Invoice.objects.create(
        client=client,
        status=status,
        number=f"AN-{n}",
        sequence=100000 + n,
        currency="USD",
        total_amount=amount,
        subtotal_amount=amount,
        amount_paid=amount if paid else 0,
        issued_at=issued,
        paid_at=paid,
        voided_at=voided,
        subscription=subscription,
        period_start=period_start,
    )
    InvoiceLine.objects.create(
        invoice=made,
        position=1,
        description="line",
        unit_amount=amount,
        net_amount=amount,
        tax_amount=0,
        total_amount=amount,
        package=package,
    )
    return made


def membership(
    client: User,
    *,
    started: date,
    price: int,
    period: str = "month",
    name: str | None = None,
    cancelled: date | None = None,
    past_due_since: date | None = None,
) -> ClientSubscription:
    """A membership whose first invoice was paid on `started` (so it started then)."""
    package = MembershipFactory(price_amount=price, billing_period=period, name=name or f"{period} {price}")
    sub = ClientSubscription.objects.create(
        client=client,
        package=package,
        status=ClientSubscription.Status.CANCELLED if cancelled else ClientSubscription.Status.ACTIVE,
        price_amount=price,
        currency="USD",
        current_period_start=at(started, 9),
        cancelled_at=at(cancelled, 18) if cancelled else None,
        past_due_since=at(past_due_since, 9) if past_due_since else None,
    )
    invoice(
        client,
        price,
        issued=at(started, 8),
        paid=at(started, 9),
        subscription=sub,
        package=package,
        period_start=at(started, 9),
    )
    return sub


def pause(sub: ClientSubscription, start: date, end: date) -> None:
    SubscriptionPause.objects.create(subscription=sub, starts_at=at(start, 0), ends_at=at(end, 0))


def sessions_due(client: User, days: dict[date, bool]) -> None:
    """Program sessions scheduled on each date, completed (True) or not (False)."""
    program = ClientProgram.objects.create(
        client=client,
        name="Plan",
        goal="strength",
        level="beginner",
        assignment_type="STATIC",
        start_date=min(days),
        total_weeks=20,
    )
    for position, (day, done) in enumerate(sorted(days.items()), start=1):
        WorkoutSession.objects.create(
            client_program=program,
            phase_position=1,
            week=position,
            program_week=position,
            workout_position=1,
            day=1,
            name=f"Day {position}",
            scheduled_on=day,
            status=SessionStatus.COMPLETED if done else SessionStatus.SCHEDULED,
            completed_at=at(day, 18) if done else None,
        )


def days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def workout_logged(client: User, day: date) -> WorkoutCompletion:
    """A logged ad-hoc workout on a studio date (written directly: analytics only counts it)."""
    return WorkoutCompletion.objects.create(
        client=client, idempotency_key=uuid.uuid4(), name="Run", performed_on=day, completed_at=at(day, 18)
    )
