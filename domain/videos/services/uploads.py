"""Writes of the upload: start one (what the phone will send, and where), receive chunks (filesystem),
complete it (probe with ffprobe: refuse, or queue processing), retry a failed processing, delete.

A refused file is deleted with its row: the answer (a 4xx with a code) is all that is left of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import AuditAction, audit_record
from core.error_codes import ErrorCode
from core.exceptions import ApplicationError, ConflictError, NotFoundError, ValidationError
from core.models import Role, User
from core.permissions import require
from core.validation import FieldErrors
from domain.clients.selectors import client_for_actor
from domain.library.models import Exercise
from domain.videos import media
from domain.videos import storage as files
from domain.videos.models import Processing, Video
from domain.videos.selectors import video_get
from domain.workouts.models import LoggedSet


class TooLargeError(ApplicationError):
    status_code = 413


@dataclass(frozen=True, kw_only=True)
class UploadData:
    size_bytes: int  # what the phone says it will send; the stored file is measured again
    client_id: int | None = None  # empty: the uploader themself (a client)
    filename: str = ""  # shown only; what the file is, ffprobe decides
    logged_set_id: int | None = None  # the set the clip shows (its exercise comes with it)
    exercise_id: int | None = None
    title: str = ""
    notes: str = ""


def _too_large() -> TooLargeError:
    return TooLargeError(
        _("The video is larger than %(mb)d MB.") % {"mb": settings.VIDEO_MAX_BYTES // (1024 * 1024)},
        code=ErrorCode.VIDEO_TOO_LARGE,
    )


@transaction.atomic
def video_upload_start(*, actor: User, data: UploadData) -> Video:
    """A video row waiting for its file (processing = uploading). Raises ValidationError, TooLargeError
    (413, over VIDEO_MAX_BYTES), NotFoundError (a client, set or exercise the actor may not see)."""
    if data.client_id is None and actor.role != Role.CLIENT:
        raise ValidationError(
            _("Say whose video this is."), code=ErrorCode.VIDEO_INVALID, fields={"client_id": _("Required.")}
        )
    client = client_for_actor(actor=actor, client_id=data.client_id if data.client_id is not None else actor.pk)
    require(actor, "videos.upload", client)
    if data.size_bytes > settings.VIDEO_MAX_BYTES:
        raise _too_large()
    errors = FieldErrors()
    if data.size_bytes < 1:
        errors.add("size_bytes", _("The file is empty."))
    title = errors.text("title", data.title, max_length=120, required=False)
    notes = errors.text("notes", data.notes, max_length=2000, required=False)
    logged_set, exercise = None, None
    if data.logged_set_id is not None:
        logged_set = LoggedSet.objects.filter(pk=data.logged_set_id, client=client).select_related("exercise").first()
        if logged_set is None:
            errors.add("logged_set_id", _("This set is not in the client's log."))
        else:
            exercise = logged_set.exercise
    if data.exercise_id is not None and exercise is None:
        exercise = Exercise.objects.filter(pk=data.exercise_id).first()
        if exercise is None:
            errors.add("exercise_id", _("Exercise not found."))
    elif data.exercise_id is not None and exercise is not None and exercise.pk != data.exercise_id:
        errors.add("exercise_id", _("The set is of another exercise."))
    errors.raise_if_any(code=ErrorCode.VIDEO_INVALID)
    video = Video(
        client=client,
        uploaded_by=actor,
        logged_set=logged_set,
        exercise=exercise,
        title=title or (exercise.name if exercise else ""),
        notes=notes,
        declared_bytes=data.size_bytes,
        filename=(data.filename or "").strip()[:200],
    )
    video.original_name = files.original_name(video)
    video.save()
    audit_record(actor=actor, action=AuditAction.VIDEO_START_UPLOAD, target=video, client_id=client.pk)
    return video


def _uploading(actor: User, video_id: int) -> Video:
    """The actor's own upload in progress, locked: 403 for a role that may not upload, 404 for anyone else's."""
    require(actor, "videos.upload")
    video = video_get(actor=actor, video_id=video_id, for_update=True)
    if video.uploaded_by_id != actor.pk:
        raise NotFoundError(_("Video not found."))
    return video


@transaction.atomic
def video_upload_chunk(*, actor: User, video_id: int, start: int, total: int, stream: IO[bytes], length: int) -> Video:
    """Write one chunk of a filesystem upload at `start` (must be what has arrived so far: a chunk sent
    again after a lost answer is accepted and overwrites). Raises ConflictError(upload_offset) with
    `received_bytes` when chunks arrive out of order, ValidationError for a malformed chunk."""
    video = _uploading(actor, video_id)
    if video.processing != Processing.UPLOADING:
        raise ConflictError(_("This upload is already complete."), code=ErrorCode.UPLOAD_FINISHED)
    if files.in_bucket():
        raise ConflictError(
            _("Upload this video straight to storage with the form given."), code=ErrorCode.UPLOAD_METHOD
        )
    if total != video.declared_bytes:
        raise ValidationError(_("The total size differs from the size announced."), code=ErrorCode.UPLOAD_RANGE)
    if length < 1 or length > settings.VIDEO_CHUNK_BYTES or start + length > total:
        raise ValidationError(
            _("Send chunks of at most %(mb)d MB inside the file's size.")
            % {"mb": settings.VIDEO_CHUNK_BYTES // (1024 * 1024)},
            code=ErrorCode.UPLOAD_RANGE,
        )
    if start > video.received_bytes:
        error = ConflictError(
            _("Send the file from byte %(n)d on.") % {"n": video.received_bytes}, code=ErrorCode.UPLOAD_OFFSET
        )
        error.extra = {"received_bytes": video.received_bytes}
        raise error
    written = files.chunk_write(video.original_name, start=start, stream=stream, length=length)
    video.received_bytes = start + written
    video.save(update_fields=["received_bytes", "updated_at"])
    return video


def _refuse(actor: User, video: Video, error: ApplicationError) -> ApplicationError:
    """Delete the refused file and its row (committed), and hand back the error to raise."""
    with transaction.atomic():
        Video.objects.filter(pk=video.pk).delete()
        audit_record(actor=actor, action=AuditAction.VIDEO_REFUSE_UPLOAD, video=video.pk, code=error.code)
    files.delete_quietly([video.original_name])
    return error


def video_upload_complete(*, actor: User, video_id: int) -> Video:
    """The file has arrived: measure it, probe it with ffprobe, and queue processing. Calling it again
    once accepted answers the same video. A file refused (not a video, too long, too large) is deleted
    with its row and the error raised: ValidationError(video_type | video_too_long) or TooLargeError."""
    with transaction.atomic():
        video = _uploading(actor, video_id)
        if video.processing != Processing.UPLOADING:
            return video
        size = video.received_bytes if not files.in_bucket() else files.stored_size(video.original_name)
    if not files.in_bucket() and size < video.declared_bytes:
        error = ConflictError(
            _("The upload is not complete: %(n)d of %(total)d bytes arrived.")
            % {"n": size, "total": video.declared_bytes},
            code=ErrorCode.UPLOAD_INCOMPLETE,
        )
        error.extra = {"received_bytes": size}
        raise error
    if size < 1:
        raise ConflictError(_("The file has not arrived yet."), code=ErrorCode.UPLOAD_INCOMPLETE)
    if size > settings.VIDEO_MAX_BYTES or size > video.declared_bytes:
        raise _refuse(actor, video, _too_large())
    try:
        probe = media.probe(files.probe_source(video.original_name))
    except media.VideoRefused as refused:
        raise _refuse(actor, video, ValidationError(refused.message, code=refused.code)) from None
    with transaction.atomic():
        video = _uploading(actor, video_id)
        if video.processing != Processing.UPLOADING:
            return video
        for name, value in probe_fields(probe).items():
            setattr(video, name, value)
        video.size_bytes = size
        video.received_bytes = size
        video.processing = Processing.PROCESSING
        video.submitted_at = timezone.now()
        video.save()
        audit_record(actor=actor, action=AuditAction.VIDEO_COMPLETE_UPLOAD, target=video, client_id=video.client_id)
        _queue(video)
    return video


def probe_fields(probe: media.Probe) -> dict[str, object]:
    """The Video fields a probe fills in."""
    names = ("duration_ms", "width", "height", "rotation", "frame_rate", "codec", "container")
    return {name: getattr(probe, name) for name in names}


def _queue(video: Video) -> None:
    from domain.videos.tasks import video_process

    video_pk = video.pk
    transaction.on_commit(lambda: video_process.delay(video_pk))


@transaction.atomic
def video_retry(*, actor: User, video_id: int) -> Video:
    """Process a video whose processing failed once more (the uploader or staff). ConflictError otherwise."""
    video = video_get(actor=actor, video_id=video_id, for_update=True)
    require(actor, "videos.upload", video.client)
    if video.processing != Processing.FAILED:
        raise ConflictError(_("Only a video whose processing failed can be retried."), code=ErrorCode.VIDEO_NOT_FAILED)
    video.processing, video.error = Processing.PROCESSING, ""
    video.save(update_fields=["processing", "error", "updated_at"])
    audit_record(actor=actor, action=AuditAction.VIDEO_RETRY_PROCESSING, target=video)
    _queue(video)
    return video


@transaction.atomic
def video_delete(*, actor: User, video_id: int) -> None:
    """Remove a video with its thread and drawings; its files go once the row is gone."""
    video = video_get(actor=actor, video_id=video_id, for_update=True)
    require(actor, "videos.delete", video.client)
    names = [video.original_name, video.rendition_name, video.poster_name, video.strip_name]
    audit_record(actor=actor, action=AuditAction.VIDEO_DELETE, target=video, client_id=video.client_id)
    video.delete()
    transaction.on_commit(lambda: files.delete_quietly(names))
