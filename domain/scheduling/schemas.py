"""API shapes of scheduling. Datetimes go out in the studio's zone (with its offset); naive input means it too."""

from __future__ import annotations

from datetime import date, time
from typing import Annotated, Literal

from ninja import Schema
from pydantic import BeforeValidator, Field

from core.api.shapes import Out
from core.api.types import ApiDate, ApiDateTime
from core.studio_time import StudioLocalTime, StudioTime
from domain.scheduling.slots import end_time_parse


def _end_time(value: object) -> object:
    return end_time_parse(value) if isinstance(value, str) else value


# The end of a working range: at or before the start means the next day; "24:00" is accepted for 00:00.
EndTime = Annotated[
    time,
    BeforeValidator(_end_time),
    Field(description='Studio-local; at or before the start means the next day (22:30-02:00). "24:00" = "00:00".'),
]
NEXT_DAY = Field(description="The range runs past midnight into the next day.")
Scope = Literal["this", "following"]


class PersonOut(Schema):
    id: int
    first_name: str
    last_name: str
    full_name: str


# --- Availability ---------------------------------------------------------------------------------


class WeeklyHoursIn(Schema):
    weekday: int = Field(ge=0, le=6, description="0 = Monday … 6 = Sunday: the day the range starts")
    start_time: time
    end_time: EndTime
    valid_from: ApiDate | None = None
    valid_until: ApiDate | None = None


class WeeklyHoursOut(WeeklyHoursIn):
    id: int
    ends_next_day: bool = NEXT_DAY


class AvailabilityIn(Schema):
    hours: list[WeeklyHoursIn] = Field(max_length=100)


class ExceptionIn(Schema):
    date: ApiDate
    kind: Literal["off", "extra"]
    start_time: time | None = None
    end_time: EndTime | None = None
    note: str = Field(default="", max_length=200)


class ExceptionOut(ExceptionIn):
    id: int
    ends_next_day: bool = NEXT_DAY


class AvailabilityOut(Schema):
    trainer: PersonOut
    timezone: str
    hours: list[WeeklyHoursOut]
    exceptions: list[ExceptionOut]


class SlotOut(Out):
    """Read in Rust (`Out`); the selector's slots are already on the studio's clock."""

    starts_at: StudioLocalTime
    ends_at: StudioLocalTime


class SlotsOut(Out):
    timezone: str
    trainer_id: int
    appointment_type_id: int
    slots: list[SlotOut]


# --- Appointment types ---------------------------------------------------------------------------


class AppointmentTypeIn(Schema):
    name: str = Field(max_length=120)
    trainer_id: int | None = Field(default=None, description="Omit for a type every trainer offers.")
    description: str = ""
    duration_minutes: int = Field(default=60, ge=5, le=24 * 60)
    location: str = Field(default="", max_length=200)
    online_link: str = Field(default="", max_length=200)
    price_amount: int = Field(default=0, ge=0, description="Minor units (cents).")
    price_currency: str = Field(default="USD", min_length=3, max_length=3)
    buffer_before_minutes: int = Field(default=0, ge=0, le=24 * 60)
    buffer_after_minutes: int = Field(default=0, ge=0, le=24 * 60)
    min_notice_minutes: int = Field(default=120, ge=0, le=60 * 24 * 60)
    max_advance_days: int = Field(default=60, ge=1, le=730)
    slot_step_minutes: int = Field(default=15, ge=5, le=24 * 60)
    requires_confirmation: bool = False


class AppointmentTypePatch(Schema):
    name: str | None = Field(default=None, max_length=120)
    description: str | None = None
    duration_minutes: int | None = Field(default=None, ge=5, le=24 * 60)
    location: str | None = Field(default=None, max_length=200)
    online_link: str | None = Field(default=None, max_length=200)
    price_amount: int | None = Field(default=None, ge=0)
    price_currency: str | None = Field(default=None, min_length=3, max_length=3)
    buffer_before_minutes: int | None = Field(default=None, ge=0, le=24 * 60)
    buffer_after_minutes: int | None = Field(default=None, ge=0, le=24 * 60)
    min_notice_minutes: int | None = Field(default=None, ge=0, le=60 * 24 * 60)
    max_advance_days: int | None = Field(default=None, ge=1, le=730)
    slot_step_minutes: int | None = Field(default=None, ge=5, le=24 * 60)
    requires_confirmation: bool | None = None
    is_active: bool | None = None


class AppointmentTypeOut(Schema):
    id: int
    trainer_id: int | None
    name: str
    description: str
    duration_minutes: int
    location: str
    online_link: str
    price_amount: int
    price_currency: str
    buffer_before_minutes: int
    buffer_after_minutes: int
    min_notice_minutes: int
    max_advance_days: int
    slot_step_minutes: int
    requires_confirmation: bool
    is_active: bool


# --- Appointments --------------------------------------------------------------------------------


class AppointmentIn(Schema):
    trainer_id: int
    appointment_type_id: int
    starts_at: ApiDateTime = Field(description="With an offset, or studio-local when it has none.")
    client_id: int | None = Field(default=None, description="Staff book for a client; clients omit it.")
    notes: str = Field(default="", max_length=2000)
    override: bool = Field(default=False, description="Staff: book even without a pass (audited).")


class AppointmentUpdateIn(Schema):
    starts_at: ApiDateTime | None = None
    notes: str | None = Field(default=None, max_length=2000)
    location: str | None = Field(default=None, max_length=200)
    online_link: str | None = Field(default=None, max_length=200)
    scope: Scope = "this"


class CancelIn(Schema):
    reason: str = Field(default="", max_length=500)
    scope: Scope = "this"


class AttendanceIn(Schema):
    attended: bool


