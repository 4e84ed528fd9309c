"""Shared pieces of the scheduling models: who may be linked, the booking range, policy defaults."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import DateTimeRangeField, RangeBoundary
from django.db.models import Func

from core.permissions import STAFF_ROLES

PEOPLE = settings.AUTH_USER_MODEL
STAFF_CHOICES = {"role__in": [role.value for role in STAFF_ROLES]}
CLIENT_CHOICES = {"role": "client"}


class TsTzRange(Func):
    """`tstzrange(start, end, '[)')`: the half-open interval a booking occupies."""

    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


def default_reminder_offsets() -> list[int]:
    return [24 * 60, 60]


def default_reminder_channels() -> list[str]:
    return ["email"]


def half_open(start: str, end: str) -> TsTzRange:
    return TsTzRange(start, end, RangeBoundary())
