"""Checking a message's files before anything is stored: what the bytes are, not what the name claims.

Images go through progress photos' checks (`domain.progress.photos.photo_clean`: Pillow decodes it as a
JPEG, PNG or WebP within the limits; stored re-encoded as a JPEG without metadata). Documents must be PDFs:
the header and trailer of one, within the size limit, and without embedded JavaScript, launch actions or
attached files (the usual carriers of malware in a PDF).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from core.error_codes import ErrorCode
from core.exceptions import ValidationError
from domain.messaging.models import MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, Attachment
from domain.progress.photos import photo_clean

PDF_ACTIVE = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFile|OpenAction|AA|RichMedia)\b")


@dataclass(frozen=True)
class CleanFile:
    kind: str
    content: bytes
    name: str
    width: int = 0
    height: int = 0


def _refuse(message: str) -> ValidationError:
    return ValidationError(message, code=ErrorCode.ATTACHMENT_INVALID, fields={"attachments": message})


def _display_name(upload: UploadedFile, kind: str) -> str:
    stem = os.path.splitext(os.path.basename(upload.name or ""))[0][:100].strip() or "file"
    return f"{stem}.{'jpg' if kind == Attachment.Kind.IMAGE else 'pdf'}"


def attachment_clean(upload: UploadedFile) -> CleanFile:
    """One upload as what will be stored; raises ValidationError (400, `attachment_invalid`) when it is not
    an image or a PDF we accept, or is larger than MAX_ATTACHMENT_BYTES (10 MB)."""
    if upload.size is None or upload.size > MAX_ATTACHMENT_BYTES:
        raise _refuse(_("A file is larger than %(mb)d MB.") % {"mb": MAX_ATTACHMENT_BYTES // (1024 * 1024)})
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if head == b"%PDF-":
        content = upload.read()
        if b"%%EOF" not in content[-1024:]:
            raise _refuse(_("This PDF is incomplete or damaged."))
        if PDF_ACTIVE.search(content):
            raise _refuse(_("PDFs with scripts, actions or embedded files are not accepted."))
        return CleanFile(kind=Attachment.Kind.PDF, content=content, name=_display_name(upload, "pdf"))
    try:
        photo = photo_clean(upload)
    except ValidationError as exc:
        raise _refuse(_("Attach a photo (JPEG, PNG, WebP) or a PDF document.")) from exc
    return CleanFile(
        kind=Attachment.Kind.IMAGE,
        content=photo.content,
        name=_display_name(upload, "image"),
        width=photo.width,
        height=photo.height,
    )


def attachments_clean(uploads: list[UploadedFile]) -> list[CleanFile]:
    """Every upload cleaned (all or nothing); at most MAX_ATTACHMENTS."""
    if len(uploads) > MAX_ATTACHMENTS:
        raise _refuse(_("Attach at most %(n)d files.") % {"n": MAX_ATTACHMENTS})
    return [attachment_clean(upload) for upload in uploads]
