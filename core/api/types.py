"""Input types with the platform's limits, for every schema and query that takes a date, time or number.

One sane range for anything stored: dates and times from 1900-01-01 to 2200-12-31 (a birth date, a
plan for next decade; nothing else a studio stores is older or further away), and decimal quantities
within ±1,000,000,000 (checked before any code quantises them, so `1e400` is a 422, never a crash).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from django.utils.translation import gettext as _
from pydantic import AfterValidator, Field

EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2200, 12, 31)
DECIMAL_LIMIT = Decimal(1_000_000_000)


def _date_in_range(value: date) -> date:
    day = value.date() if isinstance(value, datetime) else value
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise ValueError(
            _("Use a date between %(first)s and %(last)s.") % {"first": EARLIEST_DATE, "last": LATEST_DATE}
        )
    return value


ApiDate = Annotated[date, AfterValidator(_date_in_range)]
ApiDateTime = Annotated[datetime, AfterValidator(_date_in_range)]
ApiDecimal = Annotated[Decimal, Field(ge=-DECIMAL_LIMIT, le=DECIMAL_LIMIT, allow_inf_nan=False)]
