"""Writes of the review: the status workflow (with its history and the client told after commit), the
comments thread, and annotations anchored to a frame.

Annotation shapes are vector data in coordinates relative to the displayed picture (x, y in 0..1 from
the top left), so a drawing lands on the same spot on a phone and on a desktop:
    {"type": "line" | "arrow", "points": [[x1, y1], [x2, y2]]}          from first to second point
    {"type": "circle", "points": [[cx, cy], [x, y]]}                     centre and a point on the edge
    {"type": "angle", "points": [[x1, y1], [vx, vy], [x2, y2]]}          the angle at the middle point
each with an optional "color" ("#rrggbb").
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.audit import AuditAction, audit_record
from core.db import tenant_connection
from core.error_codes import ErrorCode
from core.exceptions import ConflictError, NotFoundError
from core.models import User
from core.permissions import is_management, require
from core.preferences import preferences_of
from core.tenancy import studio_base_url
from core.validation import FieldErrors
from domain.messaging.services import notify
from domain.notifications.channels import DeliveryError
from domain.videos.models import (
    TRANSITIONS,
    VERDICTS,
    Processing,
    ReviewStatus,
    Video,
    VideoAnnotation,
    VideoFeedback,
    VideoStatusChange,
)
from domain.videos.selectors import video_get

SHAPE_POINTS = {"line": 2, "arrow": 2, "circle": 2, "angle": 3}
MAX_SHAPES = 30
DEFAULT_COLOR = "#ff3b30"
COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


@transaction.atomic
def video_status_change(*, actor: User, video_id: int, status: str, note: str = "") -> VideoStatusChange:
    """Move the review along the workflow (models.TRANSITIONS); a verdict is emailed to the client after
    commit. Raises ValidationError (unknown status, long note), ConflictError (not ready, not allowed
    from the current status), NotFoundError, PermissionDeniedError (clients)."""
    require(actor, "videos.review")
    video = video_get(actor=actor, video_id=video_id, for_update=True)
    errors = FieldErrors()
    errors.choice("status", status, ReviewStatus)
    note = errors.text("note", note, max_length=500, required=False)
    errors.raise_if_any(code=ErrorCode.VIDEO_INVALID)
    if video.processing != Processing.READY:
        raise ConflictError(_("The video can be reviewed once it is processed."), code=ErrorCode.VIDEO_NOT_READY)
    if status not in TRANSITIONS[video.status]:
        raise ConflictError(
            _("A video “%(from)s” cannot become “%(to)s”.")
            % {"from": ReviewStatus(video.status).label, "to": ReviewStatus(status).label},
            code=ErrorCode.STATUS_TRANSITION,
        )
    change = VideoStatusChange.objects.create(
        video=video, actor=actor, from_status=video.status, to_status=status, note=note
    )
    video.status, video.status_changed_at, video.reviewer = status, timezone.now(), actor
    video.save(update_fields=["status", "status_changed_at", "reviewer", "updated_at"])
    audit_record(
        actor=actor, action=AuditAction.VIDEO_CHANGE_STATUS, target=video, to=status, client_id=video.client_id
    )
    if status in VERDICTS:
        from domain.videos.tasks import video_review_notify

        change_pk = change.pk
        transaction.on_commit(lambda: video_review_notify.delay(change_pk))
    return change


def video_review_notify(*, change_id: int) -> bool:
    """Email the client the verdict of one status change (after its commit; the key makes a repeat a no-op
    for receivers). False when the change is gone or the client cannot be reached."""
    change = (
        VideoStatusChange.objects.select_related("video__client", "video__exercise", "actor")
        .filter(pk=change_id)
        .first()
    )
    if change is None:
        return False
    client = change.video.client
    studio = getattr(connection, "tenant", None)
    path = reverse("portal:video_detail", kwargs={"video_id": change.video_id})
    context = {
        "person": client,
        "reviewer": change.actor.full_name if change.actor else "",
        "verdict": ReviewStatus(change.to_status).label,
        "video": change.video,
        "note": change.note,
        "link": studio_base_url(studio) + path,
        "studio_name": getattr(studio, "name", ""),
    }
    with translation.override(preferences_of(client).language or getattr(studio, "locale", None) or "en"):
        subject = render_to_string("emails/videos/reviewed_subject.txt", context).strip()
        text = render_to_string("emails/videos/reviewed.txt", context)
    key = f"video-review-{tenant_connection.schema_name}-{change.pk}"
    try:  # through messaging's one notification service: in the bell too, by email where the client allows it
        notify(
            user=client,
            kind="videos.reviewed",
            key=key,
            title=subject,
            body=text,
            link=path,
            channels=["email"],
            send_now=True,
        )
    except DeliveryError as exc:
        if exc.permanent:
            return False
        raise
    return True


@transaction.atomic
def video_feedback_add(*, actor: User, video_id: int, body: str) -> VideoFeedback:
    """A comment on the video's thread, by the client or staff who may see the video."""
    video = video_get(actor=actor, video_id=video_id)
    require(actor, "videos.comment", video)
    errors = FieldErrors()
    body = errors.text("body", body, max_length=2000)
    errors.raise_if_any(code=ErrorCode.VIDEO_INVALID)
    feedback = VideoFeedback.objects.create(video=video, author=actor, body=body)
    audit_record(actor=actor, action=AuditAction.VIDEO_ADD_FEEDBACK, target=video, feedback=feedback.pk)
    return feedback


