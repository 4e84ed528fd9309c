"""/api/v1 videos: upload (start, chunks, complete), the review queue, one video with its thread and
annotations, status, compare, and the signed file addresses.

Upload in three steps so a 200 MB clip never passes through a web worker in one request:
`POST /videos/upload` answers where to send the file (a presigned POST to the bucket, or chunks of at
most VIDEO_CHUNK_BYTES to `PUT /videos/{id}/upload`); then `POST /videos/{id}/upload/complete`.

Who may do what on which video is decided inside the services and selectors (`video_get`,
`client_in_scope`, the services' `require`): a role that may not is a 403, a video or client outside the
asker's scope, or another studio's id, a 404 like an id that does not exist.
"""

from __future__ import annotations

import re

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from core.api.pagination import CursorPage, paginate_cursor
from core.error_codes import ErrorCode
from core.exceptions import ValidationError
from core.http import AuthedRequest
from core.permissions import require
from domain.clients.selectors import client_in_scope
from domain.videos import schemas, selectors, services
from domain.videos import storage as files
from domain.videos.models import Video
from domain.videos.schemas import (
    AnnotationIn,
    AnnotationOut,
    CompareOut,
    FeedbackIn,
    FeedbackOut,
    ListQuery,
    QueueQuery,
    StatusIn,
    UploadIn,
    UploadProgressOut,
    UploadStartOut,
    VideoDetailOut,
    VideoOut,
)

router = Router(tags=["videos"])
CONTENT_RANGE = re.compile(r"^bytes (\d+)-(\d+)/(\d+)$")


def _page(rows: QuerySet[Video], query: QueueQuery | ListQuery, order: tuple[str, ...]) -> dict[str, object]:
    page = paginate_cursor(rows, cursor=query.cursor, limit=query.limit, order=order)
    return {"items": [schemas.video_out(v) for v in page["items"]], "next_cursor": page["next_cursor"]}


@router.post(
    "/videos/upload",
    url_name="video_upload_start",
    response={201: UploadStartOut},
    summary="Start an upload: the video's row and where to send the file",
)
def upload_start(request: AuthedRequest, payload: UploadIn) -> object:
    video = services.video_upload_start(actor=request.user, data=payload.to_data())
    loaded = selectors.video_get(actor=request.user, video_id=video.pk)
    return Status(201, {"video": schemas.video_out(loaded), "upload": files.upload_target(loaded)})


@router.get("/videos/{video_id}/upload", response=UploadProgressOut, summary="How many bytes have arrived (resume)")
def upload_progress(request: AuthedRequest, video_id: int) -> object:
    return schemas.upload_progress_out(selectors.video_get(actor=request.user, video_id=video_id))


@router.put(
    "/videos/{video_id}/upload",
    url_name="video_upload_chunk",
    response={200: UploadProgressOut},
    summary="One chunk of the file (raw body, `Content-Range: bytes start-end/total`)",
)
def upload_chunk(request: AuthedRequest, video_id: int) -> object:
    match = CONTENT_RANGE.match(request.headers.get("Content-Range", ""))
    length = int(request.headers.get("Content-Length") or 0)
    if not match or int(match[2]) - int(match[1]) + 1 != length:
        raise ValidationError(
            _("Send Content-Range: bytes start-end/total matching the body."), code=ErrorCode.UPLOAD_RANGE
        )
    video = services.video_upload_chunk(
        actor=request.user,
        video_id=video_id,
        start=int(match[1]),
        total=int(match[3]),
        stream=request,  # type: ignore[arg-type]  # HttpRequest reads like a binary file (read(n)); not an IO subclass
        length=length,
    )
    return schemas.upload_progress_out(video)


@router.post(
    "/videos/{video_id}/upload/complete",
    response={202: VideoOut},
    summary="The file has arrived: check it (ffprobe) and process it",
)
def upload_complete(request: AuthedRequest, video_id: int) -> object:
    services.video_upload_complete(actor=request.user, video_id=video_id)
    return Status(202, schemas.video_out(selectors.video_get(actor=request.user, video_id=video_id)))


@router.post("/videos/{video_id}/retry", response={202: VideoOut}, summary="Process a failed video again")
def retry(request: AuthedRequest, video_id: int) -> object:
    services.video_retry(actor=request.user, video_id=video_id)
    return Status(202, schemas.video_out(selectors.video_get(actor=request.user, video_id=video_id)))


@router.get(
    "/videos/pending",
    response=CursorPage[VideoOut],
    summary="Review queue: the asker's clients' videos waiting for or in review, oldest first",
)
def queue(request: AuthedRequest, query: Query[QueueQuery]) -> object:
    require(request.user, "videos.review")
    rows = selectors.review_queue(
        actor=request.user, status=query.status, client_id=query.client_id, exercise_id=query.exercise_id
    )
    return _page(rows, query, ("submitted_at", "id"))


