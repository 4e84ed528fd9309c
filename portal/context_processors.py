"""Every page (and email rendered with a request) carries the studio's branding."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from core.branding import DEFAULT_ACCENT, DEFAULT_PRIMARY, branding_for

__all__ = ["DEFAULT_ACCENT", "DEFAULT_PRIMARY", "branding", "branding_for"]


def branding(request: HttpRequest) -> dict[str, Any]:
    # Absolute logo URL: the same dictionary serves pages and emails rendered with this request.
    data = branding_for(getattr(request, "tenant", None), base_url=f"{request.scheme}://{request.get_host()}")
    return {"branding": data, "platform_domain": settings.PLATFORM_DOMAIN}
