"""Media storage whose keys are prefixed by the studio's schema, so studios never share a path."""

from __future__ import annotations

from collections.abc import Iterator

from django.core.files.storage import default_storage
from django_tenants.files.storage import TenantFileSystemStorage as _TenantFileSystemStorage
from storages.backends.s3 import S3Storage

from core.db import tenant_connection


class TenantFileSystemStorage(_TenantFileSystemStorage):
    """Files under MEDIA_ROOT/<schema>/, served under MEDIA_URL/<schema>/."""


class TenantS3Storage(S3Storage):
    """Objects under <schema>/ in the bucket; URLs are signed (private media)."""

    @property
    def location(self) -> str:
        return tenant_connection.schema_name

    @location.setter
    def location(self, value: str) -> None:  # the parent's settings loader assigns it; the schema wins
        pass


def storage_walk(directory: str = "") -> Iterator[str]:
    """Every file name under `directory` of the (schema-prefixed) default storage, depth first; nothing
    when the folder does not exist."""
    try:
        folders, names = default_storage.listdir(directory)
    except FileNotFoundError:
        return
    for name in names:
        yield f"{directory}/{name}" if directory else name
    for folder in folders:
        yield from storage_walk(f"{directory}/{folder}" if directory else folder)
