"""Platform revenue figures for the console: MRR (per studio and in total) and 30-day churn."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from billing.platform.models import PlatformInvoice, StudioSubscription
from tenants.models import Studio

PAYING = (StudioSubscription.Status.ACTIVE, StudioSubscription.Status.PAST_DUE)


@dataclass(frozen=True)
class StudioBilling:
    plan: str = ""
    status: str = ""
    mrr: int = 0  # minor units of `currency`
    currency: str = ""
    failed_payments: int = 0


@dataclass(frozen=True)
class PlatformMetrics:
    mrr: dict[str, int] = field(default_factory=dict)  # currency -> minor units per month
    paying: int = 0
    trialing: int = 0
    past_due: int = 0
    churned_30d: int = 0
    churn_rate_30d: float = 0.0  # percent


def subscription_mrr(row: StudioSubscription) -> int:
    """Monthly recurring revenue of one subscription, minor units: its price per month while it pays
    (active or past due); trials and ended subscriptions bring none (the usual SaaS definition)."""
    return row.price.monthly_amount if row.status in PAYING else 0


def studios_billing(*, studios: Sequence[Studio]) -> dict[int, StudioBilling]:
    """Plan, status, MRR and failed payments of each studio: two queries whatever the number of studios."""
    ids = [s.pk for s in studios]
    failed = dict(
        PlatformInvoice.objects.filter(studio_id__in=ids, payment_failed_at__isnull=False)
        .values("studio_id")
        .annotate(n=Count("pk"))
        .values_list("studio_id", "n")
    )
    rows = StudioSubscription.objects.select_related("price__plan").filter(studio_id__in=ids)
    return {
        row.studio_id: StudioBilling(
            plan=row.price.plan.name,
            status=row.status,
            mrr=subscription_mrr(row),
            currency=row.price.currency,
            failed_payments=failed.get(row.studio_id, 0),
        )
        for row in rows
    }


def platform_metrics(*, now: datetime | None = None) -> PlatformMetrics:
    """Platform MRR by currency and customer churn over the last 30 days.

    Churn rate = studios lost in the window / studios paying at its start (the standard customer churn
    formula), where paying at the start = paying now - started paying in the window + lost in the window.
    """
    now = now or timezone.now()
    since = now - timedelta(days=30)
    mrr: dict[str, int] = defaultdict(int)
    rows = list(StudioSubscription.objects.select_related("price").filter(status__in=PAYING))
    for row in rows:
        mrr[row.price.currency] += subscription_mrr(row)
    counts = StudioSubscription.objects.aggregate(
        trialing=Count("pk", filter=Q(status=StudioSubscription.Status.TRIALING)),
        past_due=Count("pk", filter=Q(status=StudioSubscription.Status.PAST_DUE)),
        churned=Count("pk", filter=Q(status=StudioSubscription.Status.CANCELED, canceled_at__gte=since)),
        new=Count("pk", filter=Q(status__in=PAYING, created_at__gte=since)),
    )
    at_start = len(rows) - counts["new"] + counts["churned"]
    rate = 100.0 * counts["churned"] / at_start if at_start > 0 else 0.0
    return PlatformMetrics(
        mrr=dict(mrr),
        paying=len(rows),
        trialing=counts["trialing"],
        past_due=counts["past_due"],
        churned_30d=counts["churned"],
        churn_rate_30d=round(rate, 1),
    )
