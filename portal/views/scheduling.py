"""Portal pages of scheduling: trainers' week and availability, clients' booking, classes and bookings.

Each view parses the form, calls one service or selector and renders; a refused action shows the
service's message and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.error_codes import ErrorCode
from core.exceptions import ApplicationError
from core.http import date_param, id_param
from core.permissions import is_studio_staff
from core.preferences import preferences_of
from core.studio_time import studio_zone
from domain.scheduling import selectors, services, slots
from domain.scheduling.models import Appointment, AvailabilityException, GroupSession, TrainerAvailability
from tenants.http import StudioRequest

WEEKDAYS = TrainerAvailability.Weekday.choices


def _acting(view: Callable[..., str | None]) -> Callable[..., HttpResponse]:
    """Run a POST action (the view returns the message to show, or None); a refused one becomes a message on
    the page it came from."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        back = request.POST.get("next") or reverse("portal:schedule")
        if not back.startswith("/"):
            back = reverse("portal:schedule")
        try:
            done = view(request, *args, **kwargs)
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return HttpResponseRedirect(back)
        if done:
            messages.success(request, done)
        return HttpResponseRedirect(back)

    return login_required(require_POST(wrapper))


def _local_date(value: str | None, default: date) -> date:
    return date_param(value) or default


@login_required
def schedule(request: StudioRequest) -> HttpResponse:
    """Trainers land on their week, clients on their bookings."""
    return redirect("portal:schedule_week" if is_studio_staff(request.user) else "portal:my_bookings")


# --- Trainer pages --------------------------------------------------------------------------------


@login_required
def week(request: StudioRequest) -> HttpResponse:
    if not is_studio_staff(request.user):
        return redirect("portal:my_bookings")
    today = timezone.localdate(timezone=studio_zone())
    first_day = preferences_of(request.user).week_start  # the person's calendar start day (0: Monday)
    start = _local_date(request.GET.get("start"), today)
    start -= timedelta(days=(start.weekday() - first_day) % 7)
    appointments, classes = selectors.trainer_week(trainer=request.user, week_start=start)
    zone = studio_zone()
    days = []
    for offset in range(7):
        day = start + timedelta(days=offset)
        entries: list[tuple[str, Appointment | GroupSession]] = [
            ("appointment", a) for a in appointments if a.starts_at.astimezone(zone).date() == day
        ]
        entries += [("class", c) for c in classes if c.starts_at.astimezone(zone).date() == day]
        entries.sort(key=lambda entry: entry[1].starts_at)
        days.append({"date": day, "entries": entries, "is_today": day == today})
    return render(
        request,
        "portal/scheduling/week.html",
        {
            "days": days,
            "week_start": start,
            "previous_week": start - timedelta(days=7),
            "next_week": start + timedelta(days=7),
            "now": timezone.now(),
            "zone": zone,
        },
    )


class EndTimeField(forms.TimeField):
    """An end time: "24:00" is the midnight ending the day; at or before the start means the next day."""

    def to_python(self, value: str | time | None) -> time | None:
        if isinstance(value, str) and value.strip() in ("24:00", "24:00:00"):
            return slots.end_time_parse(value)
        return super().to_python(value)


