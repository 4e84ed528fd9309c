"""The API's JSON: every moment in the studio's zone, whichever schema carries it.

A response field typed `datetime` (an invoice's `issued_at`, an export's `expires_at`, an inbox item's
`since`) reaches the encoder as an aware datetime in UTC, as the database returns it. Django's encoder would
write it as UTC (`2026-11-30T05:11:18.292Z`); here it is written on the studio's wall clock with its offset
(`2026-11-30T14:11:18.292514+09:00`), the same as the fields typed `core.studio_time.StudioTime`, so a
client app shows what the studio's pages show. Outside a studio (the public API) the zone is UTC.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder

from core.studio_time import studio_isoformat


class StudioJSONEncoder(NinjaJSONEncoder):
    """NinjaJSONEncoder, with aware datetimes as ISO 8601 in the studio's zone (naive ones as Django writes)."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime) and timezone.is_aware(o):
            return studio_isoformat(o)
        return super().default(o)


class StudioJSONRenderer(JSONRenderer):
    encoder_class = StudioJSONEncoder
