"""The installable app: the studio's service worker, served from the root so its scope is the whole portal.

It keeps an offline shell of the client's main pages (today, program, bookings, the workout logger) with
the same worker as the loggers (templates/portal/offline/sw.js, which also shows Web Push notifications):
the network first, the last copy when offline, the shell's assets from the cache. The manifest and icons
are in branding.py.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.templatetags.static import static
from django.views.decorators.http import require_GET

from portal.views.common import offline_service_worker

# the client's pages that open offline (their last copy): today, program, bookings, the workout logger
SHELL_PAGES = r"^\/(me\/(today|program|workouts)\/|me\/workouts\/\d+\/log\/|schedule\/bookings\/|dashboard\/)$"
SHELL_ASSETS = ("css/fitwell.css", "css/onboarding.css", "css/training.css", "css/workouts.css", "js/behaviours.js")


@require_GET
def app_service_worker(request: HttpRequest) -> HttpResponse:
    """`/sw.js`: scope `/` (a worker's scope cannot be wider than its own path)."""
    response = offline_service_worker(
        request,
        cache="fitwell-app",
        page_pattern=SHELL_PAGES,
        assets=[static(asset) for asset in (*SHELL_ASSETS, "js/app.js")],
    )
    response["Service-Worker-Allowed"] = "/"
    return response
