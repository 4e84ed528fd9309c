"""Writes of videos, by sub-area: uploads (start, chunks, complete, retry, delete), processing (the task's
body), review (status workflow, comments, annotations)."""

from domain.videos.services.processing import video_process
from domain.videos.services.review import (
    AnnotationData,
    video_annotation_create,
    video_annotation_delete,
    video_annotation_update,
    video_feedback_add,
    video_review_notify,
    video_status_change,
)
from domain.videos.services.uploads import (
    TooLargeError,
    UploadData,
    video_delete,
    video_retry,
    video_upload_chunk,
    video_upload_complete,
    video_upload_start,
)

__all__ = [
    "AnnotationData",
    "TooLargeError",
    "UploadData",
    "video_annotation_create",
    "video_annotation_delete",
    "video_annotation_update",
    "video_delete",
    "video_feedback_add",
    "video_process",
    "video_retry",
    "video_review_notify",
    "video_status_change",
    "video_upload_chunk",
    "video_upload_complete",
    "video_upload_start",
]
