"""Host-based routing: the platform domain is the public site, `<slug>.<domain>` is a studio."""

from __future__ import annotations

from collections.abc import Callable

import sentry_sdk
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import set_urlconf
from django.utils.translation import gettext as _

from core.context import studio_var
from core.db import tenant_connection
from core.error_codes import ErrorCode
from tenants.models import Studio
from tenants.routing import studio_for_host

ALWAYS_ANSWERED = ("/healthz", "/readyz")


def is_public_host(host: str) -> bool:
    return host in (settings.PLATFORM_DOMAIN, f"www.{settings.PLATFORM_DOMAIN}")


class StudioRoutingMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # The public host has no `request.tenant` at all (django-tenants' admin templates read a
        # missing attribute as "public"); code that serves both kinds of host uses getattr(..., None).
        # A persistent connection keeps the schema of its last request: every branch below sets the
        # schema it needs, and setting the one it already has costs nothing (core/db/backend).
        host = request.get_host().rsplit(":", 1)[0].lower()

        if is_public_host(host):
            tenant_connection.set_schema_to_public()
            self._use_urlconf(request, settings.PUBLIC_SCHEMA_URLCONF)
            studio_var.set("public")
            return self.get_response(request)

        studio = studio_for_host(host)
        if studio is None or studio.status in (Studio.Status.PROVISIONING, Studio.Status.CLOSED):
            tenant_connection.set_schema_to_public()
            self._use_urlconf(request, settings.PUBLIC_SCHEMA_URLCONF)
            return render(request, "public/studio_not_found.html", {"host": host}, status=404)

        tenant_connection.set_tenant(studio)
        request.tenant = studio  # type: ignore[attr-defined]  # the attribute StudioRequest/TenantRequest declare is set here
        self._use_urlconf(request, settings.ROOT_URLCONF)
        studio_var.set(studio.slug)
        sentry_sdk.set_tag("studio", studio.slug)

        if studio.status == Studio.Status.SUSPENDED and not request.path.startswith(ALWAYS_ANSWERED):
            return self._suspended(request, studio)
        return self.get_response(request)

    @staticmethod
    def _use_urlconf(request: HttpRequest, urlconf: str) -> None:
        request.urlconf = urlconf
        set_urlconf(urlconf)

    @staticmethod
    def _suspended(request: HttpRequest, studio: Studio) -> HttpResponse:
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"detail": _("This studio is suspended."), "code": ErrorCode.STUDIO_SUSPENDED},
                status=403,
            )
        return render(request, "public/studio_suspended.html", {"studio": studio}, status=403)
