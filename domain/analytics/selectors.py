"""Analytics reads for people: period figures, daily series, cohorts, ratings, from stored rows only.

Scope: `analytics.view_studio` (owners, managers) sees the studio; a trainer sees their own figures
(`TrainerMetric` rows of theirs, ratings of their sessions, their clients); anyone else gets 403.
Every function is a fixed number of queries over the stored daily rows (no other app's tables).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from fractions import Fraction
from typing import Any

from django.db.models import Avg, Count, QuerySet, Sum
from django.utils.translation import gettext as _

from core.error_codes import ErrorCode
from core.exceptions import NotFoundError, ValidationError
from core.models import User
from core.permissions import STAFF_ROLES, can, is_management, require
from core.studio_time import studio_today
from domain.analytics.days import round_half_up
from domain.analytics.models import (
    AtRiskFlag,
    BusinessMetric,
    ClientEngagement,
    NpsResponse,
    SessionRating,
    TrainerMetric,
)
from domain.clients.selectors import clients_visible_to
from domain.scheduling import reporting as scheduling

MAX_RANGE_DAYS = 731


def ratio(part: int | Fraction, whole: int | Fraction) -> float | None:
    """part ÷ whole as a percent with one decimal (half up); None when whole is 0."""
    if not whole:
        return None
    return round_half_up(Fraction(part) * 1000 / Fraction(whole)) / 10


def range_check(start: date, end: date) -> None:
    """Raises ValidationError (`date_range_invalid`, `date_range_too_long`) for a reversed or > 2-year range."""
    if end < start:
        raise ValidationError(_("The range ends before it starts."), code=ErrorCode.DATE_RANGE_INVALID)
    if (end - start).days >= MAX_RANGE_DAYS:
        raise ValidationError(_("Choose at most two years."), code=ErrorCode.DATE_RANGE_TOO_LONG)


def previous_period(start: date, end: date) -> tuple[date, date]:
    """The same number of days just before [start, end]."""
    length = (end - start).days + 1
    return start - timedelta(days=length), start - timedelta(days=1)


@dataclass(frozen=True)
class ClassTypeUtilisation:
    """One class type's classes over a period (its name as on the last day it was held)."""

    class_type_id: int
    name: str
    sessions: int  # classes held
    capacity: int  # their seats
    checkins: int
    no_shows: int
    utilisation: float | None  # percent: check-ins ÷ seats
    utilisation_booked: float | None  # percent: (check-ins + no-shows) ÷ seats


def class_types_over(rows: list[BusinessMetric]) -> list[ClassTypeUtilisation]:
    """Per class type, the sums of the stored days' `class_types` (oldest day first), by name."""
    totals: dict[str, dict[str, Any]] = {}
    for row in rows:
        for type_id, day in (row.class_types or {}).items():
            total = totals.setdefault(type_id, {"sessions": 0, "capacity": 0, "checkins": 0, "no_shows": 0})
            total["name"] = day.get("name", "")
            for key in ("sessions", "capacity", "checkins", "no_shows"):
                total[key] += int(day.get(key) or 0)
    types = [
        ClassTypeUtilisation(
            class_type_id=int(type_id),
            name=t["name"],
            sessions=t["sessions"],
            capacity=t["capacity"],
            checkins=t["checkins"],
            no_shows=t["no_shows"],
            utilisation=ratio(t["checkins"], t["capacity"]),
            utilisation_booked=ratio(t["checkins"] + t["no_shows"], t["capacity"]),
        )
        for type_id, t in totals.items()
    ]
    return sorted(types, key=lambda t: (t.name.casefold(), t.class_type_id))


@dataclass
class StudioSummary:
    start: date
    end: date
    currency: str = ""
    days: int = 0  # days with stored figures
    active_start: int = 0  # active members the day before the period (or its first day)
    active_end: int = 0
    new_members: int = 0
    churned_voluntary: int = 0
    churned_involuntary: int = 0
    attrition: float | None = None  # percent: churned ÷ average of active_start and active_end
    mrr_amount: int = 0  # on the last day
    revenue_amount: int = 0
    refunds_amount: int = 0
    arpm_amount: int | None = None  # (revenue - refunds) ÷ average daily active members
    revenue_by_package: dict[str, int] = field(default_factory=dict)
    class_utilisation: float | None = None  # check-ins ÷ capacity
    class_utilisation_booked: float | None = None  # (check-ins + no-shows) ÷ capacity
    class_utilisation_by_type: list[ClassTypeUtilisation] = field(default_factory=list)  # the same, per type
    trainer_utilisation: float | None = None  # booked ÷ available hours
    rating_average: float | None = None
    ratings: int = 0
    nps: int | None = None  # % promoters - % detractors
    nps_responses: int = 0
    at_risk_now: int = 0

    @property
    def churned(self) -> int:
        return self.churned_voluntary + self.churned_involuntary

    @property
    def revenue_net(self) -> int:
        return self.revenue_amount - self.refunds_amount


