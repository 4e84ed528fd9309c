"""Videos tests: the people, a temporary media root, real clips, and the upload done as a phone does it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client

from core.models import User
from tests.domain.videos.bucket import Bucket, bucket_server
from tests.domain.workouts.conftest import client_user, trainer  # noqa: F401 - the same people
from tests.needs import require
from tests.portal.conftest import media_root  # noqa: F401 - the same temporary media root as the portal tests


@pytest.fixture(autouse=True)
def _ffmpeg() -> None:
    """Every test here needs the real ffmpeg: missing, CI fails, a developer's run skips (tests/needs.py)."""
    require("ffmpeg")


def upload(
    client: Client, content: bytes, *, chunk: int | None = None, complete: bool = True, **fields: Any
) -> tuple[Any, Any]:
    """Start an upload, send the file in chunks as the answer says, complete it: (start, complete) responses."""
    start = client.post(
        "/api/v1/videos/upload", {"size_bytes": len(content), "filename": "clip.mp4", **fields}, "application/json"
    )
    assert start.status_code == 201, start.content
    target = start.json()["upload"]
    assert target["method"] == "chunks"
    size = chunk or target["chunk_bytes"]
    for offset in range(0, len(content), size):
        piece = content[offset : offset + size]
        sent = client.put(
            target["url"],
            piece,
            content_type="application/octet-stream",
            HTTP_CONTENT_RANGE=f"bytes {offset}-{offset + len(piece) - 1}/{len(content)}",
        )
        assert sent.status_code == 200, sent.content
    if not complete:
        return start, None
    return start, client.post(f"/api/v1/videos/{start.json()['video']['id']}/upload/complete")


@pytest.fixture
def uploaded(request, api_client, django_capture_on_commit_callbacks) -> Callable[..., Any]:
    """`uploaded(content, **fields)`: the client uploads `content`; processing runs (eagerly) after commit."""
    request.getfixturevalue("media_root")
    person = request.getfixturevalue("client_user")

    def make(content: bytes, *, by: User | None = None, **fields: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            _start, done = upload(api_client(by or person), content, **fields)
        return done

    return make


@pytest.fixture(scope="session")
def _bucket_server() -> Iterator[Bucket]:
    yield from bucket_server()


@pytest.fixture
def bucket(_bucket_server: Bucket, settings) -> Bucket:
    """Media on the S3-compatible server for this test (what MEDIA_S3_BUCKET selects in production)."""
    settings.STORAGES = {**settings.STORAGES, "default": _bucket_server.storage_settings()}
    return _bucket_server
