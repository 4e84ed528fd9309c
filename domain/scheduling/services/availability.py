"""Appointment types and a trainer's weekly hours and one-off exceptions."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from core.error_codes import ErrorCode
from core.exceptions import NotFoundError, PermissionDeniedError, ValidationError
from core.models import User
from core.permissions import is_management, require
from domain.scheduling import slots
from domain.scheduling.access import ensure_acts_for_trainer, trainer_get
from domain.scheduling.models import (
    AppointmentType,
    AvailabilityException,
    TrainerAvailability,
)

APPOINTMENT_TYPE_FIELDS = (
    "name",
    "description",
    "duration_minutes",
    "location",
    "online_link",
    "price_amount",
    "price_currency",
    "buffer_before_minutes",
    "buffer_after_minutes",
    "min_notice_minutes",
    "max_advance_days",
    "slot_step_minutes",
    "requires_confirmation",
    "is_active",
)


def _check_appointment_type(appointment_type: AppointmentType) -> None:
    fields: dict[str, str] = {}
    if not appointment_type.name.strip():
        fields["name"] = _("Give the type a name.")
    if not 5 <= appointment_type.duration_minutes <= 24 * 60:
        fields["duration_minutes"] = _("A session lasts between 5 minutes and 24 hours.")
    if not 5 <= appointment_type.slot_step_minutes <= 24 * 60:
        fields["slot_step_minutes"] = _("Start times are 5 minutes to 24 hours apart.")
    if len(appointment_type.price_currency) != 3 or not appointment_type.price_currency.isupper():
        fields["price_currency"] = _("Use a three-letter ISO currency code.")
    if appointment_type.max_advance_days > 730:
        fields["max_advance_days"] = _("Bookings open at most two years ahead.")
    if fields:
        raise ValidationError(" ".join(fields.values()), code=ErrorCode.APPOINTMENT_TYPE_INVALID, fields=fields)


@transaction.atomic
def appointment_type_create(*, actor: User, trainer_id: int | None = None, **values: Any) -> AppointmentType:
    """A bookable type; with a trainer it is theirs, without one every trainer offers it (managers only)."""
    require(actor, "scheduling.manage_appointments")
    if trainer_id is None:
        if not is_management(actor):
            raise PermissionDeniedError(_("Only owners and managers create studio-wide types."))
    else:
        ensure_acts_for_trainer(actor, trainer_get(trainer_id))
    unknown = set(values) - set(APPOINTMENT_TYPE_FIELDS)
    if unknown:
        raise ValidationError(
            _("Unknown fields: %(f)s.") % {"f": ", ".join(sorted(unknown))}, code=ErrorCode.UNKNOWN_FIELDS
        )
    appointment_type = AppointmentType(trainer_id=trainer_id, **values)
    _check_appointment_type(appointment_type)
    appointment_type.save()
    return appointment_type


@transaction.atomic
def appointment_type_update(*, actor: User, appointment_type_id: int, **changes: Any) -> AppointmentType:
    require(actor, "scheduling.manage_appointments")
    appointment_type = AppointmentType.objects.select_for_update().filter(pk=appointment_type_id).first()
    if appointment_type is None:
        raise NotFoundError(_("No such appointment type."), code=ErrorCode.APPOINTMENT_TYPE_NOT_FOUND)
    if appointment_type.trainer is None:
        if not is_management(actor):
            raise PermissionDeniedError(_("Only owners and managers change studio-wide types."))
    else:
        ensure_acts_for_trainer(actor, appointment_type.trainer)
    for name, value in changes.items():
        if name not in APPOINTMENT_TYPE_FIELDS:
            raise ValidationError(_("Unknown field: %(f)s.") % {"f": name}, code=ErrorCode.UNKNOWN_FIELDS)
        setattr(appointment_type, name, value)
    _check_appointment_type(appointment_type)
    appointment_type.save()
    return appointment_type


@dataclass(frozen=True)
class WeeklyHours:
    weekday: int
    start_time: time
    end_time: time
    valid_from: date | None = None
    valid_until: date | None = None


WEEK_MINUTES = 7 * 24 * 60


def _week_span(hours: WeeklyHours) -> tuple[int, int]:
    """[start, end) in minutes from Monday 00:00; a range past midnight ends on the next day's clock."""
    start = hours.weekday * 24 * 60 + hours.start_time.hour * 60 + hours.start_time.minute
    end = hours.weekday * 24 * 60 + hours.end_time.hour * 60 + hours.end_time.minute
    return start, end + (24 * 60 if slots.ends_next_day(hours.start_time, hours.end_time) else 0)


def _ranges_overlap(a: WeeklyHours, b: WeeklyHours) -> bool:
    """On the weekly clock (Sunday night runs into Monday), while both are valid at once."""
    (a_start, a_end), (b_start, b_end) = _week_span(a), _week_span(b)
    on_clock = any(a_start < b_end + shift and b_start + shift < a_end for shift in (-WEEK_MINUTES, 0, WEEK_MINUTES))
    return on_clock and _validity_overlaps(a, b)