def _nps(promoters: int, detractors: int, responses: int) -> int | None:
    return round_half_up(Fraction(100 * (promoters - detractors), responses)) if responses else None


def studio_summary(*, actor: User, start: date, end: date) -> StudioSummary:
    """The studio's figures for [start, end] from the stored daily rows (3 queries).

    Raises PermissionDeniedError unless the actor may see the studio; ValidationError for a bad range.
    """
    require(actor, "analytics.view_studio")
    range_check(start, end)
    rows = list(BusinessMetric.objects.filter(day__gte=start - timedelta(days=1), day__lte=end).order_by("day"))
    before = rows[0] if rows and rows[0].day < start else None
    rows = [row for row in rows if row.day >= start]
    summary = StudioSummary(start=start, end=end, at_risk_now=_open_flags().values("client_id").distinct().count())
    if not rows:
        return summary
    last = rows[-1]
    summary.currency = last.currency
    summary.days = len(rows)
    summary.active_start = (before or rows[0]).active_members
    summary.active_end = last.active_members
    summary.mrr_amount = last.mrr_amount
    packages: Counter[str] = Counter()
    for row in rows:
        summary.new_members += row.new_members
        summary.churned_voluntary += row.churned_voluntary
        summary.churned_involuntary += row.churned_involuntary
        summary.revenue_amount += row.revenue_amount
        summary.refunds_amount += row.refunds_amount
        packages.update(row.revenue_by_package)
    summary.revenue_by_package = dict(packages.most_common())
    summary.attrition = ratio(summary.churned, Fraction(summary.active_start + summary.active_end, 2))
    average_active = Fraction(sum(row.active_members for row in rows), len(rows))
    summary.arpm_amount = round_half_up(summary.revenue_net / average_active) if average_active else None
    capacity = sum(row.class_capacity for row in rows)
    checkins = sum(row.class_checkins for row in rows)
    summary.class_utilisation = ratio(checkins, capacity)
    summary.class_utilisation_booked = ratio(checkins + sum(row.class_no_shows for row in rows), capacity)
    summary.class_utilisation_by_type = class_types_over(rows)
    summary.trainer_utilisation = ratio(
        sum(row.booked_minutes for row in rows), sum(row.available_minutes for row in rows)
    )
    summary.ratings = sum(row.ratings_count for row in rows)
    rated = sum(row.ratings_sum for row in rows)
    summary.rating_average = round_half_up(Fraction(rated * 10, summary.ratings)) / 10 if summary.ratings else None
    summary.nps_responses = sum(row.nps_responses for row in rows)
    summary.nps = _nps(
        sum(row.nps_promoters for row in rows), sum(row.nps_detractors for row in rows), summary.nps_responses
    )
    return summary


def business_days(*, actor: User, start: date, end: date) -> QuerySet[BusinessMetric]:
    """The stored studio days in [start, end], oldest first (for charts and the CSV)."""
    require(actor, "analytics.view_studio")
    range_check(start, end)
    return BusinessMetric.objects.filter(day__gte=start, day__lte=end).order_by("day")


@dataclass(frozen=True)
class CohortRow:
    month: str  # "2026-05": the month the members joined
    members: int
    retained: list[float | None]  # percent still active at the end of each month after joining (0: that month)