# --- annotations -----------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class AnnotationData:
    time_ms: int  # where in the clip (milliseconds from the start); the frame is derived from it
    text: str = ""
    shapes: list[dict[str, Any]] | None = None


def _point(value: Any) -> list[float] | None:
    if not isinstance(value, list | tuple) or len(value) != 2:
        return None
    try:
        x, y = (float(v) for v in value)
    except (TypeError, ValueError):
        return None
    if not (math.isfinite(x) and math.isfinite(y) and 0 <= x <= 1 and 0 <= y <= 1):
        return None
    return [round(x, 5), round(y, 5)]


def shapes_clean(errors: FieldErrors, shapes: Any) -> list[dict[str, Any]]:
    """The shapes in canonical form, or errors on `shapes.<i>` (format in the module's docstring)."""
    if shapes is None:
        return []
    if not isinstance(shapes, list):
        errors.add("shapes", _("Give a list of shapes."))
        return []
    if len(shapes) > MAX_SHAPES:
        errors.add("shapes", _("At most %(n)d shapes on one frame.") % {"n": MAX_SHAPES})
    cleaned: list[dict[str, Any]] = []
    for i, shape in enumerate(shapes[:MAX_SHAPES]):
        kind = shape.get("type") if isinstance(shape, dict) else None
        if kind not in SHAPE_POINTS:
            errors.add(f"shapes.{i}.type", _("Use a line, an arrow, a circle or an angle."))
            continue
        raw = shape.get("points")
        points = [_point(p) for p in raw] if isinstance(raw, list) else []
        if len(points) != SHAPE_POINTS[kind] or any(p is None for p in points):
            errors.add(
                f"shapes.{i}.points",
                _("A %(type)s takes %(n)d points, each [x, y] between 0 and 1.")
                % {"type": kind, "n": SHAPE_POINTS[kind]},
            )
            continue
        color = shape.get("color") or DEFAULT_COLOR
        if not isinstance(color, str) or not COLOR.match(color):
            errors.add(f"shapes.{i}.color", _("Use a colour like #ff3b30."))
            continue
        cleaned.append({"type": kind, "points": points, "color": color.lower()})
    return cleaned


def _frame_of(video: Video, time_ms: int) -> int:
    """The frame shown at `time_ms`: floor(t * fps), t in seconds (frames numbered from 0)."""
    rate = video.frame_rate or Decimal(30)
    return int(Decimal(time_ms) * rate / 1000 + Decimal("0.0001"))


def _annotation_values(video: Video, data: AnnotationData) -> dict[str, Any]:
    errors = FieldErrors()
    if video.processing != Processing.READY:
        raise ConflictError(_("The video can be annotated once it is processed."), code=ErrorCode.VIDEO_NOT_READY)
    if not 0 <= data.time_ms <= (video.duration_ms or 0):
        errors.add("time_ms", _("Choose a moment inside the video."))
    text = errors.text("text", data.text, max_length=1000, required=False)
    shapes = shapes_clean(errors, data.shapes)
    if not text and not shapes and not errors:
        errors.add("text", _("Write a note or draw something."))
    errors.raise_if_any(code=ErrorCode.ANNOTATION_INVALID)
    return {"time_ms": data.time_ms, "frame": _frame_of(video, data.time_ms), "text": text, "shapes": shapes}


@transaction.atomic
def video_annotation_create(*, actor: User, video_id: int, data: AnnotationData) -> VideoAnnotation:
    """A note and/or drawing on the frame at `data.time_ms` (staff who may see the video)."""
    require(actor, "videos.annotate")
    video = video_get(actor=actor, video_id=video_id)
    annotation = VideoAnnotation.objects.create(video=video, author=actor, **_annotation_values(video, data))
    audit_record(actor=actor, action=AuditAction.VIDEO_ANNOTATION_CREATE, target=video, annotation=annotation.pk)
    return annotation


def _own_annotation(actor: User, video_id: int, annotation_id: int) -> VideoAnnotation:
    require(actor, "videos.annotate")
    video = video_get(actor=actor, video_id=video_id)
    annotation = VideoAnnotation.objects.select_for_update().filter(pk=annotation_id, video=video).first()
    if annotation is None:
        raise NotFoundError(_("Annotation not found."))
    if annotation.author_id != actor.pk and not is_management(actor):
        raise ConflictError(
            _("Only its author or a manager can change an annotation."), code=ErrorCode.ANNOTATION_AUTHOR
        )
    annotation.video = video
    return annotation


@transaction.atomic
def video_annotation_update(*, actor: User, video_id: int, annotation_id: int, data: AnnotationData) -> VideoAnnotation:
    annotation = _own_annotation(actor, video_id, annotation_id)
    for name, value in _annotation_values(annotation.video, data).items():
        setattr(annotation, name, value)
    annotation.save()
    audit_record(
        actor=actor, action=AuditAction.VIDEO_ANNOTATION_UPDATE, target=annotation.video, annotation=annotation.pk
    )
    return annotation


@transaction.atomic
def video_annotation_delete(*, actor: User, video_id: int, annotation_id: int) -> None:
    annotation = _own_annotation(actor, video_id, annotation_id)
    audit_record(
        actor=actor, action=AuditAction.VIDEO_ANNOTATION_DELETE, target=annotation.video, annotation=annotation.pk
    )
    annotation.delete()
