"""The private iCalendar feed: no sign-in (calendar apps cannot), the secret token is the key."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET

from domain.scheduling import ical, selectors
from tenants.http import TenantRequest


@require_GET
def calendar_feed(request: TenantRequest, token: str) -> HttpResponse:
    owner = selectors.calendar_feed_owner(token=token)
    if owner is None:
        raise Http404
    studio = request.tenant
    body = ical.calendar_feed(owner=owner, studio_name=studio.name, studio_slug=studio.slug)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="fitwell.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response
