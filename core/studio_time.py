"""The studio's wall clock: dates people see are calendar dates in the studio's time zone, not UTC."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from django.db import connection
from django.utils import timezone
from pydantic import PlainSerializer


def studio_timezone_name() -> str:
    """The IANA name of the zone of the studio the connection serves ("UTC" outside a studio)."""
    return getattr(getattr(connection, "tenant", None), "timezone", None) or "UTC"


def studio_zone() -> ZoneInfo:
    """The time zone of the studio the connection serves (UTC outside a studio)."""
    return ZoneInfo(studio_timezone_name())


def studio_today(*, now: datetime | None = None) -> date:
    """Today's date where the studio is (23:30 UTC is already tomorrow in Auckland)."""
    return (now or timezone.now()).astimezone(studio_zone()).date()


def studio_isoformat(value: datetime | None) -> str | None:
    """ISO 8601 in the studio's zone, with its offset (`2027-06-03T10:00:00+01:00`); None stays None."""
    return timezone.localtime(value, studio_zone()).isoformat() if value is not None else None


StudioTime = Annotated[datetime, PlainSerializer(studio_isoformat, return_type=str)]
"""A datetime field of an API schema that is written out in the studio's zone."""
