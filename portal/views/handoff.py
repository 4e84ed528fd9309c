"""The landing point of a fresh sign-up on the studio's own host."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import login
from django.http import HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.exceptions import ApplicationError
from tenants.http import TenantRequest
from tenants.services import handoff_token_consume


@never_cache
@require_GET
def handoff(request: TenantRequest, token: str) -> HttpResponse:
    """Spend the one-time token from the public sign-up and sign its owner in on this host."""
    try:
        user = handoff_token_consume(studio=request.tenant, token=token)
    except ApplicationError as exc:
        return render(
            request,
            "portal/handoff_invalid.html",
            {"message": exc.message, "code": exc.code, "login_url": resolve_url(settings.LOGIN_URL)},
            status=exc.status_code,
        )
    login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
    return redirect("portal:dashboard")
