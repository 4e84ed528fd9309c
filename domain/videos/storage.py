"""Where a video's files live and how they are handed out.

Names: `videos/<client id>/<key>/original` for the upload, `.../<attempt>-web.mp4` (and -poster.jpg,
-strip.jpg) for what processing made; the studio storage puts all of it under the studio's schema
(core/storage.py). `key` and `attempt` are random UUIDs, so no name can be guessed.

Two storages, one interface:
- an S3-compatible bucket (MEDIA_S3_BUCKET set): the phone POSTs the file straight to the bucket with a
  presigned POST whose policy caps the size; files are handed out as presigned GET URLs;
- the filesystem: the phone sends the file in chunks (`PUT /videos/{id}/upload` with Content-Range,
  resumable after a dropped connection); files are handed out as signed app URLs served with byte
  ranges (browsers seek in a video with Range requests).
Either way a URL lives VIDEO_URL_TTL_SECONDS and is only made for someone the selectors let see the video.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any, cast

from django.conf import settings
from django.core import signing
from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.urls import reverse
from storages.backends.s3 import S3Storage

from core.db import tenant_connection
from domain.videos.models import Video

SIGNING_SALT = "videos.media"
COPY_BLOCK = 1024 * 1024
KINDS = {"rendition": "rendition_name", "poster": "poster_name", "strip": "strip_name", "original": "original_name"}
CONTENT_TYPES = {"rendition": "video/mp4", "poster": "image/jpeg", "strip": "image/jpeg"}


def storage() -> Storage:
    return default_storage


def in_bucket() -> bool:
    return isinstance(storage(), S3Storage)


def _bucket_url(name: str, **options: Any) -> str:
    """A presigned URL of `name` in the bucket (S3Storage.url takes `expire` and `parameters`)."""
    return str(cast(S3Storage, storage()).url(name, **options))


def original_name(video: Video) -> str:
    return f"videos/{video.client_id}/{video.key.hex}/original"


def output_name(video: Video, attempt: str, suffix: str) -> str:
    return f"videos/{video.client_id}/{video.key.hex}/{attempt}-{suffix}"


# --- upload ------------------------------------------------------------------------------------


def upload_target(video: Video) -> dict[str, Any]:
    """How the uploader sends the file: {"method": "post", "url", "fields"} (bucket: a multipart form POST
    of `fields` plus `file` last) or {"method": "chunks", "url", "chunk_bytes"} (PUT each chunk with
    `Content-Range: bytes start-end/total`; GET the same URL for how many bytes have arrived)."""
    if in_bucket():
        bucket: Any = storage()
        post = bucket.connection.meta.client.generate_presigned_post(
            Bucket=bucket.bucket_name,
            Key=bucket._normalize_name(video.original_name),
            Conditions=[["content-length-range", 1, video.declared_bytes]],
            ExpiresIn=settings.VIDEO_UPLOAD_TTL_SECONDS,
        )
        return {"method": "post", "url": post["url"], "fields": post["fields"]}
    return {
        "method": "chunks",
        "url": reverse("api-v1:video_upload_chunk", kwargs={"video_id": video.pk}),
        "chunk_bytes": settings.VIDEO_CHUNK_BYTES,
    }


def chunk_write(name: str, *, start: int, stream: IO[bytes], length: int) -> int:
    """Write `length` bytes of `stream` at offset `start` of the file (filesystem storage) and cut off
    anything after them (bytes of a chunk whose answer was lost). Returns the bytes written."""
    path = Path(storage().path(name))
    path.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with path.open("r+b" if path.exists() else "wb") as out:
        out.seek(start)
        while written < length:
            block = stream.read(min(COPY_BLOCK, length - written))
            if not block:
                break
            out.write(block)
            written += len(block)
        out.truncate()
    return written


def stored_size(name: str) -> int:
    """Bytes of a stored file, 0 when there is none."""
    return storage().size(name) if storage().exists(name) else 0


def delete_quietly(names: Iterable[str]) -> None:
    for name in names:
        if name:
            storage().delete(name)


# --- processing --------------------------------------------------------------------------------


def probe_source(name: str) -> str:
    """What ffprobe opens: the local path, or a short-lived URL of the object (it reads only the header)."""
    if in_bucket():
        return _bucket_url(name, expire=120)
    return str(storage().path(name))


def download(name: str, target: Path) -> Path:
    with storage().open(name, "rb") as source, target.open("wb") as out:
        shutil.copyfileobj(source, out, COPY_BLOCK)
    return target


def save(name: str, path: Path) -> str:
    """Store a finished local file under `name` (a new name: outputs are never overwritten)."""
    with path.open("rb") as handle:
        return storage().save(name, File(handle, name=path.name))


# --- handing files out -------------------------------------------------------------------------


def signed_url(video: Video, kind: str) -> str | None:
    """A URL of the video's `kind` file valid for VIDEO_URL_TTL_SECONDS, or None when there is none."""
    name = getattr(video, KINDS[kind])
    if not name:
        return None
    ttl = settings.VIDEO_URL_TTL_SECONDS
    if in_bucket():
        content = CONTENT_TYPES.get(kind, "application/octet-stream")
        return _bucket_url(name, expire=ttl, parameters={"ResponseContentType": content})
    token = signing.dumps(
        {"s": tenant_connection.schema_name, "v": video.pk, "k": kind}, salt=SIGNING_SALT, compress=True
    )
    return reverse("api-v1:video_media", kwargs={"token": token})


def token_read(token: str) -> tuple[int, str] | None:
    """(video id, kind) of a valid, unexpired token of this studio, else None."""
    try:
        data = signing.loads(token, salt=SIGNING_SALT, max_age=settings.VIDEO_URL_TTL_SECONDS)
    except signing.BadSignature:
        return None
    if (
        not isinstance(data, dict)
        or data.get("s") != tenant_connection.schema_name
        or data.get("k") not in CONTENT_TYPES
    ):
        return None
    return int(data["v"]), str(data["k"])


RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def _read(handle: IO[bytes], start: int, length: int) -> Iterator[bytes]:
    handle.seek(start)
    try:
        while length > 0:
            block = handle.read(min(COPY_BLOCK, length))
            if not block:
                return
            length -= len(block)
            yield block
    finally:
        handle.close()


def file_response(request: HttpRequest, name: str, content_type: str) -> HttpResponseBase:
    """The file, or the single byte range the Range header asks for (206; 416 when it is outside)."""
    size = storage().size(name)
    handle = storage().open(name, "rb")
    match = RANGE.match(request.headers.get("Range", "").strip())
    if not match or not (match[1] or match[2]):
        response: HttpResponseBase = FileResponse(handle, content_type=content_type)
    else:
        first, last = match[1], match[2]
        start = int(first) if first else max(0, size - int(last))
        end = min(int(last), size - 1) if first and last else size - 1
        if start >= size or start > end:
            handle.close()
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            return response
        response = StreamingHttpResponse(_read(handle, start, end - start + 1), status=206, content_type=content_type)
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(end - start + 1)
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = "private, max-age=600"
    return response


def local_tmp() -> str:
    """Where processing works on local copies (VIDEO_WORK_DIR, else the system's temporary directory)."""
    work = settings.VIDEO_WORK_DIR
    if work:
        os.makedirs(work, exist_ok=True)
    return work or ""
