"""API shapes of videos. File addresses are short-lived signed URLs made for the asker (storage.py)."""

from __future__ import annotations

from typing import Any, Literal

from ninja import Schema
from pydantic import Field

from domain.videos import storage as files
from domain.videos.models import ReviewStatus, Video, VideoAnnotation, VideoFeedback, VideoStatusChange
from domain.videos.services import AnnotationData, UploadData
from domain.workouts.schemas import StudioTime

# --- input ---------------------------------------------------------------------------------------


class UploadIn(Schema):
    size_bytes: int = Field(description="The file's size in bytes (at most VIDEO_MAX_BYTES)")
    client_id: int | None = Field(None, description="Whose video; empty for a client's own")
    filename: str = Field("", max_length=500, description="Shown only: ffprobe decides what the file is")
    logged_set_id: int | None = Field(None, description="The logged set the clip shows")
    exercise_id: int | None = None
    title: str = ""
    notes: str = ""

    def to_data(self) -> UploadData:
        return UploadData(**self.model_dump())


class StatusIn(Schema):
    status: str = Field(description="pending, in_review, reviewed, approved or needs_revision")
    note: str = ""


class FeedbackIn(Schema):
    body: str


class AnnotationIn(Schema):
    time_ms: int = Field(ge=0, description="Milliseconds from the start; the frame is derived at the video's rate")
    text: str = ""
    shapes: list[Any] = Field(
        default_factory=list,
        description='Vector shapes, x and y in 0..1 of the picture: {"type": "line"|"arrow"|"circle"|"angle", '
        '"points": [[x, y], ...], "color": "#rrggbb"}',
    )

    def to_data(self) -> AnnotationData:
        return AnnotationData(time_ms=self.time_ms, text=self.text, shapes=self.shapes)


class QueueQuery(Schema):
    status: str | None = None
    client_id: int | None = None
    exercise_id: int | None = None
    cursor: str | None = None
    limit: int = Field(20, ge=1, le=100)


class ListQuery(Schema):
    exercise_id: int | None = None
    cursor: str | None = None
    limit: int = Field(20, ge=1, le=100)


# --- output --------------------------------------------------------------------------------------


class VideoUrlsOut(Schema):
    rendition: str | None
    poster: str | None
    strip: str | None


class VideoOut(Schema):
    id: int
    client_id: int
    client_name: str
    uploaded_by_id: int | None
    logged_set_id: int | None
    exercise_id: int | None
    exercise_name: str | None
    title: str
    notes: str
    processing: Literal["uploading", "processing", "ready", "failed"]
    status: Literal["pending", "in_review", "reviewed", "approved", "needs_revision"]
    status_label: str
    error: str
    declared_bytes: int
    received_bytes: int
    submitted_at: StudioTime | None
    created_at: StudioTime
    duration_ms: int | None
    width: int | None
    height: int | None
    rotation: int
    frame_rate: float | None
    codec: str
    size_bytes: int | None
    strip_frames: int
    urls: VideoUrlsOut


class UploadTargetOut(Schema):
    method: Literal["post", "chunks"]
    url: str
    fields: dict[str, str] | None = None
    chunk_bytes: int | None = None


class UploadStartOut(Schema):
    video: VideoOut
    upload: UploadTargetOut


class UploadProgressOut(Schema):
    received_bytes: int
    declared_bytes: int


class FeedbackOut(Schema):
    id: int
    author_id: int | None
    author_name: str
    body: str
    created_at: StudioTime


class AnnotationOut(Schema):
    id: int
    author_id: int | None
    author_name: str
    time_ms: int
    frame: int
    text: str
    shapes: list[dict[str, Any]]
    created_at: StudioTime
    updated_at: StudioTime


class StatusChangeOut(Schema):
    actor_id: int | None
    actor_name: str
    from_status: str
    to_status: str
    note: str
    changed_at: StudioTime


class VideoDetailOut(VideoOut):
    feedback: list[FeedbackOut]
    annotations: list[AnnotationOut]
    history: list[StatusChangeOut]


class CompareOut(Schema):
    first: VideoOut
    second: VideoOut


def video_out(video: Video) -> dict[str, Any]:
    """A video with `client` and `exercise` loaded; URLs are signed for whoever gets this answer."""
    fields = (
        "id", "client_id", "uploaded_by_id", "logged_set_id", "exercise_id", "title", "notes", "processing", "status",
        "error", "declared_bytes", "received_bytes", "submitted_at", "created_at", "duration_ms", "width", "height",
        "rotation", "codec", "size_bytes", "strip_frames",
    )  # fmt: skip
    body = {name: getattr(video, name) for name in fields}
    body["client_name"] = video.client.full_name
    body["exercise_name"] = video.exercise.name if video.exercise else None
    body["status_label"] = str(ReviewStatus(video.status).label)
    body["frame_rate"] = float(video.frame_rate) if video.frame_rate else None
    body["urls"] = {kind: files.signed_url(video, kind) for kind in ("rendition", "poster", "strip")}
    return body


def _name(person: Any) -> str:
    return person.full_name if person is not None else ""


def feedback_out(item: VideoFeedback) -> dict[str, Any]:
    return {
        "id": item.pk,
        "author_id": item.author_id,
        "author_name": _name(item.author),
        "body": item.body,
        "created_at": item.created_at,
    }


def annotation_out(item: VideoAnnotation) -> dict[str, Any]:
    fields = ("id", "author_id", "time_ms", "frame", "text", "shapes", "created_at", "updated_at")
    return {**{name: getattr(item, name) for name in fields}, "author_name": _name(item.author)}


def change_out(change: VideoStatusChange) -> dict[str, Any]:
    fields = ("actor_id", "from_status", "to_status", "note", "changed_at")
    return {**{name: getattr(change, name) for name in fields}, "actor_name": _name(change.actor)}


def upload_progress_out(video: Video) -> dict[str, int]:
    return {"received_bytes": video.received_bytes, "declared_bytes": video.declared_bytes}
