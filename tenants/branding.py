"""A studio's logo and icons: uploads are checked and re-encoded; app icons are drawn from them.

Re-encoding (rather than storing the upload's bytes) drops metadata and anything smuggled after
the image data, and caps the stored size, so every page can show the logo without a second thought.
"""

from __future__ import annotations

import io
import re

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont, ImageOps, UnidentifiedImageError

from core.error_codes import ErrorCode
from core.exceptions import ValidationError
from tenants.models import Studio

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_MAX_SIDE_IN = 4096  # refuse before decoding anything larger (decompression bombs)
LOGO_MAX_SIDE_STORED = 1024
# Pillow format -> (file extension, save options). SVG is refused: it can carry script.
LOGO_FORMATS: dict[str, tuple[str, dict[str, object]]] = {
    "PNG": ("png", {"optimize": True}),
    "JPEG": ("jpg", {"quality": 90}),
    "WEBP": ("webp", {"quality": 90}),
}
ICON_SIZES = (192, 512)


def _logo_error(message: str, code: ErrorCode) -> ValidationError:
    return ValidationError(message, code=code, fields={"logo": message})


def logo_prepare(upload: UploadedFile) -> ContentFile:
    """A checked, re-encoded copy of an uploaded logo named by its real format, or a ValidationError."""
    if upload.size is None or upload.size > LOGO_MAX_BYTES:
        raise _logo_error(_("The logo must be at most 2 MB."), ErrorCode.LOGO_TOO_LARGE)
    try:
        with Image.open(upload) as probe:
            image_format = probe.format or ""
            width, height = probe.size
            if image_format not in LOGO_FORMATS:
                raise _logo_error(_("Upload the logo as a PNG, JPEG or WebP image."), ErrorCode.LOGO_FORMAT)
            if max(width, height) > LOGO_MAX_SIDE_IN:
                raise _logo_error(
                    _("The logo must be at most %(px)d pixels wide and high.") % {"px": LOGO_MAX_SIDE_IN},
                    ErrorCode.LOGO_TOO_LARGE,
                )
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as opened:
            opened.load()
            image = ImageOps.exif_transpose(opened)
            image.thumbnail((LOGO_MAX_SIDE_STORED, LOGO_MAX_SIDE_STORED))
            if image_format == "JPEG" and image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            extension, options = LOGO_FORMATS[image_format]
            out = io.BytesIO()
            image.save(out, format=image_format, **options)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise _logo_error(_("This file is not an image we can read."), ErrorCode.LOGO_INVALID) from exc
    return ContentFile(out.getvalue(), name=f"logo.{extension}")


def colour_check(value: str, field: str) -> str:
    """`#RRGGBB` upper-cased, or a ValidationError on `field`."""
    value = (value or "").strip()
    if not HEX_COLOUR.match(value):
        message = _("Use a colour like #1A2B3C.")
        raise ValidationError(message, code=ErrorCode.COLOUR_INVALID, fields={field: message})
    return value.upper()


def _icon_draw(studio: Studio, size: int) -> bytes:
    canvas = Image.new("RGB", (size, size), studio.primary_color)
    if studio.logo:
        canvas = Image.new("RGB", (size, size), "#FFFFFF")
        with studio.logo.open("rb") as handle, Image.open(handle) as opened:
            logo = opened.convert("RGBA")
            logo.thumbnail((int(size * 0.8), int(size * 0.8)))
            canvas.paste(logo, ((size - logo.width) // 2, (size - logo.height) // 2), logo)
    else:
        initial = (studio.name.strip()[:1] or "F").upper()
        font = ImageFont.load_default(size=int(size * 0.55))
        ImageDraw.Draw(canvas).text((size / 2, size / 2), initial, fill="#FFFFFF", font=font, anchor="mm")
    out = io.BytesIO()
    canvas.save(out, format="PNG", optimize=True)
    return out.getvalue()


def studio_icon_png(*, studio: Studio, size: int) -> bytes:
    """The studio's app icon (its logo on white, or its initial on its colour), cached until it rebrands.

    Cache keys are prefixed with the schema, and include the studio's last change, so a rebrand is
    seen at once and nothing needs invalidating.
    """
    key = f"branding:icon:{size}:{studio.updated_at.timestamp()}"
    icon = cache.get(key)
    if icon is None:
        icon = _icon_draw(studio, size)
        cache.set(key, icon, timeout=7 * 24 * 3600)
    return icon
