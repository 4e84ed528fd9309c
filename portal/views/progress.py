"""Progress pages: the client's own (/me/progress/) and the trainer's view of a client
(/clients/<id>/progress/) are the same page: charts, records, check-ins and photos.

Charts are inline SVG drawn by portal/charts.py from the selectors' series, in the client's units.
Photos are <img> tags pointing at the authorised API view; the storage never shows up in the page.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.decorators import page_requires
from core.exceptions import ApplicationError
from core.models import User
from core.permissions import can, is_client
from core.studio_time import studio_today
from domain.clients.selectors import client_in_scope
from domain.progress import selectors as progress
from domain.progress import services
from domain.progress.starter import BODY_WEIGHT
from domain.progress.units import Dimension, display, from_metric, unit_label
from domain.workouts import schemas
from domain.workouts import selectors as workouts
from portal.charts import Bar, Series, adherence_tone, bar_chart, line_chart
from portal.forms_progress import CheckInForm, PhotoForm
from portal.views.common import found
from tenants.http import StudioRequest

CIRCUMFERENCES = ("waist", "hips", "chest", "arm", "thigh")
HISTORY_DAYS = 365


def _converter(dimension: str, system: str, custom_unit: str = "") -> tuple[Any, Any]:
    """(to a chart number, chart number to text) for values of a dimension in a unit system."""

    def number(value: Decimal) -> float:
        return float(from_metric(value, dimension, system))

    def text(value: float) -> str:
        if dimension == Dimension.TIME:
            return display(Decimal(str(value)), dimension, system)
        shown = f"{value:.1f}".rstrip("0").rstrip(".")
        unit = unit_label(dimension, system, custom_unit)
        return f"{shown}%" if dimension == Dimension.PERCENT else f"{shown} {unit}".strip()

    return number, text


def _body_charts(client: User, system: str) -> list[Any]:
    since = studio_today() - timedelta(days=HISTORY_DAYS)
    series = progress.measurement_series(client=client, since=since)
    kinds = progress.types_by_slug(series)
    charts = []
    weight = series.get(BODY_WEIGHT)
    number, text = _converter(Dimension.MASS, system)
    charts.append(
        line_chart(
            [Series(_("Body weight"), [(day, number(v)) for day, v in weight or []])],
            title=_("Body weight"),
            fmt=text,
            empty_message=_("No body weight recorded yet."),
        )
    )
    rounds = [slug for slug in CIRCUMFERENCES if slug in series]
    number, text = _converter(Dimension.LENGTH, system)
    charts.append(
        line_chart(
            [Series(kinds[slug].label, [(day, number(v)) for day, v in series[slug]]) for slug in rounds],
            title=_("Measurements"),
            fmt=text,
            empty_message=_("No circumferences recorded yet."),
        )
    )
    for slug, points in series.items():  # everything else measured: body fat, resting heart rate, own types
        kind = kinds[slug]
        if slug == BODY_WEIGHT or slug in CIRCUMFERENCES or len(points) < 2:
            continue
        number, text = _converter(kind.dimension, system, kind.custom_unit)
        charts.append(line_chart([Series(kind.label, [(d, number(v)) for d, v in points])], title=kind.label, fmt=text))
    performance = progress.metric_series(client=client, since=since)
    performance_kinds = progress.types_by_slug(performance)
    for slug, points in performance.items():
        kind = performance_kinds[slug]
        number, text = _converter(kind.dimension, system, kind.custom_unit)
        charts.append(line_chart([Series(kind.label, [(d, number(v)) for d, v in points])], title=kind.label, fmt=text))
    return charts


def _training_charts(client: User, system: str) -> list[Any]:
    weeks = workouts.training_weeks(client=client, weeks=12)
    lifts = workouts.strength_series(client=client, lifts=4, since=studio_today() - timedelta(days=HISTORY_DAYS))
    number, text = _converter(Dimension.MASS, system)
    this_week = weeks[-1].week_start

    def week_label(monday: Any) -> str:
        return date_format(monday, "j M")

    def tonnage(value: float) -> str:
        return f"{value / 1000:.1f}k".replace(".0k", "k") if value >= 10_000 else text(value)

    return [
        line_chart(
            [Series(lift.name, [(day, number(value)) for day, value in lift.points]) for lift in lifts],
            title=_("Estimated 1RM"),
            fmt=text,
            empty_message=_("Log sets with a load to see estimated maxes."),
        ),
        bar_chart(
            [
                Bar(
                    week_label(w.week_start),
                    number(w.volume_kg),
                    schemas.volume_display(w.volume_kg, system),
                    "current" if w.week_start == this_week else "",
                )
                for w in weeks
            ],
            title=_("Weekly volume (load × reps)"),
            fmt=tonnage,
            empty_message=_("No training logged in the last 12 weeks."),
        ),
        bar_chart(
            [
                Bar(
                    week_label(w.week_start),
                    float(w.adherence or 0),
                    f"{w.adherence}%" if w.due else "—",
                    adherence_tone(w.adherence),
                )
                for w in weeks
            ],
            title=_("Adherence (program workouts done)"),
            maximum=100,
            fmt=lambda v: f"{v:.0f}%",
            empty_message=_("No program workouts were due in the last 12 weeks."),
        ),
    ]


def _page(
    request: StudioRequest, client: User, *, check_in: CheckInForm | None = None, photo: PhotoForm | None = None
) -> HttpResponse:
    actor: User = request.user
    system = progress.display_unit_system(viewer=request.user, client_id=client.pk)
    own = actor.pk == client.pk
    today = studio_today()
    types = progress.metric_types()
    photos = [
        {"photo": p, "url": reverse("api-v1:progress_photo_image", kwargs={"photo_id": p.pk})}
        for p in progress.photo_list(client=client)[:24]
    ]
    context: dict[str, Any] = {
        "client": client,
        "own": own,
        "units": system,
        "body_charts": _body_charts(client, system),
        "training_charts": _training_charts(client, system),
        "boards": schemas.records_board_out(workouts.personal_records(client=client), system),
        "recent_records": [schemas.record_out(r, system) for r in workouts.records_recent(client=client)],
        "entries": [
            {"entry": e, "values": [_value_text(v, system) for v in [*e.measurements.all(), *e.metrics.all()]]}
            for e in progress.entry_list(client=client)[:8]
        ],
        "photos": photos,
        "check_in": check_in or CheckInForm(types=types, system=system, today=today),
        "photo_form": photo or PhotoForm(today=today, own=own),
        "can_record": can(actor, "progress.record", client),
        "can_upload": can(actor, "progress.upload_photo", client),
        "can_delete_photos": can(actor, "progress.delete_photo", client),
    }
    status = 400 if (check_in is not None and check_in.errors) or (photo is not None and photo.errors) else 200
    return render(request, "portal/progress/page.html", context, status=status)


def _value_text(row: Any, system: str) -> str:
    kind = row.type
    return f"{kind.label}: {display(row.value, kind.dimension, system, kind.custom_unit)}"


def _client(request: HttpRequest, client_id: int) -> User:
    """The client whose progress the page shows, if the person may see it (404 or 403 from the selector)."""
    return found(client_in_scope, actor=request.user, client_id=client_id, action="progress.view")


@page_requires("progress.view")
def my_progress(request: StudioRequest) -> HttpResponse:
    if not is_client(request.user):
        return redirect("portal:client_list")
    return _page(request, request.user)


@page_requires("progress.view")
def client_progress(request: StudioRequest, client_id: int) -> HttpResponse:
    return _page(request, _client(request, client_id))


def _back(request: HttpRequest, client: User) -> HttpResponse:
    if request.user.pk == client.pk:
        return redirect("portal:my_progress")
    return redirect("portal:client_progress", client_id=client.pk)


@require_POST
@page_requires("progress.record")
def progress_check_in(request: StudioRequest, client_id: int) -> HttpResponse:
    client = _client(request, client_id)
    system = progress.display_unit_system(viewer=request.user, client_id=client.pk)
    form = CheckInForm(request.POST, types=progress.metric_types(), system=system, today=studio_today())
    if form.is_valid():
        try:
            services.progress_entry_record(actor=request.user, client_id=client.pk, data=form.to_data())
        except ApplicationError as exc:
            form.place_errors(exc)
        else:
            messages.success(request, _("Check-in saved."))
            return _back(request, client)
    return _page(request, client, check_in=form)


@require_POST
@page_requires("progress.upload_photo")
def progress_photo_add(request: StudioRequest, client_id: int) -> HttpResponse:
    client = _client(request, client_id)
    form = PhotoForm(request.POST, request.FILES, today=studio_today(), own=request.user.pk == client.pk)
    if form.is_valid():
        try:
            services.progress_photo_upload(
                actor=request.user,
                client_id=client.pk,
                pose=form.cleaned_data["pose"],
                image=form.cleaned_data["image"],
                consent=form.cleaned_data["consent"],
                taken_on=form.cleaned_data["taken_on"],
            )
        except ApplicationError as exc:
            form.place_errors(exc)
        else:
            messages.success(request, _("Photo saved."))
            return _back(request, client)
    return _page(request, client, photo=form)


@require_POST
@page_requires("progress.delete_photo")
def progress_photo_remove(request: StudioRequest, client_id: int, photo_id: int) -> HttpResponse:
    client = _client(request, client_id)
    found(services.progress_photo_delete, actor=request.user, photo_id=photo_id)
    messages.success(request, _("Photo deleted."))
    return _back(request, client)
