"""A day of client engagement (CLIENT_ENGAGEMENT rows) and the at-risk flags that follow from it.

Every input comes from the other apps' report selectors (grouped queries, constant in number whatever
the studio's size); rows are written with one bulk insert after the day's old rows are deleted, so
re-running a day replaces it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.payments.reporting import MembershipSpan
from core.models import User
from domain.analytics.days import day_bounds, local_date, percent
from domain.analytics.models import AnalyticsSettings, AtRiskFlag, ClientEngagement, RiskReason
from domain.clients import selectors as clients
from domain.messaging.selectors import messages_sent_by_client
from domain.nutrition.selectors import clients_logging_food
from domain.scheduling import reporting as scheduling
from domain.videos.selectors import videos_sent_by_client
from domain.workouts import selectors as workouts


def settings_get() -> AnalyticsSettings:
    settings, _created = AnalyticsSettings.objects.get_or_create(key=1)
    return settings


def _rate(counts: dict[int, tuple[int, int]], client_id: int) -> int | None:
    due, done = counts.get(client_id, (0, 0))
    return percent(done, due)


def engagement_rows(*, day: date) -> list[ClientEngagement]:
    """The unsaved engagement rows of every current client for `day` (about 12 grouped queries)."""
    start, end = day_bounds(day)
    client_ids = clients.client_ids_current(joined_before=end)
    today = workouts.compliance_by_client(start=day, end=day)
    windows = {n: workouts.compliance_by_client(start=day - timedelta(days=n - 1), end=day) for n in (7, 30, 90)}
    logged = workouts.workouts_logged_by_client(start=day, end=day)
    attendance = scheduling.attendance_by_client(start=start, end=end)
    last_workout = workouts.last_workout_by_client(until=day)
    last_visit = scheduling.last_visit_by_client(until=end)
    food = clients_logging_food(day=day)
    videos = videos_sent_by_client(start=start, end=end)
    messages = messages_sent_by_client(start, end)
    signed_in = set(
        User.objects.filter(pk__in=client_ids, last_login__gte=start, last_login__lt=end).values_list("pk", flat=True)
    )
    rows = []
    for client_id in client_ids:
        due, done = today.get(client_id, (0, 0))
        seen = attendance.get(client_id, scheduling.Attendance())
        visit = last_visit.get(client_id)
        active_days = [d for d in (last_workout.get(client_id), local_date(visit) if visit else None) if d]
        rows.append(
            ClientEngagement(
                client_id=client_id,
                day=day,
                workouts_due=due,
                workouts_completed=done,
                workouts_logged=logged.get(client_id, 0),
                sessions_attended=seen.attended,
                no_shows=seen.no_shows,
                late_cancels=seen.late_cancels,
                messages_sent=messages.get(client_id, 0),
                signed_in=client_id in signed_in,
                nutrition_logged=client_id in food,
                videos_sent=videos.get(client_id, 0),
                compliance_7d=_rate(windows[7], client_id),
                compliance_30d=_rate(windows[30], client_id),
                compliance_90d=_rate(windows[90], client_id),
                last_active_on=max(active_days) if active_days else None,
            )
        )
    return rows


def day_replace(model: type[models.Model], *, day: date, rows: list[Any]) -> int:
    """Replace the stored rows of `model` for `day` with `rows` (one DELETE, then bulk inserts); returns
    how many were written. Nothing refers to these rows, so a plain DELETE is safe (and does not load them)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)} WHERE day = %s", [day])  # noqa: S608 - our table name
        model._default_manager.bulk_create(rows, batch_size=1000)
    return len(rows)


# --- at risk -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Risk:
    client_id: int
    reason: str
    detail: str


def _membership_lapsed(spans: list[MembershipSpan], day: date) -> set[int]:
    """Clients who had a membership and have none running on `day` (paused or past due still runs)."""
    had: set[int] = set()
    running: set[int] = set()
    for span in spans:
        if local_date(span.started_at) > day:
            continue
        had.add(span.client_id)
        if span.ended_at is None or local_date(span.ended_at) > day:
            running.add(span.client_id)
    return had - running


def risks_for(
    *, day: date, rows: list[ClientEngagement], spans: list[MembershipSpan], joined: dict[int, date]
) -> list[Risk]:
    """Who is at risk on `day`, and why, under the studio's thresholds.

    - compliance drop: the compliance of the 7 complete days before `day` is at least
      `compliance_drop_points` below that of the 28 days before them (both measured: something was due in
      each). `day` itself is left out: its workouts may still be done later that day;
    - inactive: no workout logged and no session or class attended for `inactive_days` days or more
      (counted from the day they joined when they never have);
    - membership lapsed: they had a membership and none is running on `day`.
    """
    settings = settings_get()
    recent = workouts.compliance_by_client(start=day - timedelta(days=7), end=day - timedelta(days=1))
    baseline = workouts.compliance_by_client(start=day - timedelta(days=35), end=day - timedelta(days=8))
    lapsed = _membership_lapsed(spans, day) if settings.flag_lapsed_memberships else set()
    risks = []
    for row in rows:
        before, now = _rate(baseline, row.client_id), _rate(recent, row.client_id)
        if before is not None and now is not None and before - now >= settings.compliance_drop_points:
            detail = _("Compliance %(now)d%% over the last 7 days, down from %(before)d%%.") % {
                "now": now,
                "before": before,
            }
            risks.append(Risk(row.client_id, RiskReason.COMPLIANCE_DROP, detail))
        since = row.last_active_on or joined.get(row.client_id, day)
        idle = (day - since).days
        if idle >= settings.inactive_days:
            detail = _("No training or visit for %(days)d days.") % {"days": idle}
            risks.append(Risk(row.client_id, RiskReason.INACTIVE, detail))
        if row.client_id in lapsed:
            risks.append(Risk(row.client_id, RiskReason.MEMBERSHIP_LAPSED, _("Their membership has ended.")))
    return risks


@transaction.atomic
def flags_apply(*, day: date, risks: list[Risk], client_ids: list[int]) -> list[int]:
    """Open a flag for each new (client, reason); clear open flags whose risk is gone (clients in
    `client_ids` only). Returns the ids of the flags opened (each is notified once, after commit)."""
    now = timezone.now()
    open_flags = {
        (flag.client_id, flag.reason): flag
        for flag in AtRiskFlag.objects.select_for_update().filter(cleared_at__isnull=True, client_id__in=client_ids)
    }
    current = {(risk.client_id, risk.reason): risk for risk in risks}
    gone = [flag.pk for key, flag in open_flags.items() if key not in current]
    AtRiskFlag.objects.filter(pk__in=gone).update(cleared_at=now, cleared_on=day)
    new = [
        AtRiskFlag(client_id=r.client_id, reason=r.reason, detail=r.detail, set_on=day, set_at=now)
        for key, r in current.items()
        if key not in open_flags
    ]
    AtRiskFlag.objects.bulk_create(new)
    for key, risk in current.items():  # an open flag keeps its date and says what is seen now
        flag = open_flags.get(key)
        if flag is not None and flag.detail != risk.detail:
            AtRiskFlag.objects.filter(pk=flag.pk).update(detail=risk.detail)
    return [flag.pk for flag in new]
