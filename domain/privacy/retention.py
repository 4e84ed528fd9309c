"""Applying the studio's retention policy: what is older than the studio keeps goes, files included.

Run hourly for every studio (tasks.retention_sweep through core.tenancy.studios_fan_out). Kinds:
- data exports: deleted when their link expires (`export_days`, 1-30, default 7);
- photos and videos of clients archived more than `archived_client_media_days` ago (0: kept until erased);
- form-check videos whose review ended more than `review_video_days` ago (0: kept).
Messages and notifications are archived by messaging's own settings.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from domain.clients.models import ClientProfile, ClientStatus
from domain.privacy.exports import exports_expire
from domain.privacy.services import retention_get
from domain.progress.models import ProgressPhoto
from domain.videos.models import VERDICTS, Video

VIDEO_FILES = ("original_name", "rendition_name", "poster_name", "strip_name")


def _delete_files(names: list[str]) -> None:
    for name in names:
        if name:
            default_storage.delete(name)


@transaction.atomic
def retention_apply(*, now: datetime | None = None) -> dict[str, int]:
    """Delete what the policy no longer keeps; returns how many of each kind went."""
    now = now or timezone.now()
    policy = retention_get()
    done = {"exports": exports_expire(now=now), "photos": 0, "videos": 0}
    files: list[str] = []
    videos = Video.objects.none()
    if policy.archived_client_media_days:
        since = now - timedelta(days=policy.archived_client_media_days)
        archived = ClientProfile.objects.filter(status=ClientStatus.ARCHIVED, archived_at__lte=since).values("user_id")
        photos = ProgressPhoto.objects.filter(entry__client__in=archived)
        files.extend(photo.image.name or "" for photo in photos)
        done["photos"] = photos.delete()[1].get(ProgressPhoto._meta.label, 0)
        videos = videos | Video.objects.filter(client__in=archived)
    if policy.review_video_days:
        since = now - timedelta(days=policy.review_video_days)
        videos = videos | Video.objects.filter(status__in=VERDICTS, status_changed_at__lte=since)
    for names in videos.values_list(*VIDEO_FILES):
        files.extend(names)
    done["videos"] = videos.delete()[1].get(Video._meta.label, 0)
    transaction.on_commit(lambda: _delete_files(files))
    return done
