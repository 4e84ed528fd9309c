"""Addresses of studios as seen from a request, so links keep the scheme and port the visitor used."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from tenants.models import Studio


def studio_host(studio: Studio) -> str:
    return f"{studio.slug}.{settings.PLATFORM_DOMAIN}"


def studio_url(request: HttpRequest, studio: Studio, path: str = "/") -> str:
    """An absolute URL on the studio's host, e.g. https://iron.example.com/x or http://iron.localhost:8000/x.

    The port is carried over from the current host (development servers run on one port for every host).
    """
    host = request.get_host()
    port = host.rsplit(":", 1)[1] if ":" in host and not host.endswith("]") else ""
    return f"{request.scheme}://{studio_host(studio)}{':' + port if port else ''}{path}"
