"""Open-slot arithmetic: pure functions over plain values, no database, so it is fast and easy to test.

Working hours are local wall-clock ranges; each date's ranges are turned into absolute (UTC) intervals
with the UTC offset of each end, which is what keeps 09:00 at 09:00 across daylight-saving changes.
A range whose end is not after its start runs past midnight into the next day (Friday 22:30-02:00 ends
on Saturday; an end of 00:00, written "24:00" too, is the midnight that ends the day), and ranges that
touch across midnight are one window, so slots flow across it. Busy time (appointments, classes) is
widened by buffers, subtracted, and start times are laid on a grid anchored at each window's start.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

ZERO = timedelta(0)


@dataclass(frozen=True, slots=True)
class WeeklyRange:
    weekday: int
    start: time
    end: time
    valid_from: date | None = None
    valid_until: date | None = None

    def applies_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until
        )


@dataclass(frozen=True, slots=True)
class DayException:
    """Time off (`extra=False`; no times = the whole day) or extra hours (`extra=True`) on one date."""

    day: date
    extra: bool
    start: time | None = None
    end: time | None = None


@dataclass(frozen=True, slots=True)
class Busy:
    """Time the trainer is taken, with the buffers that booking asked to keep around itself."""

    start: datetime
    end: datetime
    before: timedelta = ZERO
    after: timedelta = ZERO


@dataclass(frozen=True, slots=True)
class SlotRules:
    duration: timedelta
    step: timedelta
    buffer_before: timedelta = ZERO
    buffer_after: timedelta = ZERO


Interval = tuple[datetime, datetime]
LocalSpan = tuple[datetime, datetime]  # naive local wall-clock datetimes: [start, end)
ONE_DAY = timedelta(days=1)
MIDNIGHT = time(0)


def ends_next_day(start: time, end: time) -> bool:
    """Whether a working range from `start` to `end` runs past midnight (22:30-02:00, 22:30-00:00)."""
    return end <= start


def end_time_parse(value: str | time) -> time:
    """The end of a working range typed as "HH:MM" or "HH:MM:SS"; "24:00" is the midnight ending the day.

    Returns a time (24:00 becomes 00:00, which `ends_next_day` reads as the next midnight).
    Raises ValueError for anything else.
    """
    if isinstance(value, time):
        return value
    text = value.strip()
    if text in ("24:00", "24:00:00"):
        return MIDNIGHT
    return time.fromisoformat(text)


def local_span(day: date, start: time, end: time) -> LocalSpan:
    """The wall-clock span of a range on `day`, its end on the next day when it runs past midnight."""
    return datetime.combine(day, start), datetime.combine(day + ONE_DAY if ends_next_day(start, end) else day, end)


def local_to_utc(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The instant a wall-clock time on a date means in `tz` (a time in a spring-forward gap moves later)."""
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def _merge_local(spans: Iterable[LocalSpan]) -> list[LocalSpan]:
    merged: list[LocalSpan] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _subtract_local(spans: list[LocalSpan], holes: Sequence[LocalSpan]) -> list[LocalSpan]:
    for hole_start, hole_end in holes:
        kept: list[LocalSpan] = []
        for start, end in spans:
            if hole_end <= start or hole_start >= end:
                kept.append((start, end))
                continue
            if start < hole_start:
                kept.append((start, hole_start))
            if hole_end < end:
                kept.append((hole_end, end))
        spans = kept
    return spans