class AppointmentOut(Schema):
    id: int
    trainer: PersonOut
    client: PersonOut
    appointment_type_id: int
    appointment_type_name: str = Field(alias="appointment_type.name")
    starts_at: StudioTime
    ends_at: StudioTime
    status: str
    location: str
    online_link: str
    notes: str
    recurrence_id: int | None
    is_exception: bool
    cancelled_at: StudioTime | None
    cancelled_by_id: int | None
    cancellation_reason: str
    is_late_cancellation: bool


class ConflictOut(Schema):
    starts_at: StudioTime
    reason: str


class RecurrenceIn(Schema):
    frequency: Literal["weekly", "monthly"]
    starts_on: ApiDate
    start_time: time = Field(description="Studio-local wall-clock time of every occurrence.")
    interval: int = Field(default=1, ge=1, le=52)
    weekdays: list[int] = Field(default_factory=list, max_length=7, description="Weekly: 0 = Monday … 6.")
    until: ApiDate | None = None
    count: int | None = Field(default=None, ge=1, le=500)
    excluded_dates: list[ApiDate] = Field(default_factory=list, max_length=500)


class AppointmentSeriesIn(Schema):
    trainer_id: int
    client_id: int
    appointment_type_id: int
    recurrence: RecurrenceIn
    notes: str = Field(default="", max_length=2000)
    override: bool = Field(
        default=False, description="Staff: book every occurrence even without a pass (each audited)."
    )


class PatternOut(Schema):
    id: int
    kind: str
    frequency: str
    interval: int
    weekdays: list[int]
    starts_on: date
    start_time: time
    duration_minutes: int
    timezone: str
    until: date | None
    count: int | None
    excluded_dates: list[date]
    generated_until: date | None
    conflicts: list[ConflictOut]

    @staticmethod
    def resolve_conflicts(obj: object) -> list[object]:
        return list(obj.conflicts.all())  # type: ignore[attr-defined]  # prefetched reverse relation the stubs do not see


class AppointmentSeriesOut(Schema):
    pattern: PatternOut
    created: list[AppointmentOut]
    conflicts: list[ConflictOut]


class AppointmentChangeOut(Schema):
    appointment: AppointmentOut
    moved: list[AppointmentOut] = Field(description="Following occurrences moved with it (scope=following).")
    conflicts: list[ConflictOut] = Field(description="Occurrences that could not move and kept their time.")


class CancelledOut(Schema):
    cancelled: list[AppointmentOut]


# --- Group classes -------------------------------------------------------------------------------


class ClassTypeIn(Schema):
    name: str = Field(max_length=120)
    description: str = ""
    duration_minutes: int = Field(default=60, ge=5, le=24 * 60)
    default_capacity: int = Field(default=10, ge=1, le=1000)
    color: str = Field(default="#1F6FEB", pattern=r"^#[0-9a-fA-F]{6}$")


class ClassTypeOut(ClassTypeIn):
    id: int
    is_active: bool


class GroupSessionIn(Schema):
    class_type_id: int
    starts_at: ApiDateTime
    instructor_id: int | None = Field(default=None, description="Defaults to you.")
    capacity: int | None = Field(default=None, ge=1, le=1000)
    room: str = Field(default="", max_length=80)
    duration_minutes: int | None = Field(default=None, ge=5, le=24 * 60)
    notes: str = Field(default="", max_length=2000)
    waitlist_enabled: bool = True


class GroupSessionSeriesIn(Schema):
    class_type_id: int
    recurrence: RecurrenceIn
    instructor_id: int | None = None
    capacity: int | None = Field(default=None, ge=1, le=1000)
    room: str = Field(default="", max_length=80)
    duration_minutes: int | None = Field(default=None, ge=5, le=24 * 60)
    notes: str = Field(default="", max_length=2000)


class GroupSessionUpdateIn(Schema):
    starts_at: ApiDateTime | None = None
    capacity: int | None = Field(default=None, ge=1, le=1000)
    room: str | None = Field(default=None, max_length=80)
    notes: str | None = Field(default=None, max_length=2000)


class GroupSessionOut(Schema):
    id: int
    class_type_id: int
    class_type_name: str = Field(alias="class_type.name")
    instructor: PersonOut
    room: str
    capacity: int
    seats_taken: int
    seats_left: int
    waitlist_enabled: bool
    starts_at: StudioTime
    ends_at: StudioTime
    status: str
    notes: str
    recurrence_id: int | None
    my_status: str | None = Field(default=None, description="Your registration, if any.")
    my_position: int | None = Field(default=None, description="Your place on the waitlist.")
    waitlist_length: int | None = None


class GroupSessionSeriesOut(Schema):
    pattern: PatternOut
    created: list[GroupSessionOut]
    conflicts: list[ConflictOut]


class ParticipantOut(Schema):
    id: int
    session_id: int
    client: PersonOut
    status: str
    waitlist_position: int | None
    registered_at: StudioTime
    promoted_at: StudioTime | None
    cancelled_at: StudioTime | None
    is_late_cancellation: bool
    checked_in_at: StudioTime | None


class RosterOut(Schema):
    session: GroupSessionOut
    participants: list[ParticipantOut]


class SessionCancelledOut(Schema):
    cancelled: list[GroupSessionOut]


# --- Policy and calendar feeds -------------------------------------------------------------------


class PolicyIn(Schema):
    late_cancel_window_minutes: int | None = Field(default=None, ge=0)
    reminder_offsets_minutes: list[int] | None = Field(default=None, max_length=5)
    reminder_channels: list[str] | None = Field(default=None, max_length=3)


class PolicyOut(Schema):
    late_cancel_window_minutes: int
    reminder_offsets_minutes: list[int]
    reminder_channels: list[str]


class CalendarFeedOut(Schema):
    url: str = Field(description="Secret: anyone with it can read your calendar. Shown once.")