def retention_cohorts(*, actor: User, as_of: date, months: int = 12) -> list[CohortRow]:
    """Join-month cohorts of the last `months` months: percent active at each month-end since (1 query)."""
    require(actor, "analytics.view_studio")
    first = (as_of.replace(day=1) - timedelta(days=31 * (months - 1))).replace(day=1)
    ends = []
    cursor = first
    while cursor <= as_of:
        following = (cursor.replace(day=28) + timedelta(days=4)).replace(day=1)
        ends.append(min(following - timedelta(days=1), as_of))
        cursor = following
    stored = {row.day: row.cohorts for row in BusinessMetric.objects.filter(day__in=ends)}
    rows = []
    for index, month_end in enumerate(ends):
        label = f"{month_end:%Y-%m}"
        sizes = stored.get(ends[-1], {}).get(label) or stored.get(month_end, {}).get(label)
        if not sizes:
            continue
        retained = []
        for later in ends[index:]:
            cohort = stored.get(later, {}).get(label)
            retained.append(ratio(cohort[1], cohort[0]) if cohort else None)
        rows.append(CohortRow(month=label, members=sizes[0], retained=retained))
    return rows


# --- trainers ---------------------------------------------------------------------------------------------


@dataclass
class TrainerSummary:
    trainer: User
    clients: int = 0  # assigned, on the last day
    at_risk: int = 0  # of them, flagged on the last day
    booked_minutes: int = 0
    available_minutes: int = 0
    utilisation: float | None = None
    compliance: float | None = None  # their clients' completed ÷ due program sessions
    sessions_attended: int = 0
    no_shows: int = 0
    rating_average: float | None = None
    ratings: int = 0


def trainer_visible(*, actor: User, trainer_id: int) -> User:
    """The trainer whose figures `actor` may see: themself, or any staff for owners and managers.

    Raises NotFoundError (`trainer_not_found`) otherwise, exactly as for an unknown id.
    """
    require(actor, "analytics.view")
    if trainer_id == actor.pk or is_management(actor):
        trainer = User.objects.filter(pk=trainer_id, role__in=STAFF_ROLES).first()
        if trainer is not None:
            return trainer
    raise NotFoundError(_("Trainer not found."), code=ErrorCode.TRAINER_NOT_FOUND)


def _trainer_summaries(trainers: dict[int, User], start: date, end: date) -> list[TrainerSummary]:
    """Summaries of `trainers` over [start, end]: one grouped query plus one for the last day's counts."""
    rows = TrainerMetric.objects.filter(trainer_id__in=list(trainers), day__gte=start, day__lte=end)
    totals: dict[int, dict[str, Any]] = {
        row["trainer_id"]: dict(row)
        for row in rows.values("trainer_id").annotate(
            booked=Sum("booked_minutes"),
            available=Sum("available_minutes"),
            due=Sum("workouts_due"),
            done=Sum("workouts_completed"),
            attended=Sum("sessions_attended"),
            missed=Sum("no_shows"),
            ratings=Sum("ratings_count"),
            rated=Sum("ratings_sum"),
        )
    }
    latest = {
        trainer_id: (clients, at_risk)
        for trainer_id, clients, at_risk in rows.order_by("trainer_id", "-day")
        .distinct("trainer_id")
        .values_list("trainer_id", "clients", "at_risk_clients")
    }
    summaries = []
    for trainer_id, trainer in trainers.items():
        total = totals.get(trainer_id, {})
        summary = TrainerSummary(trainer=trainer)
        summary.clients, summary.at_risk = latest.get(trainer_id, (0, 0))
        summary.booked_minutes = total.get("booked") or 0
        summary.available_minutes = total.get("available") or 0
        summary.utilisation = ratio(summary.booked_minutes, summary.available_minutes)
        summary.compliance = ratio(total.get("done") or 0, total.get("due") or 0)
        summary.sessions_attended = total.get("attended") or 0
        summary.no_shows = total.get("missed") or 0
        summary.ratings = total.get("ratings") or 0
        rated = total.get("rated") or 0
        summary.rating_average = round_half_up(Fraction(rated * 10, summary.ratings)) / 10 if summary.ratings else None
        summaries.append(summary)
    return summaries


def trainer_summary(*, actor: User, trainer_id: int, start: date, end: date) -> TrainerSummary:
    """One trainer's figures over [start, end] (their stored rows: 3 queries).

    Raises NotFoundError when the actor may not see that trainer's figures, ValidationError for a bad range.
    """
    trainer = trainer_visible(actor=actor, trainer_id=trainer_id)
    range_check(start, end)
    return _trainer_summaries({trainer.pk: trainer}, start, end)[0]


def trainer_days(*, actor: User, trainer_id: int, start: date, end: date) -> QuerySet[TrainerMetric]:
    trainer = trainer_visible(actor=actor, trainer_id=trainer_id)
    range_check(start, end)
    return TrainerMetric.objects.filter(trainer=trainer, day__gte=start, day__lte=end).order_by("day")


