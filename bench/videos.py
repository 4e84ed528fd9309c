"""Form-check video speed and memory: processing a phone clip, and receiving a large upload in chunks.

    .venv/bin/python bench/videos.py [--seconds 10] [--size 1280x720] [--upload-mb 64]

Processing runs the real ffprobe/ffmpeg steps of the task (domain/videos/media.py) on a clip made here
(H.264 + AAC at 30 fps, as a phone records), each timed, against the clip's own length (real time).
Upload memory: the filesystem upload path (`storage.chunk_write`, chunks of VIDEO_CHUNK_BYTES) measured
with tracemalloc, against the reference of holding the same body in memory as one request would.
Needs no database. Target: processing faster than real time; upload memory bounded by one copy block.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("LOG_LEVEL", "WARNING")
T = TypeVar("T")
WORK = Path(tempfile.mkdtemp(prefix="bench-videos-"))
os.environ["MEDIA_ROOT"] = str(WORK / "media")
os.environ["MEDIA_S3_BUCKET"] = ""

import django

django.setup()

from django.conf import settings

from domain.videos import media
from domain.videos import storage as files


def make_clip(seconds: int, size: str) -> Path:
    clip = WORK / "phone.mp4"
    command = [settings.VIDEO_FFMPEG, "-v", "error", "-y", "-f", "lavfi", "-i", f"testsrc2=size={size}:rate=30",
               "-f", "lavfi", "-i", "sine=frequency=330", "-t", str(seconds), "-c:v", "libx264", "-preset", "fast",
               "-pix_fmt", "yuv420p", "-c:a", "aac", str(clip)]  # fmt: skip
    subprocess.run(command, check=True)
    return clip


def timed(step: Callable[[], T]) -> tuple[T, float]:
    start = time.perf_counter()
    result = step()
    return result, time.perf_counter() - start


def processing(seconds: int, size: str) -> None:
    clip = make_clip(seconds, size)
    out = WORK / "out"
    out.mkdir()
    probe, probe_s = timed(lambda: media.probe(str(clip)))
    rendition, rendition_s = timed(lambda: media.make_rendition(str(clip), probe, out))
    _poster, poster_s = timed(lambda: media.make_poster(rendition, probe, out))
    _strip, strip_s = timed(lambda: media.make_strip(rendition, probe, out))
    total = probe_s + rendition_s + poster_s + strip_s
    print(f"\nProcessing a {seconds} s {size} H.264/AAC clip ({clip.stat().st_size / 1e6:.1f} MB)")
    print(f"{'step':<28}{'seconds':>10}")
    for name, value in (("ffprobe", probe_s), ("rendition (720p, faststart)", rendition_s),
                        ("poster", poster_s), ("seek-bar strip", strip_s)):  # fmt: skip
        print(f"{name:<28}{value:>10.2f}")
    print(f"{'total':<28}{total:>10.2f}   reference: the clip's length {seconds:.2f} s "
          f"({seconds / total:.1f}x real time)")  # fmt: skip


def upload_memory(megabytes: int) -> None:
    """The phone's file is on disk; each chunk request is a stream the server reads (as WSGI's input is)."""
    source = WORK / "upload.bin"
    source.write_bytes(os.urandom(megabytes * 1024 * 1024))
    size, chunk, name = source.stat().st_size, settings.VIDEO_CHUNK_BYTES, "bench/upload"
    tracemalloc.start()
    with source.open("rb") as stream:
        for offset in range(0, size, chunk):
            stream.seek(offset)
            files.chunk_write(name, start=offset, stream=stream, length=min(chunk, size - offset))
    chunked_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.reset_peak()
    whole = source.read_bytes()  # the reference: one request's body read into memory
    whole_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert files.stored_size(name) == len(whole)
    print(f"\nReceiving a {megabytes} MB upload in {chunk // (1024 * 1024)} MB chunks (filesystem storage)")
    print(f"{'path':<34}{'peak memory':>14}")
    print(f"{'chunk_write, chunk by chunk':<34}{chunked_peak / 1e6:>11.2f} MB")
    print(f"{'reference: the whole body at once':<34}{whole_peak / 1e6:>11.2f} MB")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--size", default="1280x720")
    parser.add_argument("--upload-mb", type=int, default=64)
    options = parser.parse_args()
    processing(options.seconds, options.size)
    upload_memory(options.upload_mb)


if __name__ == "__main__":
    main()
