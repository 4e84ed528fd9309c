"""A person's preferences: read on every page request (with the person), changed by one audited service.

The language a request speaks (`request_language`), in order:
- under `/api/`: the `Accept-Language` header when it names a language we speak, else the studio's;
- on pages: the signed-in person's choice, else the language switcher's cookie, else the studio's
  default language (a studio chooses what its visitors see), else `LANGUAGE_CODE`;
- on the public site (no studio): the cookie, else `Accept-Language`, else `LANGUAGE_CODE`.
A person's display time zone, when they chose one, replaces the studio's on the pages they see.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import cache
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import parse_accept_lang_header

from core.audit import AuditAction, audit_record
from core.error_codes import ErrorCode
from core.exceptions import ValidationError
from core.input import API_PREFIX
from core.models import Preferences, Units, User, Weekday
from core.permissions import require


@dataclass(frozen=True)
class PersonPreferences:
    """`language` / `timezone` "" mean the studio's; `week_start` 0 is Monday ... 6 Sunday."""

    language: str = ""
    timezone: str = ""
    week_start: int = 0
    units: str = Units.METRIC


def preferences_of(user: Any) -> PersonPreferences:
    """The person's preferences (defaults when never saved). Free for the signed-in person of a page
    request (loaded with them, core/accounts/backends.py); one query otherwise."""
    if not getattr(user, "is_authenticated", False) or getattr(user, "pk", None) is None:
        return PersonPreferences()
    try:
        row = user.preferences
    except Preferences.DoesNotExist:
        return PersonPreferences()
    return PersonPreferences(language=row.language, timezone=row.timezone, week_start=row.week_start, units=row.units)


@cache
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def zone_known(name: str) -> bool:
    """Is `name` an IANA time zone we know (`Europe/Berlin`, `UTC`)? Not a folder of the zone database
    (`Europe`: ZoneInfo raises IsADirectoryError on it) nor one of its data files (`zone.tab`)."""
    return name in _zones()


def supported_language(code: str | None) -> str | None:
    """`code` (`de`, `de-AT`) as one of LANGUAGES (`de`), or None."""
    if not code:
        return None
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return None


@transaction.atomic
def preferences_update(
    *, actor: User, language: str, timezone: str, week_start: int, units: str, ip: str | None = None
) -> PersonPreferences:
    """Save the actor's own preferences (`language`/`timezone` "" for the studio's). Audited when changed.

    Raises ValidationError (code `preferences_invalid`, `fields`) for an unknown language, zone, weekday or
    unit system; nothing changes then.
    """
    require(actor, "preferences.update")
    fields: dict[str, str] = {}
    if language and language not in dict(settings.LANGUAGES):
        fields["language"] = _("“%(code)s” is not a language we speak.") % {"code": language}
    if timezone and not zone_known(timezone):
        fields["timezone"] = _("“%(tz)s” is not a known time zone.") % {"tz": timezone}
    if week_start not in Weekday.values:
        fields["week_start"] = _("Choose a day of the week.")
    if units not in Units.values:
        fields["units"] = _("Choose metric or imperial.")
    if fields:
        raise ValidationError(" ".join(fields.values()), code=ErrorCode.PREFERENCES_INVALID, fields=fields)
    wanted = PersonPreferences(language=language, timezone=timezone, week_start=week_start, units=units)
    row, _created = Preferences.objects.select_for_update().get_or_create(user=actor)
    actor.preferences = row  # this request reads what it saved
    before = PersonPreferences(language=row.language, timezone=row.timezone, week_start=row.week_start, units=row.units)
    if before != wanted:
        for name, value in asdict(wanted).items():
            setattr(row, name, value)
        row.save()
        changes = {k: [v, asdict(wanted)[k]] for k, v in asdict(before).items() if v != asdict(wanted)[k]}
        audit_record(actor=actor, action=AuditAction.PREFERENCES_UPDATE, target=actor, ip=ip, changes=changes)
    return wanted


def request_language(request: HttpRequest, personal: PersonPreferences | None = None) -> str:
    """The language this request is answered in (the order is in the module's docstring); `personal`: the
    person's preferences when the caller has them already (read here otherwise, for pages)."""
    tenant = getattr(connection, "tenant", None)
    studio_language = supported_language(getattr(tenant, "locale", None)) if hasattr(tenant, "slug") else None
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    from_header = next((lang for lang, _q in parse_accept_lang_header(header) if supported_language(lang)), None)
    if request.path_info.startswith(API_PREFIX):
        choices = [from_header, studio_language]
    else:
        cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        chosen = (personal if personal is not None else preferences_of(getattr(request, "user", None))).language
        choices = [chosen, cookie, studio_language] if studio_language else [cookie, from_header]
    for choice in choices:
        found = supported_language(choice)
        if found:
            return found
    return settings.LANGUAGE_CODE


class PreferencesMiddleware:
    """Speaks the request's language and shows the person's display zone; after authentication.

    Replaces Django's LocaleMiddleware (which knows neither the person nor the studio's default).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # A page's person is read once, for the language and the zone; the API's language comes from its header.
        personal = None if request.path_info.startswith(API_PREFIX) else preferences_of(getattr(request, "user", None))
        language = request_language(request, personal)
        translation.activate(language)
        request.LANGUAGE_CODE = language  # as LocaleMiddleware sets it, for templates
        zone = personal.timezone if personal is not None else ""
        if zone:
            timezone.activate(zone)
        try:
            response = self.get_response(request)
        finally:
            if zone:
                timezone.deactivate()
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        response.headers.setdefault("Content-Language", language)
        return response
