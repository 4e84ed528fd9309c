"""Helpers every part of the scheduling services shares: the overlap refusal, time zones, scopes, series results."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.error_codes import ErrorCode
from core.exceptions import ConflictError, ValidationError
from core.studio_time import studio_zone
from domain.scheduling import selectors, slots
from domain.scheduling.models import (
    Appointment,
    GroupSession,
    RecurrenceConflict,
    RecurringPattern,
)

Occurrence = TypeVar("Occurrence", Appointment, GroupSession)

EXCLUSION_VIOLATION = "23P01"


def is_exclusion_violation(exc: IntegrityError) -> bool:
    cause = exc.__cause__
    return (
        getattr(cause, "sqlstate", None) == EXCLUSION_VIOLATION
        or getattr(getattr(cause, "diag", None), "sqlstate", None) == EXCLUSION_VIOLATION
    )


def slot_taken() -> ConflictError:
    return ConflictError(_("That time is no longer available. Please choose another slot."), code=ErrorCode.SLOT_TAKEN)


def session_overlap() -> ConflictError:
    return ConflictError(_("The instructor or room is already booked."), code=ErrorCode.SESSION_OVERLAP)


@contextmanager
def overlap_refused(error: Callable[[], ConflictError], *, savepoint: bool = True) -> Iterator[None]:
    """Run the writes inside in a savepoint; the exclusion constraint's refusal becomes `error()` (a 409).

    `savepoint=False` when the caller's transaction ends with the error anyway (a single booking: the 409
    rolls everything back), which saves two round trips; keep the savepoint where the caller goes on after
    a refusal (a series placing its occurrences). Other integrity errors propagate unchanged.
    Raises: ConflictError.
    """
    try:
        if savepoint:
            with transaction.atomic():
                yield
        else:
            yield
    except IntegrityError as exc:
        if is_exclusion_violation(exc):
            raise error() from exc
        raise


def aware(value: datetime) -> datetime:
    """Datetimes without an offset mean the studio's local time."""
    if timezone.is_naive(value):
        return slots.local_to_utc(value.date(), value.time(), studio_zone())
    return value.astimezone(UTC)


def trainer_conflict(
    *,
    trainer_id: int,
    start: datetime,
    end: datetime,
    rules: slots.SlotRules,
    exclude_appointment_ids: tuple[int, ...] = (),
    exclude_session_ids: tuple[int, ...] = (),
) -> slots.Busy | None:
    margin = timedelta(days=1)
    busy = selectors.trainer_busy(
        trainer_id=trainer_id,
        start=start - margin,
        end=end + margin,
        exclude_appointment_ids=exclude_appointment_ids,
        exclude_session_ids=exclude_session_ids,
    )
    return slots.overlaps(start, end, busy, rules)


class Scope(StrEnum):
    THIS = "this"
    FOLLOWING = "following"


def is_late(starts_at: datetime, now: datetime) -> bool:
    window = timedelta(minutes=selectors.policy_get().late_cancel_window_minutes)
    return starts_at - now < window


def pattern_end_before(pattern: RecurringPattern, occurrence_start: datetime) -> None:
    """Stop a series before an occurrence, so the generator never makes it or anything after it."""
    zone = ZoneInfo(pattern.timezone)
    last_day = occurrence_start.astimezone(zone).date() - timedelta(days=1)
    pattern.until = min(pattern.until, last_day) if pattern.until else last_day
    pattern.save(update_fields=["until", "updated_at"])


def series_from(item: Occurrence, *, scope: str, live: dict[str, Any], recurring_only: str) -> list[Occurrence]:
    """What a change with `scope` applies to: `item` alone ("this"), or `item` and the rest of its series from
    its start ("following"; the rows matching `live`, locked, by start), the series' pattern ending before it.

    `item` is an Appointment or a GroupSession, locked by the caller. Raises ValidationError (scope_invalid)
    for another scope, or "following" on an item outside a series (`recurring_only` is that message).
    """
    if scope == Scope.THIS:
        return [item]
    if scope != Scope.FOLLOWING:
        raise ValidationError(
            _("Scope is “this” or “following”."), code=ErrorCode.SCOPE_INVALID, fields={"scope": _("Use “this”.")}
        )
    if item.recurrence_id is None:
        raise ValidationError(recurring_only, code=ErrorCode.SCOPE_INVALID, fields={"scope": _("Use “this”.")})
    pattern = RecurringPattern.objects.select_for_update().get(pk=item.recurrence_id)
    pattern_end_before(pattern, item.original_starts_at or item.starts_at)
    return list(
        type(item)
        .objects.select_for_update()
        .filter(recurrence=pattern, starts_at__gte=item.starts_at, **live)
        .order_by("starts_at")
    )


@dataclass
class SeriesResult:
    pattern: RecurringPattern
    created: list[Any] = field(default_factory=list)
    conflicts: list[RecurrenceConflict] = field(default_factory=list)
    moved: list[Any] = field(default_factory=list)
