"""Checking and cleaning an uploaded progress photo with Pillow before anything is stored.

A file is accepted only if Pillow decodes it as a JPEG, PNG or WebP within the size limits, whatever
its name or declared content type says. What is stored is a re-encoded JPEG: turned upright from its
EXIF orientation, scaled to fit MAX_PHOTO_SIDE, and without any metadata (phones put the place a
photo was taken in its EXIF; a body photo should not carry the client's home address).
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from core.error_codes import ErrorCode
from core.exceptions import ValidationError
from domain.progress.models import MAX_PHOTO_BYTES, MAX_PHOTO_SIDE

ACCEPTED_FORMATS = frozenset({"JPEG", "MPO", "PNG", "WEBP"})  # MPO: the JPEG variant many phones write
MAX_PIXELS = 40_000_000  # 40 megapixels: any real camera; refuses decompression bombs early
JPEG_QUALITY = 85


@dataclass(frozen=True)
class CleanPhoto:
    content: bytes
    width: int
    height: int


def _refuse(message: str, code: ErrorCode) -> ValidationError:
    return ValidationError(message, code=code, fields={"image": message})


def photo_clean(upload: UploadedFile) -> CleanPhoto:
    """The upload as a clean JPEG, or a ValidationError saying what is wrong with it."""
    if upload.size is None or upload.size > MAX_PHOTO_BYTES:
        limit = {"mb": MAX_PHOTO_BYTES // (1024 * 1024)}
        raise _refuse(_("The photo is larger than %(mb)d MB.") % limit, ErrorCode.PHOTO_TOO_LARGE)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            upload.seek(0)
            with Image.open(upload) as probe:
                image_format = probe.format
                if probe.width * probe.height > MAX_PIXELS:
                    raise _refuse(_("The photo has too many pixels."), ErrorCode.PHOTO_TOO_LARGE)
                probe.verify()  # structural check; the image cannot be used afterwards
            if image_format not in ACCEPTED_FORMATS:
                raise _refuse(_("Upload a JPEG, PNG or WebP photo."), ErrorCode.PHOTO_TYPE)
            upload.seek(0)
            with Image.open(upload) as original:
                upright = ImageOps.exif_transpose(original)
                rgb = upright.convert("RGB")
                rgb.thumbnail((MAX_PHOTO_SIDE, MAX_PHOTO_SIDE))
                out = io.BytesIO()
                rgb.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    except ValidationError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning, OSError) as exc:
        raise _refuse(
            _("This file is not a photo we can read. Upload a JPEG, PNG or WebP."), ErrorCode.PHOTO_TYPE
        ) from exc
    return CleanPhoto(content=out.getvalue(), width=rgb.width, height=rgb.height)