class ExceptionForm(forms.Form):
    day = forms.DateField(label=gettext_lazy("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=AvailabilityException.Kind.choices)
    start_time = forms.TimeField(
        label=gettext_lazy("From"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    end_time = EndTimeField(
        label=gettext_lazy("Until"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
        help_text=gettext_lazy("At or before the start: the next day (22:30 until 02:00)."),
    )
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=200)


@login_required
def availability(request: StudioRequest) -> HttpResponse:
    """The weekly hours editor: up to three ranges per weekday, plus time off and extra hours."""
    if not is_studio_staff(request.user):
        return redirect("portal:my_bookings")
    trainer = request.user
    if request.method == "POST":
        hours = []
        for weekday, _label in WEEKDAYS:
            for index in range(3):
                start = request.POST.get(f"d{weekday}_{index}_start")
                end = request.POST.get(f"d{weekday}_{index}_end")
                if start and end:
                    try:
                        start_at, end_at = time.fromisoformat(start), slots.end_time_parse(end)
                        hours.append(services.WeeklyHours(weekday, start_at, end_at))
                    except ValueError:
                        messages.error(request, _("Use times like 09:00."))
                        return redirect("portal:schedule_availability")
        try:
            services.availability_set(actor=trainer, trainer_id=trainer.pk, hours=hours)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Your working hours are saved."))
        return redirect("portal:schedule_availability")
    weekly = selectors.availability_weekly(trainer_id=trainer.pk)
    rows = []
    for weekday, label in WEEKDAYS:
        ranges: list[tuple[time | None, time | None, bool]] = [
            (h.start_time, h.end_time, h.ends_next_day) for h in weekly if h.weekday == weekday
        ]
        ranges += [(None, None, False)] * (3 - len(ranges))
        rows.append({"weekday": weekday, "label": label, "ranges": list(enumerate(ranges[:3]))})
    today = timezone.localdate(timezone=studio_zone())
    return render(
        request,
        "portal/scheduling/availability.html",
        {
            "rows": rows,
            "exceptions": selectors.availability_exceptions(trainer_id=trainer.pk, since=today),
            "exception_form": ExceptionForm(),
        },
    )


@_acting
def availability_exception_add(request: StudioRequest) -> str:
    form = ExceptionForm(request.POST)
    if not form.is_valid():
        raise ApplicationError(_("Check the date and times."), code=ErrorCode.FORM_INVALID)
    services.availability_exception_add(actor=request.user, trainer_id=request.user.pk, **form.cleaned_data)
    return _("Saved.")


@_acting
def availability_exception_remove(request: StudioRequest, exception_id: int) -> str:
    services.availability_exception_remove(actor=request.user, exception_id=exception_id)
    return _("Removed.")


@_acting
def appointment_confirm(request: StudioRequest, appointment_id: int) -> str:
    services.appointment_confirm(actor=request.user, appointment_id=appointment_id)
    return _("Appointment confirmed.")


@_acting
def appointment_attendance(request: StudioRequest, appointment_id: int) -> str:
    attended = request.POST.get("attended") == "1"
    services.appointment_mark_attendance(actor=request.user, appointment_id=appointment_id, attended=attended)
    return _("Attendance recorded.")


# --- Client pages ---------------------------------------------------------------------------------


@login_required
def book(request: StudioRequest) -> HttpResponse:
    """Pick a trainer, a type and a date; see the open slots; book one."""
    trainers = list(selectors.trainer_list())
    trainer_id = id_param(request.GET.get("trainer"))
    types = list(selectors.appointment_type_list(trainer_id=trainer_id)) if trainer_id else []
    type_id = id_param(request.GET.get("type"))
    today = timezone.localdate(timezone=studio_zone())
    day = _local_date(request.GET.get("date"), today)
    found: list[selectors.Slot] = []
    if trainer_id and type_id:
        try:
            found = selectors.trainer_slots(
                trainer_id=trainer_id, appointment_type_id=type_id, start_date=day, end_date=day + timedelta(days=6)
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
    zone = studio_zone()
    uses = ""
    if type_id and request.user.role == "client":
        from billing.payments.services import Bookable, entitlement_decide

        start = datetime.combine(day, time(12), zone)
        uses = entitlement_decide(
            client=request.user, bookable=Bookable(appointment_type_id=type_id, starts_at=start)
        ).describe()
    by_day: dict[date, list[datetime]] = {}
    for slot in found:
        local = slot.starts_at.astimezone(zone)
        by_day.setdefault(local.date(), []).append(local)
    return render(
        request,
        "portal/scheduling/book.html",
        {
            "trainers": trainers,
            "types": types,
            "trainer_id": trainer_id,
            "type_id": type_id,
            "day": day,
            "slots_by_day": sorted(by_day.items()),
            "searched": bool(trainer_id and type_id),
            "uses": uses,
        },
    )


@_acting
def book_slot(request: StudioRequest) -> str:
    try:
        starts_at = datetime.fromisoformat(request.POST["starts_at"])
        trainer_id, type_id = int(request.POST["trainer"]), int(request.POST["type"])
    except (KeyError, ValueError) as exc:
        raise ApplicationError(_("Choose a slot."), code=ErrorCode.FORM_INVALID) from exc
    appointment = services.appointment_book(
        actor=request.user,
        trainer_id=trainer_id,
        client_id=request.user.pk,
        appointment_type_id=type_id,
        starts_at=starts_at,
    )
    if appointment.status == appointment.Status.REQUESTED:
        return _("Requested: your trainer will confirm it.")
    return _("Booked. See you then!")


@_acting
def appointment_cancel(request: StudioRequest, appointment_id: int) -> str:
    scope = "following" if request.POST.get("scope") == "following" else "this"
    cancelled = services.appointment_cancel(
        actor=request.user, appointment_id=appointment_id, reason=request.POST.get("reason", ""), scope=scope
    )
    if any(a.is_late_cancellation for a in cancelled):
        return _("Cancelled. This was inside the studio's late-cancellation window.")
    return _("Cancelled.")


@login_required
def classes(request: StudioRequest) -> HttpResponse:
    """The next two weeks' classes, with the visitor's own place (seat or waitlist) on each."""
    now = timezone.now()
    sessions = list(selectors.group_session_list(viewer=request.user, start=now, end=now + timedelta(days=14))[:200])
    if request.user.role == "client":
        _what_it_uses(request.user, sessions, now=now)
    return render(request, "portal/scheduling/classes.html", {"sessions": sessions, "zone": studio_zone()})


def _what_it_uses(client: Any, sessions: list[Any], *, now: datetime) -> None:
    """Say on each class what booking it would use (one decision per class type and studio week)."""
    from billing.payments.selectors import week_bounds
    from billing.payments.services import Bookable, entitlement_decide

    zone = str(studio_zone())
    decided: dict[tuple[int, datetime], Any] = {}
    for session in sessions:
        key = (session.class_type_id, week_bounds(session.starts_at, zone)[0])
        if key not in decided:
            bookable = Bookable(class_type_id=session.class_type_id, starts_at=session.starts_at)
            decided[key] = entitlement_decide(client=client, bookable=bookable, now=now)
        session.uses = decided[key].describe()
        session.pass_ok = decided[key].allowed


@_acting
def class_register(request: StudioRequest, session_id: int) -> str:
    participant = services.group_session_register(actor=request.user, session_id=session_id)
    if participant.waitlist_position:
        return _("The class is full: you are number %(n)d on the waitlist.") % {"n": participant.waitlist_position}
    return _("You have a seat.")


@_acting
def class_unregister(request: StudioRequest, session_id: int) -> str:
    services.group_session_unregister(actor=request.user, session_id=session_id)
    return _("Your place is cancelled.")


@login_required
def my_bookings(request: StudioRequest) -> HttpResponse:
    appointments, places = selectors.client_upcoming(client=request.user)
    feed_url = request.session.pop("calendar_feed_url", None)
    return render(
        request,
        "portal/scheduling/my_bookings.html",
        {"appointments": appointments, "places": places, "zone": studio_zone(), "feed_url": feed_url},
    )


@_acting
def calendar_feed_new(request: StudioRequest) -> str:
    token = services.calendar_feed_rotate(owner=request.user)
    request.session["calendar_feed_url"] = request.build_absolute_uri(reverse("calendar_feed", args=[token]))
    return _("Your new calendar link is below; any previous link stopped working.")


@_acting
def calendar_feed_revoke(request: StudioRequest) -> str:
    services.calendar_feed_revoke(owner=request.user)
    return _("Your calendar link no longer works.")