def trainers_overview(*, actor: User, start: date, end: date) -> list[TrainerSummary]:
    """Every trainer's figures side by side (owners and managers: 3 queries); a trainer gets only their own."""
    if not can(actor, "analytics.view_studio"):
        return [trainer_summary(actor=actor, trainer_id=actor.pk, start=start, end=end)]
    range_check(start, end)
    ids = TrainerMetric.objects.filter(day__gte=start, day__lte=end).values("trainer_id")
    trainers = {t.pk: t for t in User.objects.filter(pk__in=ids).order_by("first_name", "last_name", "pk")}
    return _trainer_summaries(trainers, start, end)


@dataclass(frozen=True)
class RatingGroup:
    label: str  # a trainer's name or a class type
    ratings: int
    average: float


def ratings_by(*, actor: User, start: date, end: date, by: str) -> list[RatingGroup]:
    """Average 1-5 ratings in [start, end] per trainer (`by="trainer"`) or class type (`by="class_type"`);
    a trainer sees only ratings of their own sessions."""
    require(actor, "analytics.view")
    range_check(start, end)
    ratings = SessionRating.objects.filter(session_day__gte=start, session_day__lte=end)
    if not can(actor, "analytics.view_studio"):
        ratings = ratings.filter(trainer=actor)
    if by == "class_type":
        ratings = ratings.exclude(class_type_name="")
        key = "class_type_name"
    else:
        key = "trainer_id"
    rows = ratings.values(key).annotate(n=Count("id"), average=Avg("score")).order_by(key)
    names = dict(
        User.objects.filter(pk__in=[r[key] for r in rows] if key == "trainer_id" else []).values_list(
            "pk", "first_name"
        )
    )
    return [
        RatingGroup(
            label=str(names.get(row[key], "")) if key == "trainer_id" else row[key],
            ratings=row["n"],
            average=round(float(row["average"]), 1),
        )
        for row in rows
    ]


def _open_flags() -> QuerySet[AtRiskFlag]:
    return AtRiskFlag.objects.filter(cleared_at__isnull=True)


# --- for clients: what they may rate ----------------------------------------------------------------------

RATE_WITHIN = timedelta(days=14)


@dataclass(frozen=True)
class Rateable:
    kind: str  # "appointment" | "participant"
    id: int
    starts_at: datetime
    what: str  # a class type's name, "" for a 1:1 session


def rateable_for(*, actor: User, now: datetime) -> tuple[list[Rateable], bool]:
    """The client's attended sessions and classes of the last 14 days not rated yet (newest first), and
    whether this month's NPS question is still open to them. Raises PermissionDeniedError for staff."""
    require(actor, "analytics.rate")
    rated = SessionRating.objects.filter(client=actor)
    items = scheduling.attended_unrated(
        client_id=actor.pk,
        since=now - RATE_WITHIN,
        rated_appointments=set(rated.exclude(appointment=None).values_list("appointment_id", flat=True)),
        rated_seats=set(rated.exclude(participant=None).values_list("participant_id", flat=True)),
    )
    month = studio_today(now=now).replace(day=1)
    nps_open = not NpsResponse.objects.filter(client=actor, month=month).exists()
    return [Rateable(*item) for item in items], nps_open


@dataclass(frozen=True)
class ClientRow:
    client: User
    engagement: ClientEngagement | None  # the stored row of the day (None: not computed for them)
    flags: list[str]  # open at-risk reasons


def trainer_clients(*, actor: User, trainer_id: int, day: date) -> list[ClientRow]:
    """The trainer's clients with their engagement on `day` and open at-risk flags, at-risk first
    (3 queries). Raises NotFoundError when the actor may not see that trainer's figures."""
    trainer = trainer_visible(actor=actor, trainer_id=trainer_id)
    clients = list(clients_visible_to(trainer).order_by("first_name", "last_name", "pk"))
    rows = {row.client_id: row for row in ClientEngagement.objects.filter(day=day, client__in=[c.pk for c in clients])}
    flags: dict[int, list[str]] = {}
    for client_id, reason in (
        _open_flags().filter(client__in=[c.pk for c in clients]).values_list("client_id", "reason")
    ):
        flags.setdefault(client_id, []).append(reason)
    found = [ClientRow(c, rows.get(c.pk), sorted(flags.get(c.pk, []))) for c in clients]
    return sorted(found, key=lambda row: not row.flags)
