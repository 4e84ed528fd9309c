"""Form-check video pages: a client's videos (and upload), the trainer's review queue, the player with
frame steps and drawings, and side-by-side compare.

The pages render what the API answers (domain/videos/schemas.py) and the scripts talk to the same API
with the session cookie: static/js/video-upload.js sends the file in chunks or to the bucket;
static/js/video-player.js plays, steps frames, draws and saves annotations, and syncs two players.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.decorators import page_requires
from core.exceptions import ApplicationError
from core.http import id_param
from core.models import Role, User
from core.permissions import can
from core.studio_time import studio_zone
from domain.clients.selectors import client_in_scope
from domain.videos import schemas, selectors, services
from domain.videos.models import TRANSITIONS, ReviewStatus
from portal.views.common import found
from tenants.http import StudioRequest


def player_texts() -> dict[str, str]:
    """Every string the scripts show, translated here (no JavaScript catalog needed)."""
    return {
        "uploading": _("Uploading… %(percent)s%%"),
        "checking": _("Checking the video…"),
        "processing": _("Processing… this page updates by itself."),
        "ready": _("Ready"),
        "failed": _("The upload failed:"),
        "resume": _("The connection dropped; trying again…"),
        "choose": _("Choose a video first."),
        "frame": _("Frame %(frame)s"),
        "saved": _("Annotation saved."),
        "nothing": _("Draw something or write a note first."),
        "deleted": _("Annotation removed."),
        "error": _("That did not work:"),
    }


def _render(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """Render with times shown in the studio's zone (the `date` filter follows the current zone)."""
    with timezone.override(studio_zone()):
        return render(request, template, context)


def _uploader_config(client: User, logged_set_id: str | None) -> dict[str, Any]:
    return {
        "startUrl": reverse("api-v1:video_upload_start"),
        "clientId": client.pk,
        "loggedSetId": id_param(logged_set_id),
        "texts": player_texts(),
    }


def _videos_page(request: HttpRequest, client: User) -> HttpResponse:
    videos = [schemas.video_out(v) for v in selectors.video_list(client=client)[:50]]
    return _render(
        request,
        "portal/videos/list.html",
        {
            "client": client,
            "videos": videos,
            "uploader": _uploader_config(client, request.GET.get("set")),
            "own": request.user.pk == client.pk,
        },
    )


@page_requires("videos.view")
def my_videos(request: StudioRequest) -> HttpResponse:
    """A client's own videos and the upload ("add a video" from the logger lands here with ?set=)."""
    if request.user.role != Role.CLIENT:
        return redirect("portal:video_queue")
    return _videos_page(request, request.user)


@page_requires("videos.view")
def client_videos(request: StudioRequest, client_id: int) -> HttpResponse:
    """Staff: one client's videos, and an upload on the client's behalf."""
    client = found(client_in_scope, actor=request.user, client_id=client_id, action="videos.view")
    return _videos_page(request, client)


@page_requires("videos.review")
def video_queue(request: StudioRequest) -> HttpResponse:
    """The trainer's review queue: their clients' videos waiting, oldest first, with filters."""
    status = request.GET.get("status") or None
    client_id = request.GET.get("client")
    try:
        videos = selectors.review_queue(
            actor=request.user,
            status=status,
            client_id=id_param(client_id),
        )[:100]
    except ApplicationError:
        return redirect("portal:video_queue")
    return _render(
        request,
        "portal/videos/queue.html",
        {"videos": [schemas.video_out(v) for v in videos], "statuses": ReviewStatus.choices, "status": status},
    )


@page_requires("videos.view")
def video_detail(request: StudioRequest, video_id: int) -> HttpResponse:
    """The player: frame steps, slow motion, annotations (drawing tools for staff), thread, workflow."""
    video = found(selectors.video_get, actor=request.user, video_id=video_id)
    staff = can(request.user, "videos.review")
    body = schemas.video_out(video)
    annotations = [schemas.annotation_out(a) for a in selectors.annotation_list(video=video)]
    others = selectors.video_list(client=video.client, exercise_id=video.exercise_id).exclude(pk=video.pk)
    return _render(
        request,
        "portal/videos/detail.html",
        {
            "video": body,
            "feedback": [schemas.feedback_out(f) for f in selectors.feedback_list(video=video)],
            "history": [schemas.change_out(c) for c in selectors.status_history(video=video)],
            "next_statuses": [(s, ReviewStatus(s).label) for s in sorted(TRANSITIONS[video.status])] if staff else [],
            "compare_with": list(others[:10]) if video.exercise_id else [],
            "staff": staff,
            "player": {
                "video": body,
                "annotations": annotations,
                "annotationsUrl": reverse("api-v1:video_annotations", kwargs={"video_id": video.pk}),
                "canDraw": can(request.user, "videos.annotate"),
                "texts": player_texts(),
            },
        },
    )


@require_POST
@page_requires("videos.comment")
def video_comment(request: StudioRequest, video_id: int) -> HttpResponse:
    """Add a comment; a video outside the person's scope is a 404 (as the player's page is), other refusals
    come back as a message on the player."""
    try:
        found(services.video_feedback_add, actor=request.user, video_id=video_id, body=request.POST.get("body", ""))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("portal:video_detail", video_id=video_id)


@require_POST
@page_requires("videos.review")
def video_status(request: StudioRequest, video_id: int) -> HttpResponse:
    """Move the review (staff); a video outside the person's scope is a 404, other refusals a message."""
    try:
        found(
            services.video_status_change,
            actor=request.user,
            video_id=video_id,
            status=request.POST.get("status", ""),
            note=request.POST.get("note", ""),
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Review updated."))
    return redirect("portal:video_detail", video_id=video_id)


@page_requires("videos.view")
def video_compare(request: StudioRequest) -> HttpResponse:
    """Two attempts of one exercise side by side: synchronised playback with an adjustable offset."""
    first, second = request.GET.get("a", ""), request.GET.get("b", "")
    if id_param(first) is None or id_param(second) is None:
        return redirect("portal:my_videos")
    try:  # a video outside the person's scope is a 404, like the player's page
        pair = found(selectors.compare_pair, actor=request.user, first_id=int(first), second_id=int(second))
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("portal:video_detail", video_id=int(first))
    videos = [schemas.video_out(v) for v in pair]
    return _render(
        request,
        "portal/videos/compare.html",
        {"videos": videos, "compare": {"videos": videos, "texts": player_texts()}},
    )


def set_videos_attach(completions: list[dict[str, Any]]) -> None:
    """Give every set of these logged workouts (as `completion_out` shapes them) its `videos` [{id, title}],
    for the "add a video" / "watch" links of the workout history and the logger (one query)."""
    sets = [s for c in completions for item in c["exercises"] for s in item["sets"]]
    by_set = selectors.videos_of_sets(set_ids=[s["id"] for s in sets])
    for s in sets:
        s["videos"] = [{"id": v.pk, "title": v.title} for v in by_set.get(s["id"], [])]
