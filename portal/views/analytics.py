"""Analytics pages: the needs-attention inbox, the studio dashboard (owners, managers), a trainer's own
dashboard, CSV export of every table, and the at-risk thresholds.

Everything is read from the stored daily rows through domain/analytics selectors; charts are drawn by
portal/charts.py (SVG with a data table for screen readers); each figure carries its definition.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from billing.money import money_format
from core.csv_export import csv_text
from core.exceptions import ApplicationError, PermissionDeniedError
from core.http import AuthedRequest, date_param
from core.permissions import can
from core.studio_time import studio_today
from domain.analytics import inbox, selectors, services
from domain.analytics.engagement import settings_get
from portal.charts import Bar, Series, bar_chart, line_chart

PORTAL_LINKS: dict[str, Callable[[int], str]] = {
    "client": lambda pk: reverse("portal:client_detail", args=[pk]),
    "client_health": lambda pk: reverse("portal:client_detail", args=[pk]),
    "client_wallet": lambda pk: reverse("portal:sales_desk") + f"?client={pk}",
    "invoice": lambda pk: reverse("portal:sales_desk"),
    "membership": lambda pk: reverse("portal:sales_desk"),
    "fee": lambda pk: reverse("portal:desk_waive", args=[pk]),
    "video": lambda pk: reverse("portal:video_detail", args=[pk]),
    "thread": lambda pk: reverse("portal:messages") + f"?thread={pk}",
}


def _portal_link(action: str, target_id: int) -> str:
    make = PORTAL_LINKS.get(action)
    return make(target_id) if make else ""


def forbidden_is_404(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except PermissionDeniedError as exc:
            raise Http404(exc.message) from exc

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return login_required(wrapper)


@forbidden_is_404
def attention(request: AuthedRequest) -> HttpResponse:
    """The needs-attention inbox: a trainer's clients, or the whole studio for owners and managers."""
    items = inbox.inbox_items(actor=request.user, link=_portal_link)
    context = {"items": items, "here": request.path, "perms_studio": can(request.user, "analytics.view_studio")}
    return render(request, "portal/analytics/attention.html", context)


# --- tables (one definition each: the page shows it, the CSV exports it) -----------------------------


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    definition: str
    headers: list[str]
    rows: list[list[str]]


def pct(value: float | None) -> str:
    return "" if value is None else f"{value:.1f} %"


def hours(minutes: int) -> str:
    return f"{minutes / 60:.1f}"


def date_range(request: AuthedRequest) -> tuple[date, date]:
    end = date_param(request.GET["end"]) if request.GET.get("end") else studio_today()
    start = date_param(request.GET["start"]) if request.GET.get("start") else end and end - timedelta(days=29)
    if start is None or end is None:
        raise Http404(_("Choose dates as YYYY-MM-DD."))
    try:
        selectors.range_check(start, end)
    except ApplicationError as exc:
        raise Http404(exc.message) from exc
    return start, end


def _studio_tables(request: AuthedRequest, start: date, end: date) -> list[Table]:
    user = request.user
    days = list(selectors.business_days(actor=user, start=start, end=end))
    summary = selectors.studio_summary(actor=user, start=start, end=end)
    money = summary.currency or "USD"
    trainers = selectors.trainers_overview(actor=user, start=start, end=end)
    cohorts = selectors.retention_cohorts(actor=user, as_of=end)
    ratings = [
        *selectors.ratings_by(actor=user, start=start, end=end, by="trainer"),
        *selectors.ratings_by(actor=user, start=start, end=end, by="class_type"),
    ]
    longest = max((len(c.retained) for c in cohorts), default=0)
    return [
        Table(
            "days",
            _("Day by day"),
            _("Active members at each day's end; money in the studio's currency, invoices paid that day."),
            [
                _("Day"),
                _("Active"),
                _("New"),
                _("Left (voluntary)"),
                _("Left (involuntary)"),
                _("MRR"),
                _("Revenue"),
                _("Refunds"),
                _("Class utilisation"),
                _("Trainer utilisation"),
            ],
            [
                [
                    d.day.isoformat(),
                    str(d.active_members),
                    str(d.new_members),
                    str(d.churned_voluntary),
                    str(d.churned_involuntary),
                    money_format(d.mrr_amount, d.currency),
                    money_format(d.revenue_amount, d.currency),
                    money_format(d.refunds_amount, d.currency),
                    pct(selectors.ratio(d.class_checkins, d.class_capacity)),
                    pct(selectors.ratio(d.booked_minutes, d.available_minutes)),
                ]
                for d in days
            ],
        ),
        Table(
            "packages",
            _("Revenue by package"),
            _("Invoice lines paid in the period, tax included; fees and manual charges have no package."),
            [_("Package"), _("Revenue")],
            [
                [name or _("Fees and other charges"), money_format(amount, money)]
                for name, amount in summary.revenue_by_package.items()
            ],
        ),
        _class_types_table(days, summary),
        Table(
            "trainers",
            _("Trainers"),
            _(
                "Utilisation: booked hours (1:1 sessions given, classes taught) ÷ working hours. Compliance: "
                "their clients' completed ÷ due program workouts."
            ),
            [
                _("Trainer"),
                _("Clients"),
                _("At risk"),
                _("Booked h"),
                _("Available h"),
                _("Utilisation"),
                _("Compliance"),
                _("Visits"),
                _("No-shows"),
                _("Rating"),
            ],
            [
                [
                    t.trainer.get_full_name() or t.trainer.email,
                    str(t.clients),
                    str(t.at_risk),
                    hours(t.booked_minutes),
                    hours(t.available_minutes),
                    pct(t.utilisation),
                    pct(t.compliance),
                    str(t.sessions_attended),
                    str(t.no_shows),
                    "" if t.rating_average is None else str(t.rating_average),
                ]
                for t in trainers
            ],
        ),
        Table(
            "cohorts",
            _("Retention by month of joining"),
            _(
                "Members who started their first membership that month; % still active at the end of each "
                "following month (month 0: the month they joined)."
            ),
            [_("Joined"), _("Members"), *[_("Month %(n)d") % {"n": n} for n in range(longest)]],
            [[c.month, str(c.members), *[pct(p) for p in c.retained]] for c in cohorts],
        ),
        Table(
            "ratings",
            _("Satisfaction"),
            _("Average of 1-5 ratings clients gave after attended sessions and classes, per trainer and class type."),
            [_("Trainer or class"), _("Ratings"), _("Average")],
            [[g.label, str(g.ratings), str(g.average)] for g in ratings],
        ),
    ]