@router.get("/videos/compare", response={200: CompareOut}, summary="Two videos of one exercise")
def compare(request: AuthedRequest, a: int, b: int) -> object:
    first, second = selectors.compare_pair(actor=request.user, first_id=a, second_id=b)
    return {"first": schemas.video_out(first), "second": schemas.video_out(second)}


@router.get("/clients/{client_id}/videos", response=CursorPage[VideoOut], summary="A client's videos, newest first")
def client_videos(request: AuthedRequest, client_id: int, query: Query[ListQuery]) -> object:
    client = client_in_scope(actor=request.user, client_id=client_id, action="videos.view")
    return _page(selectors.video_list(client=client, exercise_id=query.exercise_id), query, ("-created_at", "-id"))


@router.get(
    "/videos/media/{token}",
    url_name="video_media",
    auth=None,
    throttle=[],
    summary="A video's file by its signed, short-lived address (byte ranges supported)",
)
def media(request: HttpRequest, token: str) -> HttpResponseBase:
    found = files.token_read(token)
    if found is None:
        raise Http404
    video_id, kind = found
    video = selectors.video_by_id(video_id=video_id)
    name = getattr(video, files.KINDS[kind], "") if video else ""
    if not name:
        raise Http404
    return files.file_response(request, name, files.CONTENT_TYPES[kind])


@router.get("/videos/{video_id}", response=VideoDetailOut, summary="A video with its thread, annotations, history")
def detail(request: AuthedRequest, video_id: int) -> object:
    video = selectors.video_get(actor=request.user, video_id=video_id)
    return {
        **schemas.video_out(video),
        "feedback": [schemas.feedback_out(f) for f in selectors.feedback_list(video=video)],
        "annotations": [schemas.annotation_out(a) for a in selectors.annotation_list(video=video)],
        "history": [schemas.change_out(c) for c in selectors.status_history(video=video)],
    }


@router.delete("/videos/{video_id}", response={204: None}, summary="Delete a video and its files")
def delete(request: AuthedRequest, video_id: int) -> object:
    services.video_delete(actor=request.user, video_id=video_id)
    return Status(204, None)


@router.put("/videos/{video_id}/status", response={200: VideoOut}, summary="Move the review (staff)")
def status(request: AuthedRequest, video_id: int, payload: StatusIn) -> object:
    services.video_status_change(actor=request.user, video_id=video_id, status=payload.status, note=payload.note)
    return schemas.video_out(selectors.video_get(actor=request.user, video_id=video_id))


@router.get("/videos/{video_id}/feedback", response=list[FeedbackOut], summary="The comments thread")
def feedback_list(request: AuthedRequest, video_id: int) -> object:
    video = selectors.video_get(actor=request.user, video_id=video_id)
    return [schemas.feedback_out(f) for f in selectors.feedback_list(video=video)]


@router.post("/videos/{video_id}/feedback", response={201: FeedbackOut}, summary="Add a comment")
def feedback_add(request: AuthedRequest, video_id: int, payload: FeedbackIn) -> object:
    item = services.video_feedback_add(actor=request.user, video_id=video_id, body=payload.body)
    return Status(201, schemas.feedback_out(item))


@router.get(
    "/videos/{video_id}/annotations",
    url_name="video_annotations",
    response=list[AnnotationOut],
    summary="Annotations in time order",
)
def annotation_list(request: AuthedRequest, video_id: int) -> object:
    video = selectors.video_get(actor=request.user, video_id=video_id)
    return [schemas.annotation_out(a) for a in selectors.annotation_list(video=video)]


@router.post(
    "/videos/{video_id}/annotations",
    response={201: AnnotationOut},
    summary="Annotate a frame: text and/or vector shapes (staff)",
)
def annotation_create(request: AuthedRequest, video_id: int, payload: AnnotationIn) -> object:
    item = services.video_annotation_create(actor=request.user, video_id=video_id, data=payload.to_data())
    return Status(201, schemas.annotation_out(item))


@router.put("/videos/{video_id}/annotations/{annotation_id}", response={200: AnnotationOut}, summary="Change one")
def annotation_update(request: AuthedRequest, video_id: int, annotation_id: int, payload: AnnotationIn) -> object:
    item = services.video_annotation_update(
        actor=request.user, video_id=video_id, annotation_id=annotation_id, data=payload.to_data()
    )
    return schemas.annotation_out(item)


@router.delete("/videos/{video_id}/annotations/{annotation_id}", response={204: None}, summary="Remove one")
def annotation_delete(request: AuthedRequest, video_id: int, annotation_id: int) -> object:
    services.video_annotation_delete(actor=request.user, video_id=video_id, annotation_id=annotation_id)
    return Status(204, None)
