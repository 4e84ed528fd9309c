"""Background work of videos. Tasks take ids, run in their studio's schema, and are idempotent.

`video_process` is acknowledged late and re-queued when its worker dies, so a clip whose worker was
killed mid-transcode is processed again (see services/processing.py for why that is safe).
"""

from __future__ import annotations

from celery import shared_task

from domain.videos import services


@shared_task(name="videos.process", ignore_result=True, acks_late=True, reject_on_worker_lost=True)
def video_process(video_id: int) -> str:
    return services.video_process(video_id=video_id)


@shared_task(name="videos.review_notify", ignore_result=True, acks_late=True)
def video_review_notify(change_id: int) -> bool:
    """Tell the client their video was reviewed (one email per status change, whatever the retries)."""
    return services.video_review_notify(change_id=change_id)
