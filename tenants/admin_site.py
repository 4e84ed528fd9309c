"""The Django admin, for platform staff on the public host only.

It is mounted only in the public URLconf; this also refuses anyone whose role is not platform
staff (an `is_staff` flag set by mistake is not enough) and any request that reached it on a studio host.
"""

from __future__ import annotations

from django.contrib.admin import AdminSite
from django.http import HttpRequest

from core.permissions import can


class PlatformAdminSite(AdminSite):
    site_header = "FitWell Pro platform"
    site_title = "FitWell Pro platform"

    def has_permission(self, request: HttpRequest) -> bool:
        return (
            getattr(request, "tenant", None) is None
            and super().has_permission(request)
            and can(request.user, "platform.admin")
        )
