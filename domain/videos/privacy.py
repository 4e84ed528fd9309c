"""Videos' share of a client's export and erasure: their form-check videos, the review and its notes."""

from __future__ import annotations

from core.models import User
from core.privacy import ExportFile, ExportPart, erase_part, export_part, rows, stored_files_under
from domain.videos.models import Video, VideoAnnotation, VideoFeedback, VideoStatusChange

INTERNAL = ["key", "original_name", "rendition_name", "poster_name", "strip_name", "attempt"]


@export_part("videos")
def export(client: User) -> ExportPart:
    videos = list(Video.objects.filter(client=client).order_by("pk"))
    files = []
    for video in videos:
        if video.rendition_name:
            files.append(ExportFile(path=f"videos/{video.pk}.mp4", storage_name=video.rendition_name))
        elif video.original_name and video.received_bytes:
            files.append(ExportFile(path=f"videos/{video.pk}-original", storage_name=video.original_name))
    return ExportPart(
        data={
            "videos": rows(videos, leave_out=INTERNAL),
            "feedback": rows(VideoFeedback.objects.filter(video__client=client)),
            "annotations": rows(VideoAnnotation.objects.filter(video__client=client)),
            "status_changes": rows(VideoStatusChange.objects.filter(video__client=client)),
        },
        files=files,
    )


@erase_part("videos")
def erase(client: User) -> list[str]:
    """The videos, their review and every file in the client's video folder (half-finished runs too)."""
    Video.objects.filter(client=client).delete()
    return stored_files_under(f"videos/{client.pk}")
