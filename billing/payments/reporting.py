"""Read-only figures of studio commerce for reports (analytics): memberships as spans, revenue, refunds,
and the money matters that need a person (failed payments, past-due memberships, fees, expiring packs).

No actor on the whole-studio reads (the daily analytics task calls them); the lists for people take the
clients the asker may see (`clients`, a queryset from `domain.clients.selectors.clients_visible_to`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Min, Q, QuerySet, Sum

from billing.payments.models import (
    BookingFee,
    ClientPack,
    ClientSubscription,
    Invoice,
    InvoiceLine,
    Payment,
    Refund,
    SubscriptionPause,
)
from core.models import User


@dataclass(frozen=True)
class MembershipSpan:
    """A membership from its first paid period to its end (None: still running)."""

    id: int
    client_id: int
    package_name: str
    price_amount: int
    currency: str
    billing_period: str  # "week" | "month" | "year"
    started_at: datetime
    ended_at: datetime | None
    ended_past_due: bool  # it ended while a renewal was unpaid (involuntary)
    pauses: tuple[tuple[datetime, datetime], ...]
    unpaid: tuple[tuple[datetime, datetime | None], ...]  # invoices: (issued, settled: paid or voided)


def membership_spans() -> list[MembershipSpan]:
    """Every membership that ever started (its first invoice was paid), with pauses and invoices: 3 queries."""
    rows = (
        ClientSubscription.objects.exclude(status=ClientSubscription.Status.INCOMPLETE)
        .annotate(first_start=Min("invoices__period_start", filter=~Q(invoices__status=Invoice.Status.VOID)))
        .values_list(
            "pk",
            "client_id",
            "package__name",
            "price_amount",
            "currency",
            "package__billing_period",
            "first_start",
            "current_period_start",
            "status",
            "cancelled_at",
            "past_due_since",
        )
    )
    pauses: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    for sub_id, start, end in SubscriptionPause.objects.values_list("subscription_id", "starts_at", "ends_at"):
        pauses[sub_id].append((start, end))
    unpaid: dict[int, list[tuple[datetime, datetime | None]]] = defaultdict(list)
    for sub_id, issued, paid, voided in Invoice.objects.filter(
        subscription__isnull=False, issued_at__isnull=False
    ).values_list("subscription_id", "issued_at", "paid_at", "voided_at"):
        if issued is not None:
            unpaid[sub_id].append((issued, paid or voided))
    spans = []
    for pk, client_id, name, price, currency, period, first, current, status, cancelled, past_due in rows:
        started = first or current
        if started is None:
            continue
        ended = cancelled if status == ClientSubscription.Status.CANCELLED else None
        spans.append(
            MembershipSpan(
                pk,
                client_id,
                name,
                price,
                currency,
                period,
                started,
                ended,
                ended is not None and past_due is not None,
                tuple(pauses.get(pk, ())),
                tuple(unpaid.get(pk, ())),
            )
        )
    return spans


def revenue_by_package(*, start: datetime, end: datetime) -> dict[str, int]:
    """Package name (or "" for lines without one: fees, manual charges) -> minor units, tax included, of the
    lines of invoices paid in [start, end)."""
    rows = (
        InvoiceLine.objects.filter(invoice__paid_at__gte=start, invoice__paid_at__lt=end)
        .values("package__name")
        .annotate(total=Sum("total_amount"))
    )
    return {row["package__name"] or "": row["total"] or 0 for row in rows}


def refunds_total(*, start: datetime, end: datetime) -> int:
    """Minor units refunded in [start, end) (a refund Stripe failed or cancelled does not count)."""
    refunds = Refund.objects.filter(created_at__gte=start, created_at__lt=end, status=Refund.Status.SUCCEEDED)
    return refunds.aggregate(n=Sum("amount"))["n"] or 0


# --- what needs a person (the analytics inbox) ---------------------------------------------------------


def payments_failed_open(*, clients: QuerySet[User]) -> QuerySet[Invoice]:
    """Open invoices of `clients` whose latest card payment failed, oldest first."""
    failed = Payment.objects.filter(status=Payment.Status.FAILED).values("invoice_id")
    return (
        Invoice.objects.filter(client__in=clients, status=Invoice.Status.OPEN, pk__in=failed)
        .select_related("client")
        .order_by("due_at", "id")
    )


def memberships_past_due(*, clients: QuerySet[User]) -> QuerySet[ClientSubscription]:
    return (
        ClientSubscription.objects.filter(client__in=clients, status=ClientSubscription.Status.PAST_DUE)
        .select_related("client", "package")
        .order_by("past_due_since", "id")
    )


def fees_to_decide(*, clients: QuerySet[User]) -> QuerySet[BookingFee]:
    """Late-cancel and no-show fees of `clients` still inside their waive window (staff may waive them)."""
    return (
        BookingFee.objects.filter(client__in=clients, status=BookingFee.Status.PENDING)
        .select_related("client")
        .order_by("charge_after", "id")
    )


def packs_expiring(*, clients: QuerySet[User], until: datetime, now: datetime) -> QuerySet[ClientPack]:
    """Active packs of `clients` with credits left that expire in [now, until), soonest first."""
    return (
        ClientPack.objects.filter(
            client__in=clients,
            status=ClientPack.Status.ACTIVE,
            credits_remaining__gt=0,
            expires_at__gte=now,
            expires_at__lt=until,
        )
        .select_related("client", "package")
        .order_by("expires_at", "id")
    )