def working_windows(
    *,
    tz: ZoneInfo,
    start_date: date,
    end_date: date,
    weekly: Sequence[WeeklyRange],
    exceptions: Sequence[DayException] = (),
) -> list[Interval]:
    """Absolute working intervals of the ranges that start on each local date from start_date to end_date.

    The evening before start_date is included too when its range runs into start_date (pass its
    exceptions as well). Whole-day time off on a date drops the ranges starting that date; a time-off
    range is cut from whatever work it overlaps, the end of the previous night's range included.
    """
    by_weekday: dict[int, list[WeeklyRange]] = defaultdict(list)
    for rule in weekly:
        by_weekday[rule.weekday].append(rule)
    by_day: dict[date, list[DayException]] = defaultdict(list)
    for exc in exceptions:
        by_day[exc.day].append(exc)

    spans: list[LocalSpan] = []
    holes: list[LocalSpan] = []
    day = start_date - ONE_DAY
    while day <= end_date:
        day_exceptions = by_day.get(day, ())
        if not any(not e.extra and e.start is None for e in day_exceptions):
            spans += [local_span(day, r.start, r.end) for r in by_weekday.get(day.weekday(), ()) if r.applies_on(day)]
        spans += [local_span(day, e.start, e.end) for e in day_exceptions if e.extra and e.start and e.end]
        holes += [local_span(day, e.start, e.end) for e in day_exceptions if not e.extra and e.start and e.end]
        day += ONE_DAY
    first_midnight = datetime.combine(start_date, MIDNIGHT)
    windows: list[Interval] = []
    for start, end in _subtract_local(_merge_local(spans), holes):
        if end <= first_midnight:  # the day before, only as far as it runs into start_date
            continue
        utc_start = local_to_utc(start.date(), start.time(), tz)
        utc_end = local_to_utc(end.date(), end.time(), tz)
        if utc_start < utc_end:
            windows.append((utc_start, utc_end))
    return windows


def _blocked(busy: Iterable[Busy], rules: SlotRules) -> list[Interval]:
    """Busy time widened so that a slot starting outside it keeps every buffer on both sides."""
    widened = sorted(
        (b.start - max(b.before, rules.buffer_after), b.end + max(b.after, rules.buffer_before)) for b in busy
    )
    merged: list[Interval] = []
    for start, end in widened:
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _free_parts(window: Interval, blocked: list[Interval], first: int) -> tuple[list[Interval], int]:
    """`window` minus the blocked intervals (sorted), and where the next window's scan can begin."""
    start, end = window
    parts: list[Interval] = []
    index = first
    while index < len(blocked) and blocked[index][1] <= start:
        index += 1
    resume = index
    cursor = start
    while index < len(blocked) and blocked[index][0] < end:
        block_start, block_end = blocked[index]
        if block_start > cursor:
            parts.append((cursor, block_start))
        cursor = max(cursor, block_end)
        index += 1
    if cursor < end:
        parts.append((cursor, end))
    return parts, resume


def open_slots(
    *,
    windows: Sequence[Interval],
    busy: Iterable[Busy],
    rules: SlotRules,
    earliest: datetime | None = None,
    latest: datetime | None = None,
) -> Iterator[datetime]:
    """Start instants of every slot of `rules.duration` that fits in a window and clears all busy time.

    `earliest`/`latest` bound the start (minimum notice, how far ahead); windows must be in order.
    """
    blocked = _blocked(busy, rules)
    step_seconds = rules.step.total_seconds()
    cursor = 0
    for window in windows:
        window_start = window[0]
        parts, cursor = _free_parts(window, blocked, cursor)
        for free_start, free_end in parts:
            lower = max(free_start, earliest) if earliest else free_start
            offset = (lower - window_start).total_seconds()
            steps = -(-offset // step_seconds) if offset > 0 else 0  # ceiling division
            slot = window_start + timedelta(seconds=steps * step_seconds)
            while slot + rules.duration <= free_end:
                if latest is not None and slot > latest:
                    return
                yield slot
                slot += rules.step


def overlaps(start: datetime, end: datetime, busy: Iterable[Busy], rules: SlotRules) -> Busy | None:
    """The first busy block a booking [start, end) would collide with, buffers included."""
    for block in busy:
        if start < block.end + max(block.after, rules.buffer_before) and end > block.start - max(
            block.before, rules.buffer_after
        ):
            return block
    return None


def fits_windows(start: datetime, end: datetime, windows: Iterable[Interval]) -> bool:
    return any(window_start <= start and end <= window_end for window_start, window_end in windows)
