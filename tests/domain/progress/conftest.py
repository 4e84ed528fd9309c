from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.domain.workouts.conftest import client_user, trainer  # noqa: F401 - the same people
from tests.portal.conftest import media_root  # noqa: F401 - the same temporary media root as the portal tests


def jpeg(width: int = 40, height: int = 20, *, exif: dict[int, object] | None = None, color: str = "orange") -> bytes:
    image = Image.new("RGB", (width, height), color)
    metadata = Image.Exif()
    for tag, value in (exif or {}).items():
        metadata[tag] = value
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=metadata.tobytes())
    return out.getvalue()


def upload(content: bytes, name: str = "me.jpg", content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)
