"""Media storage whose keys are prefixed by the studio's schema, so studios never share a path."""

from __future__ import annotations

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
