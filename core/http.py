"""Request helpers: the caller's address, ids typed in query strings and forms, and the typed request of
signed-in views."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.http import HttpRequest

from core.api.types import EARLIEST_DATE, LATEST_DATE
from core.models import User


def client_ip(request: HttpRequest) -> str:
    """The caller's address: the proxy's X-Forwarded-For entry when we sit behind trusted proxies."""
    hops = getattr(settings, "TRUSTED_PROXY_HOPS", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if hops and forwarded:
        parts = [part.strip() for part in forwarded.split(",") if part.strip()]
        if len(parts) >= hops:
            return parts[-hops]
    return request.META.get("REMOTE_ADDR", "") or "0.0.0.0"  # noqa: S104 - a placeholder, never bound


def id_param(value: str | None) -> int | None:
    """An id from a query string or a form field (`"42"` -> 42), or None for anything else: blank, signed,
    not digits, digits that are not ASCII (`"²"` passes str.isdigit() and int() refuses it: a 500 where it
    was trusted) or beyond a 64-bit id."""
    if not value or not value.isascii() or not value.isdigit():
        return None
    number = int(value)
    return number if number < 2**63 else None


def date_param(value: str | None) -> date | None:
    """A date from a query string or a form field (`"2026-12-01"`), or None for anything else: blank, not an
    ISO date, or outside the platform's range (1900-01-01 to 2200-12-31, core/api/types.py). A page that took
    `0001-01-01` or `9999-12-31` from the address bar stepped a day or a week past the calendar's end in its
    arithmetic (OverflowError: a 500 on the week view and the dashboards)."""
    try:
        day = date.fromisoformat(value) if value else None
    except ValueError:
        return None
    return day if day is not None and EARLIEST_DATE <= day <= LATEST_DATE else None


class AuthedRequest(HttpRequest):
    """A request whose user is signed in: annotate a view's `request` with it only where a sign-in is
    enforced before the view runs (`login_required`, `page_requires`, the API's auth). Pages on a studio's
    host that need the studio too take `tenants.http.StudioRequest`."""

    user: User