def _class_types_table(days: list[Any], summary: selectors.StudioSummary) -> Table:
    """Class utilisation per class type, then the studio's total (the figure at the top)."""
    types = summary.class_utilisation_by_type
    total = [
        _("All classes"),
        str(sum(d.class_sessions for d in days)),
        str(sum(d.class_capacity for d in days)),
        str(sum(d.class_checkins for d in days)),
        str(sum(d.class_no_shows for d in days)),
        pct(summary.class_utilisation),
        pct(summary.class_utilisation_booked),
    ]
    return Table(
        "class_types",
        _("Class utilisation by class type"),
        _(
            "Utilisation: check-ins ÷ seats of the classes held (not cancelled) in the period; with no-shows: "
            "(check-ins + no-shows) ÷ seats. The last row is the whole studio."
        ),
        [
            _("Class type"),
            _("Classes"),
            _("Seats"),
            _("Check-ins"),
            _("No-shows"),
            _("Utilisation"),
            _("With no-shows"),
        ],
        [
            *[
                [
                    t.name,
                    str(t.sessions),
                    str(t.capacity),
                    str(t.checkins),
                    str(t.no_shows),
                    pct(t.utilisation),
                    pct(t.utilisation_booked),
                ]
                for t in types
            ],
            total,
        ]
        if days
        else [],
    )


