"""Every page (and email rendered with a request) carries the studio's branding."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

DEFAULT_PRIMARY = "#1F6FEB"
DEFAULT_ACCENT = "#F97316"


def branding_for(studio: Any | None) -> dict[str, Any]:
    if studio is None:
        return {
            "name": settings.PLATFORM_NAME,
            "logo_url": "",
            "primary_color": DEFAULT_PRIMARY,
            "accent_color": DEFAULT_ACCENT,
            "is_studio": False,
        }
    return {
        "name": studio.name,
        "logo_url": studio.logo.url if studio.logo else "",
        "primary_color": studio.primary_color,
        "accent_color": studio.accent_color,
        "is_studio": True,
    }


def branding(request: HttpRequest) -> dict[str, Any]:
    data = branding_for(getattr(request, "tenant", None))
    # Emails need the logo as an absolute URL (templates/emails/base.html).
    data["absolute_logo_url"] = request.build_absolute_uri(data["logo_url"]) if data["logo_url"] else ""
    return {"branding": data, "platform_domain": settings.PLATFORM_DOMAIN}
