from __future__ import annotations

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.functional import empty
from PIL import Image

from core.models import User
from tests.factories.core import ClientFactory, TrainerFactory
from tests.factories.workouts import link_trainer


@pytest.fixture
def trainer(tenant) -> User:
    return TrainerFactory()


@pytest.fixture
def client_user(tenant, trainer) -> User:
    person = ClientFactory()
    link_trainer(person, trainer)
    return person


@pytest.fixture
def media_root(settings, tmp_path):
    """Photos go to a temporary MEDIA_ROOT (the storage is rebuilt so it sees the new root)."""
    settings.MEDIA_ROOT = str(tmp_path)
    default_storage._wrapped = empty
    yield tmp_path
    default_storage._wrapped = empty


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
