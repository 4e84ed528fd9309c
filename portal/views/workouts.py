"""The client's workouts: this week's list and the mobile logger that keeps working offline.

The logger page carries the workout as the API shows it (`GET /api/v1/workouts/{id}`) and posts the
whole log to `POST /api/v1/workouts/{id}/complete` with the session cookie. Everything typed is kept
on the device first (static/js/workout-logger.js), so a lost connection loses nothing.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from core.decorators import page_requires
from core.permissions import is_client
from core.studio_time import studio_today
from domain.programs.selectors import workout_get
from domain.progress.selectors import display_unit_system
from domain.progress.units import unit_label
from domain.workouts import schemas, selectors
from domain.workouts.models import Mood
from portal.views.common import found, offline_service_worker
from portal.views.videos import set_videos_attach
from tenants.http import StudioRequest


def logger_texts() -> dict[str, str]:
    """Every string the logger's script shows, translated here (no JavaScript catalog needed)."""
    return {
        "set": _("Set"),
        "rest": _("rest %(seconds)s s"),
        "reps": _("Reps"),
        "seconds": _("Seconds"),
        "load": _("Load"),
        "rpe": _("RPE"),
        "done": _("Done"),
        "undo": _("Undo"),
        "add_set": _("Add a set"),
        "skip": _("Skip exercise"),
        "unskip": _("Do this exercise"),
        "skipped": _("Skipped"),
        "online": _("Online"),
        "offline": _("Offline — your sets are kept on this phone"),
        "queued": _("Saved on this phone. It will be sent as soon as you are back online."),
        "sending": _("Sending…"),
        "sent": _("Workout logged. Well done!"),
        "already": _("This workout was already logged."),
        "signin": _("Your session has ended. Sign in again and open this page: your log is still here."),
        "failed": _("The log could not be saved:"),
        "finish": _("Finish workout"),
        "new_record": _("New personal record"),
        "first_log": _("First log"),
        "next_week": _("Your program moves on to week %(week)s."),
        "load_up": _("Next time: %(exercise)s at %(load)s."),
        "nothing": _("Mark at least one set as done, or skip the exercises you did not do."),
        "add_videos": _("Add a video of a set"),
    }


@page_requires("workouts.view")
def my_workouts(request: StudioRequest) -> HttpResponse:
    """The client's week: workouts to log (with links to the logger) and what they logged lately."""
    if not is_client(request.user):
        return redirect("portal:client_list")
    client = request.user
    system = display_unit_system(viewer=request.user, client_id=client.pk)
    recent = [schemas.completion_out(c, system) for c in selectors.workout_history(client=client)[:10]]
    set_videos_attach(recent)
    return render(
        request,
        "portal/workouts/list.html",
        {
            "sessions": selectors.sessions_around(client=client),
            "recent": recent,
            "records": [schemas.record_out(r, system) for r in selectors.records_recent(client=client)],
            "today": studio_today(),
        },
    )


@never_cache
@page_requires("workouts.log")
def workout_log(request: StudioRequest, workout_id: int) -> HttpResponse:
    """The logger (mobile first): the client, or staff who may see them, logs set by set."""
    session = found(workout_get, actor=request.user, session_id=workout_id)
    client_id = session.client_program.client_id
    system = display_unit_system(viewer=request.user, client_id=client_id)
    workout = schemas.workout_out(session, selectors.completion_of_session(session_id=session.pk), system)
    if workout["completion"]:
        set_videos_attach([workout["completion"]])
    return render(
        request,
        "portal/workouts/logger.html",
        {
            "workout": workout,
            "config": {
                "workoutId": session.pk,
                "userId": request.user.pk,
                "completeUrl": reverse("api-v1:workout_complete", kwargs={"workout_id": session.pk}),
                "serviceWorker": reverse("portal:workout_logger_sw"),
                "scope": reverse("portal:my_workouts"),
                "loadUnit": unit_label("mass", system),
                "moods": Mood.choices,
                "texts": logger_texts(),
            },
        },
    )


def logger_service_worker(request: HttpRequest) -> HttpResponse:
    """The logger's service worker, served under /me/workouts/ so its scope covers the logger pages."""
    return offline_service_worker(
        request,
        cache="fitwell-logger",
        page_pattern=r"\/log\/$",
        assets=[static("js/workout-logger.js"), static("css/workouts.css"), static("css/fitwell.css")],
    )
