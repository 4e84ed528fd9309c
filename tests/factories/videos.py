"""Videos in any state, and real clips made by ffmpeg (use inside the `tenant` fixture)."""

from __future__ import annotations

import subprocess
import uuid
from decimal import Decimal
from functools import cache
from pathlib import Path
from tempfile import TemporaryDirectory

import factory
from django.utils import timezone

from domain.videos.models import Processing, Video
from tests.factories.core import ClientFactory

FFMPEG = "ffmpeg"


class VideoFactory(factory.django.DjangoModelFactory):
    """A processed 3 s, 30 fps clip waiting for review (its files are names only: for workflow tests)."""

    class Meta:
        model = Video

    client = factory.SubFactory(ClientFactory)
    uploaded_by = factory.SelfAttribute("client")
    title = "Back squat"
    original_name = factory.LazyFunction(lambda: f"videos/x/{uuid.uuid4().hex}/original")
    rendition_name = factory.LazyFunction(lambda: f"videos/x/{uuid.uuid4().hex}/web.mp4")
    declared_bytes = 1000
    received_bytes = 1000
    processing = Processing.READY
    submitted_at = factory.LazyFunction(timezone.now)
    duration_ms = 3000
    frame_rate = Decimal("30")
    width, height = 720, 1280


@cache
def clip(seconds: float = 2, size: str = "320x180", *, rotate: int = 0, rate: int = 30, audio: bool = True) -> bytes:
    """A real H.264/AAC MP4 (a test pattern with a tone); `rotate` writes a phone's display rotation
    (rotate=90 with a landscape-coded size is how a phone stores a portrait clip)."""
    with TemporaryDirectory() as work:
        plain, turned = Path(work) / "plain.mp4", Path(work) / "turned.mp4"
        sound = ["-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}"] if audio else []
        encode = ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", *(["-c:a", "aac"] if audio else [])]
        source = ["-f", "lavfi", "-i", f"testsrc=size={size}:rate={rate}:duration={seconds}"]
        make = [FFMPEG, "-v", "error", "-y", *source, *sound, *encode, "-shortest", str(plain)]
        subprocess.run(make, check=True)  # noqa: S603
        if not rotate:
            return plain.read_bytes()
        turn = [FFMPEG, "-v", "error", "-y", "-i", str(plain), "-c", "copy", "-metadata:s:v:0", f"rotate={rotate}"]
        subprocess.run([*turn, str(turned)], check=True)  # noqa: S603
        return turned.read_bytes()
