"""The studio's wall clock: what people see is in the studio's time zone, never the server's UTC.

Inside a request and outside one alike (Celery tasks, emails, notifications, calendar text, exports):
- `studio_clock()` wraps rendering: Django's `|date`/`|time` filters and `{{ datetime }}` then show
  the studio's zone (and speak its language), instead of the current zone (UTC in a worker);
- `studio_time_text(moment)` is the same wall clock as a string, with the zone named (`23:49 CET`),
  for text built in Python (error messages, calendar descriptions);
- `studio_local(moment)` is the aware datetime in the studio's zone (CSV exports, ISO 8601 with offset).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from django.db import connection
from django.utils import formats, timezone, translation
from pydantic import PlainSerializer

# Django date-format strings (https://docs.djangoproject.com/en/5.2/ref/templates/builtins/#date);
# `T` is the zone's abbreviation at that moment (CET in winter, CEST in summer).
TIME_STYLES = {
    "long": "l j F Y, H:i T",  # Friday 4 December 2026, 23:49 CET
    "short": "D j M, H:i T",  # Fri 4 Dec, 23:49 CET
    "time": "H:i T",  # 23:49 CET
    "date": "l j F Y",  # Friday 4 December 2026 (a date has no zone to name)
}
TimeStyle = Literal["long", "short", "time", "date"]

# The house patterns above (and in templates' `|date:"..."`) are written in English order; these rewrite one
# for a language that orders or punctuates dates differently: de "Freitag, 4. Dezember 2026", es "viernes,
# 4 de diciembre de 2026". Day and month names come from Django's own catalogs.
_PATTERN_RULES: dict[str, tuple[tuple[re.Pattern[str], str], ...]] = {
    "de": ((re.compile(r"^([lD]) "), r"\1, "), (re.compile(r"(?<![\\\w])j(?= [MFNnY]| ?,|$)"), "j.")),
    "es": (
        (re.compile(r"^l "), "l, "),
        (re.compile(r"(?<![\\\w])j F"), r"j \\d\\e F"),
        (re.compile(r"F Y"), r"F \\d\\e Y"),
    ),
}


def studio_timezone_name(*, studio: Any | None = None) -> str:
    """The IANA name of the zone of `studio`, by default the connection's ("UTC" outside a studio)."""
    tenant = studio if studio is not None else getattr(connection, "tenant", None)
    return getattr(tenant, "timezone", None) or "UTC"


def studio_zone(*, studio: Any | None = None) -> ZoneInfo:
    """The time zone of `studio`, by default the one the connection serves (UTC outside a studio)."""
    return ZoneInfo(studio_timezone_name(studio=studio))


def studio_language(*, studio: Any | None = None) -> str:
    """The language code of `studio`, by default the connection's (`en` outside a studio)."""
    tenant = studio if studio is not None else getattr(connection, "tenant", None)
    return getattr(tenant, "locale", None) or "en"


def studio_today(*, now: datetime | None = None) -> date:
    """Today's date where the studio is (23:30 UTC is already tomorrow in Auckland)."""
    return (now or timezone.now()).astimezone(studio_zone()).date()


def studio_isoformat(value: datetime | None) -> str | None:
    """ISO 8601 in the studio's zone, with its offset (`2027-06-03T10:00:00+01:00`); None stays None."""
    return timezone.localtime(value, studio_zone()).isoformat() if value is not None else None


StudioTime = Annotated[datetime, PlainSerializer(studio_isoformat, return_type=str)]
"""A datetime field of an API schema that is written out in the studio's zone."""

StudioLocalTime = Annotated[datetime, PlainSerializer(datetime.isoformat, return_type=str)]
"""A datetime already on the studio's wall clock (`studio_local`), written out as it is: `StudioTime` for
long lists (a month of slots), where looking the studio's zone up again for every value was most of the
request's CPU. The same text as `StudioTime` for the same instant."""


def studio_local(moment: datetime) -> datetime:
    """`moment` (aware, any zone) as the studio's wall clock: same instant, the studio's zone and offset."""
    return moment.astimezone(studio_zone())


@contextmanager
def studio_clock(*, studio: Any | None = None, language: str | None = None) -> Iterator[ZoneInfo]:
    """Render in the studio's zone and language: templates, `|date` filters and formats inside follow it.

    Use around every message rendered outside a request (reminder, email, notification); `studio`
    defaults to the connection's; `language` (a person's own) replaces the studio's. Yields the zone.
    """
    zone = studio_zone(studio=studio)
    with timezone.override(zone), translation.override(language or studio_language(studio=studio)):
        yield zone


def studio_time_text(moment: datetime, *, style: TimeStyle = "long") -> str:
    """`moment` on the studio's wall clock as words, the zone named: "Friday 4 December 2026, 23:49 CET".

    `style` is one of TIME_STYLES ("long", "short", "time", "date"); month and day names follow the
    active language. Raises ValueError for a naive datetime (a time without a zone is ambiguous).
    """
    if timezone.is_naive(moment):
        raise ValueError("studio_time_text needs an aware datetime.")
    return formats.date_format(studio_local(moment), local_date_pattern(TIME_STYLES[style]))


def local_date_pattern(pattern: str) -> str:
    """A Django date pattern in English order ("l j F Y", "D j M, H:i") as the active language orders it:
    de "l, j. F Y", es "l, j \\d\\e F \\d\\e Y". Format names ("DATE_FORMAT") and other languages pass
    unchanged. The project's `|date` filter (core/templatetags/local_dates.py) applies it in every template."""
    rules = _PATTERN_RULES.get((translation.get_language() or "en").split("-")[0], ())
    if pattern.isupper():
        return pattern
    for rule, replacement in rules:
        pattern = rule.sub(replacement, pattern)
    return pattern
