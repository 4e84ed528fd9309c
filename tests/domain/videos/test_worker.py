"""Processing through a REAL Celery worker process against the running Redis: end to end, and a worker
killed mid-task leaves no half-written output and the video is processed once by the redelivered task."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.files.storage import storages

from core.models import AuditEvent, User
from domain.videos import services
from domain.videos import storage as files
from domain.videos.models import Processing, Video
from tenants.models import Studio
from tests.concurrency import in_own_connection
from tests.factories.core import ClientFactory
from tests.factories.videos import clip
from tests.needs import needs
from tests.workers import celery_worker, wait_for

HANG = Path(__file__).with_name("ffmpeg_hang.sh")
pytestmark = [pytest.mark.slow, needs("redis", "ffmpeg")]


@dataclass
class Worker:
    process: subprocess.Popen[bytes]
    media: Path
    control: Path


@pytest.fixture(scope="module")
def worker(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Worker]:
    """A worker (one process) whose ffmpeg can be told to hang, on a media root this process shares."""
    base = tmp_path_factory.mktemp("video-worker")
    media, control = base / "media", base / "control"
    media.mkdir()
    control.mkdir()
    env = {
        "MEDIA_ROOT": str(media),
        "MEDIA_S3_BUCKET": "",
        "VIDEO_FFMPEG": str(HANG),
        "FITWELL_TEST_HANG": str(control),
    }
    with celery_worker(name="videos", log=base / "worker.log", env=env, concurrency=1) as process:
        yield Worker(process, media, control)


@pytest.fixture
def shared_media(worker, settings) -> Iterator[Path]:
    """This process writes where the worker reads (django-tenants' storage caches its root: reset it)."""
    settings.MEDIA_ROOT = str(worker.media)
    storages["default"].__dict__.pop("relative_media_root", None)
    yield worker.media
    storages["default"].__dict__.pop("relative_media_root", None)


@pytest.fixture
def studio_row(_studios) -> Studio:
    return _studios[0]


@pytest.fixture
def person(studio_row) -> Iterator[User]:
    """A committed client (the worker's connection must see the rows), removed afterwards with their videos."""
    made = in_own_connection(ClientFactory, studio=studio_row)
    yield made

    def remove() -> None:
        Video.objects.filter(client_id=made.pk).delete()
        AuditEvent.objects.filter(actor_id=made.pk).delete()
        User.objects.filter(pk=made.pk).delete()

    in_own_connection(remove, studio=studio_row)


def _upload_committed(studio: Studio, person: User, content: bytes) -> int:
    """Start, send and complete an upload on a connection of its own: the processing task is queued on commit."""

    def run() -> int:
        video = services.video_upload_start(actor=person, data=services.UploadData(size_bytes=len(content)))
        services.video_upload_chunk(
            actor=person,
            video_id=video.pk,
            start=0,
            total=len(content),
            stream=io.BytesIO(content),
            length=len(content),
        )
        return services.video_upload_complete(actor=person, video_id=video.pk).pk

    return in_own_connection(run, studio=studio)


def _video(studio: Studio, video_id: int) -> Video:
    return in_own_connection(lambda: Video.objects.get(pk=video_id), studio=studio)


def _files_of(media: Path, studio: Studio, video: Video) -> list[str]:
    folder = media / studio.schema_name / f"videos/{video.client_id}/{video.key.hex}"
    return sorted(p.name for p in folder.iterdir())


def test_a_worker_processes_an_uploaded_clip(worker, shared_media, studio_row, person):
    video_id = _upload_committed(studio_row, person, clip(1))
    wait_for(lambda: _video(studio_row, video_id).processing == Processing.READY, timeout=120, what="processing")
    video = _video(studio_row, video_id)
    assert video.attempts == 1
    assert video.strip_frames == 4
    attempt = video.rendition_name.rsplit("/", 1)[1].split("-")[0]
    assert _files_of(shared_media, studio_row, video) == sorted(
        ["original", f"{attempt}-web.mp4", f"{attempt}-poster.jpg", f"{attempt}-strip.jpg"]
    )


def test_a_worker_killed_mid_task_leaves_no_half_output_and_the_retry_completes_once(
    worker, shared_media, studio_row, person
):
    # given the next poster will hang inside ffmpeg (after the rendition of that run was stored)
    (worker.control / "hang-next").touch()
    video_id = _upload_committed(studio_row, person, clip(1))
    hung = wait_for(lambda: (worker.control / "hung").exists() and (worker.control / "hung").read_text().split(),
                    timeout=120, what="the poster to hang")  # fmt: skip
    pool_pid, ffmpeg_pid = (int(pid) for pid in hung)  # type: ignore[union-attr]
    first = _video(studio_row, video_id)
    assert first.processing == Processing.PROCESSING
    assert first.attempts == 1
    assert any(name.endswith("-web.mp4") for name in _files_of(shared_media, studio_row, first))  # written, not served
    # when the worker process dies mid-task (with its ffmpeg)
    os.kill(pool_pid, signal.SIGKILL)
    os.kill(ffmpeg_pid, signal.SIGKILL)
    # then the redelivered task processes the video, once
    wait_for(lambda: _video(studio_row, video_id).processing == Processing.READY, timeout=180, what="the retry")
    time.sleep(1)
    video = _video(studio_row, video_id)
    assert video.attempts == 2
    # and only the finished run's outputs are left: the dead run's rendition was removed
    attempt = video.attempt.hex
    assert _files_of(shared_media, studio_row, video) == sorted(
        ["original", f"{attempt}-web.mp4", f"{attempt}-poster.jpg", f"{attempt}-strip.jpg"]
    )
    assert files.original_name(video).endswith("original")
    assert worker.process.poll() is None
