"""A studio's branding as pages and emails use it (name, logo, colours), or the platform's own.

Lives in core (not portal) because emails sent by core services carry it too; the portal's
context processor hands the same dictionary to every page.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from core.contrast import ink, text_on

DEFAULT_PRIMARY = "#1F6FEB"
DEFAULT_ACCENT = "#F97316"


def _readable(data: dict[str, Any]) -> dict[str, Any]:
    """Adds the colours text is drawn in: links in the primary colour (`primary_ink`, darkened to 4.5:1 if
    need be) and the text on primary and accent backgrounds (`on_primary`, `on_accent`: white or black)."""
    return {
        **data,
        "primary_ink": ink(data["primary_color"]),
        "on_primary": text_on(data["primary_color"]),
        "on_accent": text_on(data["accent_color"]),
    }


def branding_for(studio: Any | None, *, base_url: str = "") -> dict[str, Any]:
    """`base_url` (scheme + host) makes a relative logo URL absolute, as an email needs."""
    if studio is None:
        return _readable(
            {
                "name": settings.PLATFORM_NAME,
                "logo_url": "",
                "primary_color": DEFAULT_PRIMARY,
                "accent_color": DEFAULT_ACCENT,
                "is_studio": False,
                "client_signup": False,
            }
        )
    logo_url = studio.logo.url if studio.logo else ""
    if logo_url.startswith("/") and base_url:
        logo_url = base_url.rstrip("/") + logo_url
    return _readable(
        {
            "name": studio.name,
            "logo_url": logo_url,
            "primary_color": studio.primary_color,
            "accent_color": studio.accent_color,
            "is_studio": True,
            "client_signup": bool(getattr(studio, "allow_client_signup", False)),
        }
    )
