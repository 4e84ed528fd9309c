"""Uploads on the filesystem storage: chunks, ffprobe deciding what a file is, refusals that leave nothing,
and processing (eager here; tests/domain/videos/test_worker.py runs a real worker) with real ffmpeg."""

from __future__ import annotations

import json
import subprocess

import pytest
from django.db import connection

from core.models import AuditEvent
from domain.videos.models import Processing, Video
from tests.domain.videos.conftest import upload
from tests.factories.core import ClientFactory, TrainerFactory
from tests.factories.videos import clip
from tests.factories.workouts import log_adhoc


def _probe(path) -> dict:
    out = subprocess.run(  # noqa: S603
        ["ffprobe", "-v", "error", "-print_format", "json", "-show_streams", "-show_format", str(path)],  # noqa: S607
        capture_output=True,
        check=True,
    )
    return json.loads(out.stdout)


def _stored(media_root) -> list[str]:
    root = media_root / connection.schema_name
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_a_portrait_phone_clip_is_uploaded_in_chunks_and_processed_into_a_web_rendition(
    uploaded, api_client, client_user, media_root
):
    # given a clip as a phone stores a portrait video: coded 320x180 with a 90 degree display rotation
    content = clip(2, "320x180", rotate=90)
    # when the client uploads it in chunks of 16 kB and completes the upload
    done = uploaded(content, chunk=16 * 1024, title="Squat, top set")
    # then it was accepted (ffprobe found an H.264 video of 2 s, upright 180x320) and processed
    assert done.status_code == 202, done.content
    video = Video.objects.get()
    assert (video.processing, video.codec) == (Processing.READY, "h264")
    assert video.rotation in (90, 270)  # which way round depends on the writer; either way the picture stands up
    assert (video.width, video.height, video.duration_ms) == (180, 320, 2000)
    assert float(video.frame_rate) == 30
    assert video.size_bytes == len(content)
    # and the rendition is H.264 + AAC, upright (no rotation left to apply), with the index up front
    rendition = media_root / connection.schema_name / video.rendition_name
    info = _probe(rendition)
    streams = {s["codec_type"]: s for s in info["streams"]}
    assert streams["video"]["codec_name"] == "h264"
    assert streams["audio"]["codec_name"] == "aac"
    assert (streams["video"]["width"], streams["video"]["height"]) == (180, 320)
    assert not streams["video"].get("side_data_list")
    assert streams["video"]["avg_frame_rate"] == "30/1"
    head = rendition.read_bytes()
    assert head.index(b"moov") < head.index(b"mdat")  # fast start: playable before it is all downloaded
    # and a poster and a strip of thumbnails were made, all under the video's unguessable folder
    assert video.poster_name
    assert video.strip_name
    assert video.strip_frames == 8
    folder = f"videos/{client_user.pk}/{video.key.hex}/"
    assert all(name.startswith(folder) for name in _stored(media_root))
    assert len(_stored(media_root)) == 4  # original, rendition, poster, strip
    # and the client's answer carries signed addresses, never storage names
    body = api_client(client_user).get(f"/api/v1/videos/{video.pk}").json()
    assert body["processing"] == "ready"
    assert video.key.hex not in json.dumps(body)


def test_the_signed_rendition_address_serves_byte_ranges_and_refuses_a_tampered_token(
    uploaded, api_client, client_user, studio_client, other_studio_client, media_root
):
    uploaded(clip())
    video = Video.objects.get()
    url = api_client(client_user).get(f"/api/v1/videos/{video.pk}").json()["urls"]["rendition"]
    # a browser seeking: a byte range, without any session (the address itself is the permission)
    part = studio_client.get(url, HTTP_RANGE="bytes=0-99")
    assert part.status_code == 206
    assert part["Content-Range"].startswith("bytes 0-99/")
    assert len(b"".join(part.streaming_content)) == 100
    assert part["Content-Type"] == "video/mp4"
    whole = studio_client.get(url)
    assert whole.status_code == 200
    assert whole["Accept-Ranges"] == "bytes"
    assert studio_client.get(url, HTTP_RANGE="bytes=999999999-").status_code == 416
    # a token changed by a byte, or used at another studio's host, finds nothing
    assert studio_client.get(url[:-3] + ("aaa" if not url.endswith("aaa") else "bbb")).status_code == 404
    assert other_studio_client.get(url).status_code == 404


def test_a_text_file_named_mp4_is_refused_and_deleted(api_client, client_user, media_root):
    _start, done = upload(api_client(client_user), b"this is not a video at all\n" * 40)
    assert done.status_code == 400
    assert done.json()["code"] == "video_type"
    assert Video.objects.count() == 0
    assert _stored(media_root) == []
    assert AuditEvent.objects.filter(action="video.refuse_upload").count() == 1


def test_an_over_long_video_is_refused_and_deleted(settings, api_client, client_user, media_root):
    settings.VIDEO_MAX_SECONDS = 1
    _start, done = upload(api_client(client_user), clip(2))
    assert done.status_code == 400
    assert done.json()["code"] == "video_too_long"
    assert "1 seconds" in done.json()["detail"]
    assert Video.objects.count() == 0
    assert _stored(media_root) == []