def _csv(table: Table) -> HttpResponse:
    response = HttpResponse(csv_text(table.headers, table.rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{table.name}.csv"'
    return response


def exported(request: AuthedRequest, tables: list[Table]) -> HttpResponse | None:
    wanted = request.GET.get("export")
    if not wanted:
        return None
    table = next((t for t in tables if t.name == wanted), None)
    if table is None:
        raise Http404(_("No such table."))
    return _csv(table)


@dataclass(frozen=True)
class Figure:
    label: str
    value: str
    previous: str
    definition: str


def _figures(now: selectors.StudioSummary, before: selectors.StudioSummary) -> list[Figure]:
    def money(summary: selectors.StudioSummary, amount: int | None) -> str:
        return "" if amount is None else money_format(amount, summary.currency or now.currency or "USD")

    def both(get: Callable[[selectors.StudioSummary], str]) -> tuple[str, str]:
        return get(now), get(before)

    rows: list[tuple[str, tuple[str, str], str]] = [
        (
            _("Active members"),
            both(lambda s: str(s.active_end)),
            _("Clients with a membership that has started and not ended, not frozen, not past due, on the last day."),
        ),
        (
            _("New members"),
            both(lambda s: str(s.new_members)),
            _("Clients whose first membership started in the period."),
        ),
        (
            _("Left"),
            both(lambda s: f"{s.churned_voluntary} + {s.churned_involuntary}"),
            _("Clients whose membership ended with none other running: voluntary + involuntary (ended past due)."),
        ),
        (
            _("Attrition"),
            both(lambda s: pct(s.attrition)),
            _("Members who left ÷ the average of active members before the period and on its last day."),
        ),
        (
            _("MRR"),
            both(lambda s: money(s, s.mrr_amount)),
            _("Monthly value of active memberships on the last day (weekly × 52 ÷ 12, annual ÷ 12)."),
        ),
        (
            _("Revenue"),
            both(lambda s: money(s, s.revenue_net)),
            _("Invoices paid in the period, tax included, less refunds made in it."),
        ),
        (
            _("Revenue per member"),
            both(lambda s: money(s, s.arpm_amount)),
            _("Revenue ÷ the average number of active members over the period's days."),
        ),
        (
            _("Class utilisation"),
            both(lambda s: f"{pct(s.class_utilisation)} / {pct(s.class_utilisation_booked)}"),
            _("Check-ins ÷ seats of classes held; then with no-shows counted as used seats."),
        ),
        (
            _("Trainer utilisation"),
            both(lambda s: pct(s.trainer_utilisation)),
            _("Booked hours (1:1 sessions given incl. no-shows, classes taught) ÷ trainers' working hours."),
        ),
        (
            _("Satisfaction"),
            both(lambda s: "" if s.rating_average is None else f"{s.rating_average} / 5 ({s.ratings})"),
            _("Average 1-5 rating after attended sessions and classes (how many ratings)."),
        ),
        (
            _("NPS"),
            both(lambda s: "" if s.nps is None else f"{s.nps} ({s.nps_responses})"),
            _("% answering 9-10 minus % answering 0-6 to 'would you recommend us?' (how many answered)."),
        ),
    ]
    return [Figure(label, value, previous, definition) for label, (value, previous), definition in rows]


def _charts(request: AuthedRequest, start: date, end: date) -> list[Any]:
    days = list(selectors.business_days(actor=request.user, start=start, end=end))
    currency = days[-1].currency if days else "USD"
    return [
        line_chart([Series(_("Active members"), [(d.day, d.active_members) for d in days])], title=_("Active members")),
        line_chart(
            [Series(_("MRR"), [(d.day, d.mrr_amount / 100) for d in days])],
            title=_("MRR (%(currency)s)") % {"currency": currency},
        ),
        bar_chart(
            [
                Bar(d.day.strftime("%d"), d.revenue_amount / 100, money_format(d.revenue_amount, d.currency))
                for d in days
            ],
            title=_("Revenue by day (%(currency)s)") % {"currency": currency},
        ),
        line_chart(
            [
                Series(
                    _("Classes"),
                    [
                        (d.day, v)
                        for d in days
                        if (v := selectors.ratio(d.class_checkins, d.class_capacity)) is not None
                    ],
                ),
                Series(
                    _("Trainers"),
                    [
                        (d.day, v)
                        for d in days
                        if (v := selectors.ratio(d.booked_minutes, d.available_minutes)) is not None
                    ],
                ),
            ],
            title=_("Utilisation (%)"),
        ),
    ]


@forbidden_is_404
def studio_dashboard(request: AuthedRequest) -> HttpResponse:
    """Owners and managers: the studio's figures for a range, against the range before it."""
    if not can(request.user, "analytics.view_studio"):
        return HttpResponseRedirect(reverse("portal:trainer_dashboard", args=[request.user.pk]))
    start, end = date_range(request)
    tables = _studio_tables(request, start, end)
    answer = exported(request, tables)
    if answer is not None:
        return answer
    before = selectors.previous_period(start, end)
    now_summary = selectors.studio_summary(actor=request.user, start=start, end=end)
    before_summary = selectors.studio_summary(actor=request.user, start=before[0], end=before[1])
    context = {
        "start": start,
        "end": end,
        "previous": before,
        "figures": _figures(now_summary, before_summary),
        "at_risk_now": now_summary.at_risk_now,
        "charts": _charts(request, start, end),
        "tables": tables,
        "query": f"start={start.isoformat()}&end={end.isoformat()}",
    }
    return render(request, "portal/analytics/studio.html", context)


@forbidden_is_404
def analytics_settings(request: AuthedRequest) -> HttpResponse:
    """Owners and managers set the at-risk thresholds."""
    services.settings_check(actor=request.user)
    current = settings_get()
    if request.method == "POST":
        try:
            services.settings_update(
                actor=request.user,
                compliance_drop_points=int(request.POST.get("compliance_drop_points") or 0),
                inactive_days=int(request.POST.get("inactive_days") or 0),
                flag_lapsed_memberships=bool(request.POST.get("flag_lapsed_memberships")),
            )
        except (ApplicationError, ValueError) as exc:
            messages.error(request, getattr(exc, "message", _("Enter whole numbers.")))
        else:
            messages.success(request, _("Thresholds saved."))
            return HttpResponseRedirect(reverse("portal:analytics_settings"))
    return render(request, "portal/analytics/settings.html", {"settings": current})