@transaction.atomic
def availability_set(*, actor: User, trainer_id: int, hours: Iterable[WeeklyHours]) -> list[TrainerAvailability]:
    """Replace the trainer's weekly working hours (several ranges a day allowed, none overlapping).

    A range whose end is at or before its start runs past midnight (Friday 22:30-02:00 ends on
    Saturday; an end of 00:00 is the midnight ending the day). Raises ValidationError (400) for a weekday
    outside 0-6, an empty range (start = end), reversed validity dates or two overlapping ranges
    (across midnight too), naming the offending `hours.<index>` (in weekday and start order).
    """
    require(actor, "scheduling.manage_availability")
    trainer = trainer_get(trainer_id, for_update=True)
    ensure_acts_for_trainer(actor, trainer)
    hours = sorted(hours, key=lambda h: (h.weekday, h.start_time))
    for index, item in enumerate(hours):
        field_name = f"hours.{index}"
        if not 0 <= item.weekday <= 6:
            raise ValidationError(
                _("Weekdays go from 0 (Monday) to 6 (Sunday)."),
                code=ErrorCode.WEEKDAY_INVALID,
                fields={field_name: _("Invalid weekday.")},
            )
        if item.start_time == item.end_time:
            raise ValidationError(
                _("A range needs an end different from its start (an end before the start is the next day)."),
                code=ErrorCode.RANGE_INVALID,
                fields={field_name: _("End equals start.")},
            )
        if item.valid_from and item.valid_until and item.valid_from > item.valid_until:
            raise ValidationError(
                _("“Valid from” must not be after “valid until”."),
                code=ErrorCode.VALIDITY_INVALID,
                fields={field_name: _("Validity reversed.")},
            )
        if any(_ranges_overlap(other, item) for other in hours[:index]):
            raise ValidationError(
                _("Two ranges overlap."),
                code=ErrorCode.RANGES_OVERLAP,
                fields={field_name: _("Overlaps another range.")},
            )
    TrainerAvailability.objects.filter(trainer=trainer).delete()
    return TrainerAvailability.objects.bulk_create(
        TrainerAvailability(
            trainer=trainer,
            weekday=h.weekday,
            start_time=h.start_time,
            end_time=h.end_time,
            valid_from=h.valid_from,
            valid_until=h.valid_until,
        )
        for h in hours
    )


def _validity_overlaps(a: WeeklyHours, b: WeeklyHours) -> bool:
    return (a.valid_until is None or b.valid_from is None or b.valid_from <= a.valid_until) and (
        b.valid_until is None or a.valid_from is None or a.valid_from <= b.valid_until
    )


@transaction.atomic
def availability_exception_add(
    *,
    actor: User,
    trainer_id: int,
    day: date,
    kind: str,
    start_time: time | None = None,
    end_time: time | None = None,
    note: str = "",
) -> AvailabilityException:
    """Time off (a whole day, or a range) or extra hours on one date.

    A range whose end is at or before its start runs past midnight into the next day (extra hours
    22:30-02:00). Raises ValidationError (400) for an unknown kind, a missing time or an empty range.
    """
    require(actor, "scheduling.manage_availability")
    trainer = trainer_get(trainer_id, for_update=True)
    ensure_acts_for_trainer(actor, trainer)
    if kind not in AvailabilityException.Kind.values:
        raise ValidationError(
            _("Choose time off or extra hours."),
            code=ErrorCode.EXCEPTION_KIND_INVALID,
            fields={"kind": _("off or extra")},
        )
    if (start_time is None) != (end_time is None) or (kind == AvailabilityException.Kind.EXTRA and start_time is None):
        raise ValidationError(
            _("Give both a start and an end time."),
            code=ErrorCode.EXCEPTION_TIMES_MISSING,
            fields={"start_time": _("Required with an end time.")},
        )
    if start_time is not None and start_time == end_time:
        raise ValidationError(
            _("The end must differ from the start (an end before the start is the next day)."),
            code=ErrorCode.RANGE_INVALID,
            fields={"end_time": _("End equals start.")},
        )
    return AvailabilityException.objects.create(
        trainer=trainer, date=day, kind=kind, start_time=start_time, end_time=end_time, note=note[:200]
    )


@transaction.atomic
def availability_exception_remove(*, actor: User, exception_id: int) -> None:
    require(actor, "scheduling.manage_availability")
    exception = AvailabilityException.objects.select_related("trainer").filter(pk=exception_id).first()
    if exception is None:
        raise NotFoundError(_("No such exception."), code=ErrorCode.EXCEPTION_NOT_FOUND)
    ensure_acts_for_trainer(actor, exception.trainer)
    exception.delete()
