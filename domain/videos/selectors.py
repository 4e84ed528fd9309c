"""Reads of videos. Every lookup is scoped to the clients the asker may see (themself; a trainer's
assigned clients; everyone for owners and managers): anything else is "not found", like another studio's."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from core.error_codes import ErrorCode
from core.exceptions import NotFoundError, ValidationError
from core.models import User
from core.permissions import require
from domain.clients.selectors import clients_visible_to
from domain.videos.models import Processing, ReviewStatus, Video, VideoAnnotation, VideoFeedback, VideoStatusChange

OPEN_REVIEW = (ReviewStatus.PENDING, ReviewStatus.IN_REVIEW)


def videos_visible_to(actor: User) -> QuerySet[Video]:
    return Video.objects.filter(client__in=clients_visible_to(actor))


def video_get(*, actor: User, video_id: int, for_update: bool = False) -> Video:
    """One video the actor may see (locked when `for_update`). Raises PermissionDeniedError (403) for a role
    that may not view videos, NotFoundError (404) for a video outside the actor's scope or another studio's."""
    require(actor, "videos.view")
    videos = videos_visible_to(actor).filter(pk=video_id)
    video = (videos.select_for_update() if for_update else videos.select_related("client", "exercise")).first()
    if video is None:
        raise NotFoundError(_("Video not found."))
    return video


def review_queue(
    *, actor: User, status: str | None = None, client_id: int | None = None, exercise_id: int | None = None
) -> QuerySet[Video]:
    """Playable videos waiting for (or in) review, oldest submission first; `status` narrows to one status."""
    if status is not None and status not in ReviewStatus.values:
        raise ValidationError(
            _("Unknown status."), code=ErrorCode.VIDEO_INVALID, fields={"status": _("Unknown status.")}
        )
    videos = videos_visible_to(actor).filter(processing=Processing.READY)
    videos = videos.filter(status=status) if status else videos.filter(status__in=OPEN_REVIEW)
    if client_id is not None:
        videos = videos.filter(client_id=client_id)
    if exercise_id is not None:
        videos = videos.filter(exercise_id=exercise_id)
    return videos.select_related("client", "exercise").order_by("submitted_at", "id")


def video_list(*, client: User, exercise_id: int | None = None) -> QuerySet[Video]:
    """A client's videos, newest first: `client` is what `domain.clients.selectors.client_in_scope`
    (action "videos.view") returned, or a video's client that `video_get` found visible."""
    videos = Video.objects.filter(client=client).select_related("client", "exercise")
    if exercise_id is not None:
        videos = videos.filter(exercise_id=exercise_id)
    return videos.order_by("-created_at", "-id")


def feedback_list(*, video: Video) -> QuerySet[VideoFeedback]:
    return VideoFeedback.objects.filter(video=video).select_related("author").order_by("created_at", "id")


def annotation_list(*, video: Video) -> QuerySet[VideoAnnotation]:
    return VideoAnnotation.objects.filter(video=video).select_related("author").order_by("time_ms", "id")


def status_history(*, video: Video) -> QuerySet[VideoStatusChange]:
    return VideoStatusChange.objects.filter(video=video).select_related("actor").order_by("changed_at", "id")


def compare_pair(*, actor: User, first_id: int, second_id: int) -> tuple[Video, Video]:
    """Two playable videos of the same exercise, both visible to the actor, for side-by-side playback."""
    first, second = video_get(actor=actor, video_id=first_id), video_get(actor=actor, video_id=second_id)
    if first.pk == second.pk:
        raise ValidationError(_("Choose two different videos."), code=ErrorCode.COMPARE_INVALID)
    if first.exercise_id is None or first.exercise_id != second.exercise_id:
        raise ValidationError(_("Only videos of the same exercise can be compared."), code=ErrorCode.COMPARE_INVALID)
    if first.processing != Processing.READY or second.processing != Processing.READY:
        raise ValidationError(_("Both videos must be processed first."), code=ErrorCode.COMPARE_INVALID)
    return first, second


def videos_of_sets(*, set_ids: Iterable[int]) -> dict[int, list[Video]]:
    """logged set id -> its videos (oldest first), in one query, for the workout history."""
    by_set: dict[int, list[Video]] = defaultdict(list)
    for video in Video.objects.filter(logged_set_id__in=list(set_ids)).order_by("created_at", "id"):
        if video.logged_set_id is not None:  # always, by the filter
            by_set[video.logged_set_id].append(video)
    return dict(by_set)


def video_by_id(*, video_id: int) -> Video | None:
    """A video by id without a visibility check: only for a request carrying a signed token for it."""
    return Video.objects.filter(pk=video_id).first()


def videos_sent_by_client(*, start: datetime, end: datetime) -> dict[int, int]:
    """client id -> videos whose upload completed in [start, end) (for reports)."""
    rows = (
        Video.objects.filter(submitted_at__gte=start, submitted_at__lt=end).values("client_id").annotate(n=Count("id"))
    )
    return {row["client_id"]: row["n"] for row in rows}
