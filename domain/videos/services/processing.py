"""Processing a video (the Celery task's body): probe, web rendition, poster, seek-bar strip.

Safe against a worker killed at any point and against the same task delivered twice: each run claims
the video with a fresh `attempt` id (committed before any work), writes its outputs under names
carrying that id, and only switches the video to ready — in one transaction, if its attempt is still
the video's — once every output is stored. A run that finds a previous attempt's id removes whatever
that attempt left in storage first; a run that lost its claim removes its own outputs. So a rendition
is never served half written, and a retried task completes exactly once.
"""

from __future__ import annotations

import logging
import tempfile
import uuid
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from domain.videos import media
from domain.videos import storage as files
from domain.videos.models import Processing, Video
from domain.videos.services.uploads import probe_fields

logger = logging.getLogger(__name__)
OUTPUTS = ("web.mp4", "poster.jpg", "strip.jpg")


def _outputs(video: Video, attempt: uuid.UUID | None) -> list[str]:
    return [files.output_name(video, attempt.hex, suffix) for suffix in OUTPUTS] if attempt else []


def _claim(video_id: int) -> tuple[Video, uuid.UUID] | None:
    with transaction.atomic():
        video = Video.objects.select_for_update().filter(pk=video_id).first()
        if video is None or video.processing != Processing.PROCESSING:
            return None
        leftovers = _outputs(video, video.attempt)
        attempt = uuid.uuid4()
        video.attempt, video.attempts = attempt, video.attempts + 1
        video.save(update_fields=["attempt", "attempts", "updated_at"])
    files.delete_quietly(leftovers)  # a run that died before finishing
    return video, attempt


def _finish(video_id: int, claim: uuid.UUID, **fields: object) -> bool:
    """Set the outcome if this run still holds the claim; False when another run took over."""
    with transaction.atomic():
        video = Video.objects.select_for_update().filter(pk=video_id).first()
        if video is None or video.attempt != claim or video.processing != Processing.PROCESSING:
            return False
        for name, value in fields.items():
            setattr(video, name, value)
        video.save()
    return True


def video_process(*, video_id: int) -> str:
    """Process a video in state `processing`. Returns "ready", "failed", "superseded" or "skipped" (not
    processing any more: done already, deleted). Raises only for what a retry may cure (storage down)."""
    claimed = _claim(video_id)
    if claimed is None:
        return "skipped"
    video, attempt = claimed
    names = dict(zip(OUTPUTS, _outputs(video, attempt), strict=True))
    stored: list[str] = []
    try:
        with tempfile.TemporaryDirectory(prefix="video-", dir=files.local_tmp() or None) as work_dir:
            work = Path(work_dir)
            original = str(files.download(video.original_name, work / "original"))
            probe = media.probe(original)
            rendition = media.make_rendition(original, probe, work)
            stored.append(files.save(names["web.mp4"], rendition))
            stored.append(files.save(names["poster.jpg"], media.make_poster(rendition, probe, work)))
            strip, frames = media.make_strip(rendition, probe, work)
            stored.append(files.save(names["strip.jpg"], strip))
            rendition_bytes = rendition.stat().st_size
    except (media.VideoRefused, media.ToolFailed) as exc:
        logger.warning("video %s could not be processed: %s", video_id, exc)
        files.delete_quietly(stored)
        failed = _finish(
            video_id, attempt, processing=Processing.FAILED, error=_("We could not process this video."), attempt=None
        )
        return "failed" if failed else "superseded"
    done = _finish(
        video_id,
        attempt,
        processing=Processing.READY,
        error="",
        rendition_name=stored[0],
        rendition_bytes=rendition_bytes,
        poster_name=stored[1],
        strip_name=stored[2],
        strip_frames=frames,
        **probe_fields(probe),
    )
    if not done:
        files.delete_quietly(stored)
        return "superseded"
    return "ready"
