"""On an S3-compatible bucket (moto's server): the phone posts the file straight to the bucket with a
presigned POST, ffprobe reads it through a signed URL, processing writes its outputs to the bucket under
the studio's schema, and files are handed out as presigned GET URLs."""

from __future__ import annotations

import urllib3
from django.db import connection

from domain.videos.models import Processing, Video
from tests.factories.videos import clip


def _post_to_bucket(target: dict, content: bytes) -> int:
    fields = {**target["fields"], "file": ("clip.mp4", content, "video/mp4")}
    return urllib3.request("POST", target["url"], fields=fields).status


def _start(person, content: bytes) -> dict:
    response = person.post("/api/v1/videos/upload", {"size_bytes": len(content)}, content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json()


def test_a_clip_goes_straight_to_the_bucket_and_is_processed_there(
    bucket, api_client, client_user, django_capture_on_commit_callbacks
):
    person = api_client(client_user)
    content = clip(1)
    # when the phone asks where to send a clip
    started = _start(person, content)
    target = started["upload"]
    # then it is told to POST it to the bucket, under the studio's schema and an unguessable name
    assert target["method"] == "post"
    assert target["url"].startswith(bucket.endpoint)
    assert target["fields"]["key"].startswith(f"{connection.schema_name}/videos/{client_user.pk}/")
    # when it posts the file there and completes the upload
    assert _post_to_bucket(target, content) in (200, 201, 204)
    with django_capture_on_commit_callbacks(execute=True):
        done = person.post(f"/api/v1/videos/{started['video']['id']}/upload/complete")
    # then ffprobe read it from the bucket and processing stored the outputs next to it
    assert done.status_code == 202, done.content
    video = Video.objects.get()
    assert video.processing == Processing.READY
    assert video.codec == "h264"
    folder = f"{connection.schema_name}/videos/{client_user.pk}/{video.key.hex}/"
    assert len(bucket.keys(folder)) == 4
    # and the rendition is handed out as a presigned GET of the bucket, which serves byte ranges
    url = person.get(f"/api/v1/videos/{video.pk}").json()["urls"]["rendition"]
    assert url.startswith(bucket.endpoint)
    assert "Signature" in url
    part = urllib3.request("GET", url, headers={"Range": "bytes=0-11"})
    assert part.status == 206
    assert part.data[4:8] == b"ftyp"


def test_a_fake_video_in_the_bucket_is_refused_and_deleted(bucket, api_client, client_user):
    person = api_client(client_user)
    content = b"%PDF-1.4 not a video" * 50
    started = _start(person, content)
    assert _post_to_bucket(started["upload"], content) in (200, 201, 204)
    done = person.post(f"/api/v1/videos/{started['video']['id']}/upload/complete")
    assert done.status_code == 400
    assert done.json()["code"] == "video_type"
    assert not Video.objects.exists()
    assert bucket.keys(f"{connection.schema_name}/videos/{client_user.pk}/") == []


def test_completing_before_the_file_reached_the_bucket_is_a_409(bucket, api_client, client_user):
    person = api_client(client_user)
    started = _start(person, clip(1))
    done = person.post(f"/api/v1/videos/{started['video']['id']}/upload/complete")
    assert done.status_code == 409
    assert done.json()["code"] == "upload_incomplete"
    assert Video.objects.get().processing == Processing.UPLOADING
