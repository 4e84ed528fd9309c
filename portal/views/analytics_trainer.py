"""A trainer's own analytics page: their hours, their clients' engagement day by day, each client's
latest figures and flags, their ratings; owners and managers may open any trainer's. CSV of every table."""

from __future__ import annotations

from datetime import date

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from core.http import AuthedRequest
from core.permissions import can
from domain.analytics import selectors
from domain.analytics.models import RiskReason
from portal.charts import Series, line_chart
from portal.views.analytics import Figure, Table, date_range, exported, forbidden_is_404, hours, pct
from portal.views.common import found


def _clients_table(request: AuthedRequest, trainer_id: int, end: date) -> Table:
    rows = selectors.trainer_clients(actor=request.user, trainer_id=trainer_id, day=end)
    return Table(
        "clients",
        _("Clients"),
        _(
            "Each assigned client on the last day of the period: compliance over 7, 30 and 90 days (completed ÷ "
            "due program workouts), the last day they trained or visited, and why they are flagged at risk."
        ),
        [_("Client"), _("7 days"), _("30 days"), _("90 days"), _("Last active"), _("At risk")],
        [
            [
                row.client.get_full_name() or row.client.email,
                pct(row.engagement.compliance_7d if row.engagement else None),
                pct(row.engagement.compliance_30d if row.engagement else None),
                pct(row.engagement.compliance_90d if row.engagement else None),
                row.engagement.last_active_on.isoformat() if row.engagement and row.engagement.last_active_on else "",
                ", ".join(str(RiskReason(reason).label) for reason in row.flags),
            ]
            for row in rows
        ],
    )


@forbidden_is_404
def trainer_dashboard(request: AuthedRequest, trainer_id: int) -> HttpResponse:
    """A trainer's own figures (owners and managers may open any trainer's)."""
    start, end = date_range(request)
    user = request.user
    summary = found(selectors.trainer_summary, actor=user, trainer_id=trainer_id, start=start, end=end)
    before = selectors.previous_period(start, end)
    previous = selectors.trainer_summary(actor=user, trainer_id=trainer_id, start=before[0], end=before[1])
    days = list(selectors.trainer_days(actor=user, trainer_id=trainer_id, start=start, end=end))
    table = Table(
        "trainer_days",
        _("Day by day"),
        _(
            "Booked: 1:1 sessions given and classes taught; available: working hours; visits and no-shows of "
            "assigned clients; compliance: their completed ÷ due program workouts."
        ),
        [
            _("Day"),
            _("Booked h"),
            _("Available h"),
            _("Utilisation"),
            _("Clients trained"),
            _("Visits"),
            _("No-shows"),
            _("Compliance"),
        ],
        [
            [
                d.day.isoformat(),
                hours(d.booked_minutes),
                hours(d.available_minutes),
                pct(selectors.ratio(d.booked_minutes, d.available_minutes)),
                str(d.clients_trained),
                str(d.sessions_attended),
                str(d.no_shows),
                pct(selectors.ratio(d.workouts_completed, d.workouts_due)),
            ]
            for d in days
        ],
    )
    tables = [_clients_table(request, trainer_id, end), table]
    answer = exported(request, tables)
    if answer is not None:
        return answer
    figures = [
        Figure(
            _("Utilisation"),
            pct(summary.utilisation),
            pct(previous.utilisation),
            _("Booked hours ÷ working hours over the period."),
        ),
        Figure(
            _("Clients"),
            f"{summary.clients} ({summary.at_risk})",
            f"{previous.clients} ({previous.at_risk})",
            _("Clients assigned on the last day (of them at risk)."),
        ),
        Figure(
            _("Compliance"),
            pct(summary.compliance),
            pct(previous.compliance),
            _("Your clients' completed ÷ due program workouts."),
        ),
        Figure(
            _("Rating"),
            "" if summary.rating_average is None else f"{summary.rating_average} / 5",
            "" if previous.rating_average is None else f"{previous.rating_average} / 5",
            _("Average 1-5 rating of your attended sessions and classes."),
        ),
    ]
    chart = line_chart(
        [
            Series(
                _("Utilisation"),
                [(d.day, v) for d in days if (v := selectors.ratio(d.booked_minutes, d.available_minutes)) is not None],
            )
        ],
        title=_("Utilisation (%)"),
    )
    context = {
        "perms_studio": can(user, "analytics.view_studio"),
        "trainer": summary.trainer,
        "start": start,
        "end": end,
        "previous": before,
        "figures": figures,
        "charts": [chart],
        "tables": tables,
        "query": f"start={start.isoformat()}&end={end.isoformat()}",
    }
    return render(request, "portal/analytics/trainer.html", context)