def test_an_over_size_video_is_refused_before_a_byte_is_sent(settings, api_client, client_user, media_root):
    settings.VIDEO_MAX_BYTES = 10_000
    response = api_client(client_user).post(
        "/api/v1/videos/upload", {"size_bytes": 10_001}, content_type="application/json"
    )
    assert response.status_code == 413
    assert response.json()["code"] == "video_too_large"
    assert Video.objects.count() == 0


def test_chunks_are_resumable_and_out_of_order_ones_are_refused(api_client, client_user, media_root):
    content = clip()
    person = api_client(client_user)
    start, _ = upload(person, content[:0] + content, chunk=len(content), complete=False)
    video_id = start.json()["video"]["id"]
    url = start.json()["upload"]["url"]
    # the whole file went in one chunk; sending it again (a lost answer) overwrites, nothing is doubled
    again = person.put(
        url,
        content,
        content_type="application/octet-stream",
        HTTP_CONTENT_RANGE=f"bytes 0-{len(content) - 1}/{len(content)}",
    )
    assert again.json()["received_bytes"] == len(content)
    # a chunk beyond what has arrived is refused with where to resume
    fresh = person.post("/api/v1/videos/upload", {"size_bytes": len(content)}, content_type="application/json").json()
    gap = person.put(
        fresh["upload"]["url"], content[100:200], content_type="application/octet-stream",
        HTTP_CONTENT_RANGE=f"bytes 100-199/{len(content)}",
    )  # fmt: skip
    assert gap.status_code == 409
    assert gap.json()["code"] == "upload_offset"
    assert gap.json()["received_bytes"] == 0
    # and completing before everything arrived says how much did
    early = person.post(f"/api/v1/videos/{fresh['video']['id']}/upload/complete")
    assert early.status_code == 409
    assert early.json()["received_bytes"] == 0
    assert person.get(f"/api/v1/videos/{video_id}/upload").json()["received_bytes"] == len(content)


def test_a_malformed_chunk_header_is_a_clear_400(api_client, client_user, media_root):
    person = api_client(client_user)
    fresh = person.post("/api/v1/videos/upload", {"size_bytes": 100}, content_type="application/json").json()
    bad = person.put(fresh["upload"]["url"], b"x" * 10, content_type="application/octet-stream")
    assert bad.status_code == 400
    assert bad.json()["code"] == "upload_range"


def test_a_video_of_a_logged_set_takes_its_exercise_and_another_clients_set_is_refused(
    api_client, client_user, trainer, media_root
):
    logged = log_adhoc(actor=client_user, client=client_user, slug="barbell-back-squat", sets=[(5, "100")])
    own_set = logged.completion.exercises.get().sets.get()
    person = api_client(client_user)
    answer = person.post(
        "/api/v1/videos/upload", {"size_bytes": 100, "logged_set_id": own_set.pk}, content_type="application/json"
    )
    assert answer.status_code == 201
    assert answer.json()["video"]["exercise_name"] == own_set.exercise.name
    someone = ClientFactory()
    theirs = log_adhoc(actor=someone, client=someone, slug="barbell-back-squat", sets=[(5, "100")])
    other_set = theirs.completion.exercises.get().sets.get()
    refused = person.post(
        "/api/v1/videos/upload", {"size_bytes": 100, "logged_set_id": other_set.pk}, content_type="application/json"
    )
    assert refused.status_code == 400
    assert "logged_set_id" in refused.json()["fields"]
    assert Video.objects.count() == 1


@pytest.mark.parametrize(("who", "status"), [("their trainer", 201), ("another trainer", 404)])
def test_staff_upload_for_the_clients_they_may_see(api_client, client_user, trainer, media_root, who, status):
    uploader = trainer if who == "their trainer" else TrainerFactory()
    answer = api_client(uploader).post(
        "/api/v1/videos/upload", {"size_bytes": 100, "client_id": client_user.pk}, content_type="application/json"
    )
    assert answer.status_code == status


def test_a_failed_processing_can_be_retried(uploaded, api_client, client_user, media_root, settings,
                                            django_capture_on_commit_callbacks):  # fmt: skip
    # given processing fails (the encoder is missing on this worker)
    settings.VIDEO_FFMPEG = "/nonexistent/ffmpeg"
    uploaded(clip())
    video = Video.objects.get()
    assert video.processing == Processing.FAILED
    assert video.error
    body = api_client(client_user).get(f"/api/v1/videos/{video.pk}").json()
    assert body["processing"] == "failed"
    assert body["urls"]["rendition"] is None
    # when the encoder is back and the client retries
    settings.VIDEO_FFMPEG = "ffmpeg"
    with django_capture_on_commit_callbacks(execute=True):
        retried = api_client(client_user).post(f"/api/v1/videos/{video.pk}/retry")
    assert retried.status_code == 202
    video.refresh_from_db()
    assert video.processing == Processing.READY
    assert video.attempts == 2
    # and a ready video cannot be "retried"
    assert api_client(client_user).post(f"/api/v1/videos/{video.pk}/retry").status_code == 409
