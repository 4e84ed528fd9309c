"""Studio days as UTC ranges, and the small arithmetic every figure shares (percent, rounding)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from fractions import Fraction

from core.studio_time import studio_zone


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """[start, end) of the studio-local date `day`, aware (23 or 25 hours long on a clock change)."""
    zone = studio_zone()
    return (
        datetime.combine(day, datetime.min.time(), zone),
        datetime.combine(day + timedelta(days=1), datetime.min.time(), zone),
    )


def local_date(moment: datetime) -> date:
    return moment.astimezone(studio_zone()).date()


def percent(part: int, whole: int) -> int | None:
    """round(100 x part ÷ whole), half up; None when `whole` is 0 (nothing to measure)."""
    if not whole:
        return None
    return int(Fraction(100 * part, whole) + Fraction(1, 2))


def round_half_up(value: Fraction) -> int:
    return int(value + Fraction(1, 2)) if value >= 0 else -int(-value + Fraction(1, 2))
