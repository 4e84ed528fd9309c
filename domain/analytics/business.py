"""A studio's day of business figures (BUSINESS_METRIC) and each trainer's (TrainerMetric).

Definitions (docs/analytics.md repeats them for people):
- a membership *runs* on a day when it started (first period paid) on or before it and has not ended by it;
- it is *active* on that day when it runs, is not paused that day, and has no renewal invoice issued on or
  before that day still unpaid at the day's end (past due);
- *active members*: clients with an active membership; *new*: clients whose first membership started that
  day; *churned*: clients whose membership ended that day with none other running — *involuntary* when it
  ended past due, *voluntary* otherwise;
- *MRR*: the monthly value of active memberships (weekly price x 52 ÷ 12, annual ÷ 12), rounded half up once;
- *revenue*: invoices paid that day (tax included) by package; refunds apart;
- *classes*: classes held (not cancelled) that day, their seats, check-ins and no-shows, per class type and
  in total.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from fractions import Fraction

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from billing.payments import reporting as commerce
from billing.payments.reporting import MembershipSpan
from domain.analytics.days import day_bounds, local_date, round_half_up
from domain.analytics.models import (
    AtRiskFlag,
    BusinessMetric,
    ClientEngagement,
    NpsResponse,
    SessionRating,
    TrainerMetric,
)
from domain.scheduling import reporting as scheduling

MONTHLY = {"week": Fraction(52, 12), "month": Fraction(1), "year": Fraction(1, 12)}


def _runs(span: MembershipSpan, day: date) -> bool:
    return local_date(span.started_at) <= day and (span.ended_at is None or local_date(span.ended_at) > day)


def _active(span: MembershipSpan, day: date) -> bool:
    if not _runs(span, day):
        return False
    if any(local_date(start) <= day < local_date(end) for start, end in span.pauses):
        return False
    return not any(
        local_date(issued) <= day and (settled is None or local_date(settled) > day) for issued, settled in span.unpaid
    )


def _flagged_on(day: date) -> QuerySet[AtRiskFlag]:
    """Flags open on `day`: set on or before it and not cleared by it."""
    return AtRiskFlag.objects.filter(set_on__lte=day).exclude(cleared_on__lte=day)


def membership_figures(spans: list[MembershipSpan], day: date) -> dict[str, object]:
    """active, new, churned (voluntary, involuntary), MRR and join-month cohorts of `day` from the spans."""
    by_client: dict[int, list[MembershipSpan]] = defaultdict(list)
    for span in spans:
        by_client[span.client_id].append(span)
    active, new, voluntary, involuntary = 0, 0, 0, 0
    mrr = Fraction(0)
    cohorts: dict[str, list[int]] = {}
    for client_spans in by_client.values():
        first = min(local_date(span.started_at) for span in client_spans)
        if first > day:
            continue
        live = [span for span in client_spans if _active(span, day)]
        cohort = cohorts.setdefault(f"{first:%Y-%m}", [0, 0])
        cohort[0] += 1
        if live:
            active += 1
            cohort[1] += 1
            mrr += sum((span.price_amount * MONTHLY[span.billing_period] for span in live), Fraction(0))
        new += first == day
        ended = [span for span in client_spans if span.ended_at is not None and local_date(span.ended_at) == day]
        if ended and not any(_runs(span, day) for span in client_spans):
            if any(span.ended_past_due for span in ended):
                involuntary += 1
            else:
                voluntary += 1
    return {
        "active_members": active,
        "new_members": new,
        "churned_voluntary": voluntary,
        "churned_involuntary": involuntary,
        "mrr_amount": round_half_up(mrr),
        "cohorts": dict(sorted(cohorts.items())),
    }


def business_row(
    *, day: date, spans: list[MembershipSpan], currency: str, hours: dict[int, tuple[int, int]]
) -> BusinessMetric:
    """The unsaved BUSINESS_METRIC row of `day` (engagement and flags of the day must be stored first)."""
    start, end = day_bounds(day)
    by_package = commerce.revenue_by_package(start=start, end=end)
    by_type = scheduling.class_figures_by_type(start=start, end=end)
    classes = scheduling.class_totals(by_type)
    ratings = SessionRating.objects.filter(session_day=day).aggregate(n=Count("id"), total=Sum("score"))
    nps = NpsResponse.objects.filter(answered_on=day).aggregate(
        n=Count("id"), promoters=Count("id", filter=Q(score__gte=9)), detractors=Count("id", filter=Q(score__lte=6))
    )
    return BusinessMetric(
        day=day,
        currency=currency,
        **membership_figures(spans, day),
        revenue_amount=sum(by_package.values()),
        refunds_amount=commerce.refunds_total(start=start, end=end),
        revenue_by_package=by_package,
        class_sessions=classes.sessions,
        class_capacity=classes.capacity,
        class_checkins=classes.checkins,
        class_no_shows=classes.no_shows,
        class_types={
            str(one.class_type_id): {
                "name": one.name,
                "sessions": one.sessions,
                "capacity": one.capacity,
                "checkins": one.checkins,
                "no_shows": one.no_shows,
            }
            for one in by_type
        },
        booked_minutes=sum(booked for booked, _available in hours.values()),
        available_minutes=sum(available for _booked, available in hours.values()),
        ratings_count=ratings["n"],
        ratings_sum=ratings["total"] or 0,
        nps_responses=nps["n"],
        nps_promoters=nps["promoters"],
        nps_detractors=nps["detractors"],
        at_risk_clients=_flagged_on(day).values("client_id").distinct().count(),
        computed_at=timezone.now(),
    )


def trainer_rows(
    *, day: date, links: dict[int, list[int]], rows: list[ClientEngagement], hours: dict[int, tuple[int, int]]
) -> list[TrainerMetric]:
    """Each trainer's unsaved row for `day`: hours (`trainer_hours`), their clients' engagement, ratings."""
    at_risk = set(_flagged_on(day).values_list("client_id", flat=True))
    ratings: dict[int, dict[str, int]] = {
        row["trainer_id"]: {"n": row["n"], "total": row["total"] or 0}
        for row in SessionRating.objects.filter(session_day=day, trainer__isnull=False)
        .values("trainer_id")
        .annotate(n=Count("id"), total=Sum("score"))
    }
    metrics: dict[int, TrainerMetric] = {}

    def metric(trainer_id: int) -> TrainerMetric:
        if trainer_id not in metrics:
            booked, available = hours.get(trainer_id, (0, 0))
            rated = ratings.get(trainer_id, {})
            metrics[trainer_id] = TrainerMetric(
                trainer_id=trainer_id,
                day=day,
                booked_minutes=booked,
                available_minutes=available,
                ratings_count=rated.get("n", 0),
                ratings_sum=rated.get("total") or 0,
            )
        return metrics[trainer_id]

    for trainer_id in [*hours, *ratings]:
        metric(trainer_id)
    for row in rows:
        for trainer_id in links.get(row.client_id, ()):
            one = metric(trainer_id)
            one.clients += 1
            one.clients_trained += bool(row.workouts_logged or row.sessions_attended)
            one.sessions_attended += row.sessions_attended
            one.no_shows += row.no_shows
            one.workouts_due += row.workouts_due
            one.workouts_completed += row.workouts_completed
            one.at_risk_clients += row.client_id in at_risk
    return list(metrics.values())
