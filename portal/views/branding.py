"""The studio's look: logo and colours (owner only), and the web-app manifest and icons built from them."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, re_path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods
from django.views.static import serve

from core.db import tenant_connection
from core.decorators import page_requires
from core.exceptions import ValidationError
from core.forms import form_add_service_errors
from core.http import client_ip
from portal.forms import BrandingForm
from tenants.branding import ICON_SIZES, studio_icon_png
from tenants.http import StudioRequest, TenantRequest
from tenants.services import studio_branding_update


@page_requires("studio.update_branding")
@require_http_methods(["GET", "POST"])
def branding(request: StudioRequest) -> HttpResponse:
    studio = request.tenant
    form = BrandingForm.for_studio(studio, request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            studio_branding_update(studio=studio, actor=request.user, ip=client_ip(request), **form.service_kwargs())
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("Your branding is saved and already live on every page."))
            return redirect("portal:branding")
    return render(request, "portal/branding.html", {"form": form, "studio": studio})


@require_GET
@cache_control(max_age=300)
def manifest(request: TenantRequest) -> JsonResponse:
    """The web-app manifest, so the studio's app installs under its own name, colours and icon; the splash
    screen is the studio's primary colour with its icon. The offline worker is app.py's `/sw.js`."""
    studio = request.tenant
    version = int(studio.updated_at.timestamp())
    data = {
        "id": "/",
        "name": studio.name,
        "description": _("Your training, bookings and progress at %(studio)s.") % {"studio": studio.name},
        "short_name": studio.name if len(studio.name) <= 12 else studio.name[:12].rstrip(),
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "categories": ["health", "fitness", "lifestyle"],
        "theme_color": studio.primary_color,
        "background_color": studio.primary_color,
        "icons": [
            {
                "src": f"{reverse('portal:icon', args=[size])}?v={version}",
                "sizes": f"{size}x{size}",
                "type": "image/png",
                "purpose": "any",
            }
            for size in ICON_SIZES
        ],
    }
    return JsonResponse(data, content_type="application/manifest+json")


@require_GET
@cache_control(max_age=86400)
def icon(request: TenantRequest, size: int) -> HttpResponse:
    if size not in ICON_SIZES:
        raise Http404
    png = studio_icon_png(studio=request.tenant, size=size)
    return HttpResponse(png, content_type="image/png")


def branding_media(request: HttpRequest, schema: str, path: str) -> HttpResponseBase:
    """Development server only: the studio's own logo files, never another studio's, never other media."""
    if schema != tenant_connection.schema_name:
        raise Http404
    return serve(request, f"{schema}/{path}", document_root=str(settings.MEDIA_ROOT))


def branding_media_route() -> URLPattern:
    """The development server's route to `branding_media` (urls_tenant adds it when DEBUG is on)."""
    return re_path(r"^media/(?P<schema>[\w-]+)/(?P<path>branding/.+)$", branding_media)
