"""Typed requests on a studio's host: `request.tenant` is the Studio (set by StudioRoutingMiddleware)."""

from __future__ import annotations

from django.http import HttpRequest

from core.http import AuthedRequest
from tenants.models import Studio


class TenantRequest(HttpRequest):
    """Any request on a studio's host, signed in or not."""

    tenant: Studio


class StudioRequest(AuthedRequest, TenantRequest):
    """A signed-in request on a studio's host (behind `login_required` or `page_requires`)."""
