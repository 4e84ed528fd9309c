"""Pages of the public site: landing, studio sign-up (and its live address check)."""

from __future__ import annotations

import math
from typing import TypeVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from core.error_codes import ErrorCode
from core.exceptions import ValidationError
from core.forms import form_add_service_errors
from core.http import client_ip
from core.ratelimit import rate_limit_hit
from tenants.forms import StudioSignupForm
from tenants.hosts import studio_url
from tenants.services import studio_signup, studio_slug_check


def landing(request: HttpRequest) -> HttpResponse:
    return render(request, "public/landing.html")


_R = TypeVar("_R", bound=HttpResponse)


def _too_many(response: _R, wait: float) -> _R:
    response.status_code = 429
    response["Retry-After"] = str(max(1, math.ceil(wait)))
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    form = StudioSignupForm(request.POST or None)
    if request.method == "POST":
        # Each sign-up provisions a schema: a handful per address per hour is plenty for people.
        wait = rate_limit_hit(f"signup:{client_ip(request)}", limit=settings.SIGNUP_RATE_LIMIT_PER_HOUR, window=3600)
        if wait is not None:
            form.add_error(None, _("Too many sign-ups from your address. Please try again later."))
            page = render(request, "public/signup.html", {"form": form, "platform_domain": settings.PLATFORM_DOMAIN})
            return _too_many(page, wait)
    if request.method == "POST" and form.is_valid():
        try:
            result = studio_signup(**form.service_kwargs(), ip=client_ip(request))
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            handoff = reverse("portal:handoff", urlconf=settings.ROOT_URLCONF, args=[result.handoff_token])
            return redirect(studio_url(request, result.studio, handoff))
    return render(request, "public/signup.html", {"form": form, "platform_domain": settings.PLATFORM_DOMAIN})


@never_cache
@require_GET
def signup_slug_check(request: HttpRequest) -> JsonResponse:
    """Answers the sign-up page as the owner types the address: free or not, and why."""
    wait = rate_limit_hit(f"slugcheck:{client_ip(request)}", limit=settings.SLUG_CHECK_RATE_LIMIT_PER_MINUTE)
    if wait is not None:
        message = _("Too many checks. Slow down and try again shortly.")
        return _too_many(JsonResponse({"available": False, "message": message, "code": ErrorCode.RATE_LIMITED}), wait)
    try:
        slug = studio_slug_check(slug=request.GET.get("slug", ""))
    except ValidationError as exc:
        return JsonResponse({"available": False, "message": exc.message, "code": exc.code})
    host = f"{slug}.{settings.PLATFORM_DOMAIN}"
    return JsonResponse({"available": True, "message": _("%(host)s is available.") % {"host": host}, "code": "ok"})
