"""Scheduling: availability, appointments (1:1 and recurring), group classes, reminders, calendar feeds.

Seed tables: TRAINER_AVAILABILITY, APPOINTMENT, RECURRING_PATTERN, GROUP_SESSION, SESSION_PARTICIPANT,
APPOINTMENT_REMINDER. Times are stored in UTC; availability is stored as local wall-clock times and
interpreted in the studio's zone for each date, so working hours stay put across daylight-saving changes.

The database backs up the services: an exclusion constraint makes two live appointments of one trainer
overlap impossible, a check constraint keeps a class's taken seats within its capacity, and partial
unique constraints keep one live registration per client per class.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import ArrayField, DateTimeRangeField, RangeBoundary, RangeOperators
from django.db import models
from django.db.models import F, Func, Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel

PEOPLE = settings.AUTH_USER_MODEL
STAFF_CHOICES = {"role__in": ["owner", "manager", "trainer"]}
CLIENT_CHOICES = {"role": "client"}


class TsTzRange(Func):
    """`tstzrange(start, end, '[)')`: the half-open interval a booking occupies."""

    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


def default_reminder_offsets() -> list[int]:
    return [24 * 60, 60]


def default_reminder_channels() -> list[str]:
    return ["email"]


def _half_open(start: str, end: str) -> TsTzRange:
    return TsTzRange(start, end, RangeBoundary())


class SchedulingPolicy(models.Model):
    """The studio's scheduling rules: one row per studio schema (key is always 1)."""

    key = models.PositiveSmallIntegerField(default=1, unique=True, editable=False)
    late_cancel_window_minutes = models.PositiveIntegerField(
        _("late-cancellation window (minutes)"),
        default=12 * 60,
        help_text=_("Cancelling less than this long before the start is recorded as a late cancellation."),
    )
    reminder_offsets_minutes = ArrayField(
        models.PositiveIntegerField(),
        verbose_name=_("reminders (minutes before)"),
        default=default_reminder_offsets,
        blank=True,
        help_text=_("When reminders go out before a booking, e.g. 1440 and 60."),
    )
    reminder_channels = ArrayField(
        models.CharField(max_length=10),
        verbose_name=_("reminder channels"),
        default=default_reminder_channels,
        blank=True,
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(key=1), name="scheduling_policy_singleton")]

    def __str__(self) -> str:
        return str(_("Scheduling policy"))


class AppointmentType(TimeStampedModel):
    """A kind of 1:1 session a client can book: its length, where, price reference and booking rules.

    A type without a trainer is offered by every trainer of the studio.
    """

    trainer = models.ForeignKey(
        PEOPLE,
        verbose_name=_("trainer"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="appointment_types",
        limit_choices_to=STAFF_CHOICES,
    )
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), default=60)
    location = models.CharField(_("location"), max_length=200, blank=True)
    online_link = models.URLField(_("online link"), blank=True)
    price_amount = models.PositiveIntegerField(_("price (minor units)"), default=0)
    price_currency = models.CharField(_("currency"), max_length=3, default="USD")
    buffer_before_minutes = models.PositiveIntegerField(_("buffer before (minutes)"), default=0)
    buffer_after_minutes = models.PositiveIntegerField(_("buffer after (minutes)"), default=0)
    min_notice_minutes = models.PositiveIntegerField(_("minimum notice (minutes)"), default=120)
    max_advance_days = models.PositiveIntegerField(_("bookable up to (days ahead)"), default=60)
    slot_step_minutes = models.PositiveIntegerField(_("start times every (minutes)"), default=15)
    requires_confirmation = models.BooleanField(_("trainer confirms client bookings"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=5, duration_minutes__lte=24 * 60),
                name="appointment_type_duration_range",
            ),
            models.CheckConstraint(
                condition=Q(slot_step_minutes__gte=5, slot_step_minutes__lte=24 * 60),
                name="appointment_type_step_range",
            ),
            models.CheckConstraint(condition=Q(price_currency__regex=r"^[A-Z]{3}$"), name="appointment_type_currency"),
        ]

    def __str__(self) -> str:
        return self.name


class TrainerAvailability(TimeStampedModel):
    """TRAINER_AVAILABILITY: one weekly working range (several may share a weekday), in local wall time."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    trainer = models.ForeignKey(
        PEOPLE, on_delete=models.CASCADE, related_name="availability", limit_choices_to=STAFF_CHOICES
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("until"))
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        ordering = ["trainer_id", "weekday", "start_time"]
        indexes = [models.Index(fields=["trainer", "weekday"], name="sched_avail_trainer_day_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(weekday__gte=0, weekday__lte=6), name="availability_weekday_valid"),
            # An end at or before the start is on the next day (22:30-02:00); only an empty range is refused.
            models.CheckConstraint(condition=~Q(start_time=F("end_time")), name="availability_range_not_empty"),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_from__lte=F("valid_until")),
                name="availability_validity_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start_time:%H:%M}-{self.end_time:%H:%M}"

    @property
    def ends_next_day(self) -> bool:
        return self.end_time <= self.start_time


class AvailabilityException(TimeStampedModel):
    """A date that departs from the weekly hours: time off (whole day or a range) or extra hours."""

    class Kind(models.TextChoices):
        OFF = "off", _("Time off")
        EXTRA = "extra", _("Extra hours")

    trainer = models.ForeignKey(
        PEOPLE, on_delete=models.CASCADE, related_name="availability_exceptions", limit_choices_to=STAFF_CHOICES
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    start_time = models.TimeField(_("from"), null=True, blank=True)
    end_time = models.TimeField(_("until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["trainer_id", "date", "start_time"]
        indexes = [models.Index(fields=["trainer", "date"], name="sched_exc_trainer_date_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["off", "extra"]), name="availability_exception_kind"),
            # Both times or neither (= the whole day); extra hours always need times. An end at or before
            # the start is on the next day (22:30-02:00); only an empty range is refused.
            models.CheckConstraint(
                condition=(Q(start_time__isnull=True, end_time__isnull=True, kind="off"))
                | (Q(start_time__isnull=False, end_time__isnull=False) & ~Q(start_time=F("end_time"))),
                name="availability_exception_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.kind}"

    @property
    def ends_next_day(self) -> bool:
        return self.start_time is not None and self.end_time is not None and self.end_time <= self.start_time


class RecurringPattern(TimeStampedModel):
    """RECURRING_PATTERN: the rule and the template of a series of appointments or classes.

    Occurrences are generated ahead up to `generated_until`; a beat task keeps extending them. The rule
    is evaluated in `timezone` (the studio's when the series was made), so 07:00 stays 07:00 across DST.
    """

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", _("Weekly")
        MONTHLY = "monthly", _("Monthly")

    class Kind(models.TextChoices):
        APPOINTMENT = "appointment", _("Appointment")
        CLASS = "class", _("Group class")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    frequency = models.CharField(_("repeats"), max_length=10, choices=Frequency.choices)
    interval = models.PositiveSmallIntegerField(_("every"), default=1)
    weekdays = ArrayField(models.PositiveSmallIntegerField(), verbose_name=_("on days"), default=list, blank=True)
    starts_on = models.DateField(_("first date"))
    start_time = models.TimeField(_("start time"))
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"))
    timezone = models.CharField(_("time zone"), max_length=64)
    until = models.DateField(_("until"), null=True, blank=True)
    count = models.PositiveIntegerField(_("occurrences"), null=True, blank=True)
    excluded_dates = ArrayField(models.DateField(), verbose_name=_("excluded dates"), default=list, blank=True)
    generated_until = models.DateField(_("generated until"), null=True, blank=True)
    # The series template.
    trainer = models.ForeignKey(
        PEOPLE, on_delete=models.CASCADE, related_name="+", verbose_name=_("trainer"), limit_choices_to=STAFF_CHOICES
    )
    client = models.ForeignKey(
        PEOPLE, on_delete=models.CASCADE, null=True, blank=True, related_name="+", limit_choices_to=CLIENT_CHOICES
    )
    appointment_type = models.ForeignKey(AppointmentType, on_delete=models.PROTECT, null=True, blank=True)
    class_type = models.ForeignKey("ClassType", on_delete=models.PROTECT, null=True, blank=True)
    room = models.CharField(_("room"), max_length=80, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(PEOPLE, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(interval__gte=1, interval__lte=52), name="pattern_interval_range"),
            models.CheckConstraint(
                condition=Q(until__isnull=False) | Q(count__isnull=False), name="pattern_until_or_count"
            ),
            models.CheckConstraint(
                condition=Q(kind="appointment", appointment_type__isnull=False, client__isnull=False)
                | Q(kind="class", class_type__isnull=False, capacity__isnull=False),
                name="pattern_template_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_frequency_display()} {self.starts_on} {self.start_time:%H:%M}"


class RecurrenceConflict(models.Model):
    """An occurrence a series could not place (trainer busy, room taken): reported, never dropped silently."""

    pattern = models.ForeignKey(RecurringPattern, on_delete=models.CASCADE, related_name="conflicts")
    starts_at = models.DateTimeField(_("would start"))
    reason = models.CharField(_("reason"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at"]
        constraints = [models.UniqueConstraint(fields=["pattern", "starts_at"], name="conflict_once_per_occurrence")]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M} {self.reason}"


class Appointment(TimeStampedModel):
    """APPOINTMENT: a 1:1 session. Live ones (requested/confirmed) never overlap for one trainer."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        CONFIRMED = "confirmed", _("Confirmed")
        CANCELLED = "cancelled", _("Cancelled")
        COMPLETED = "completed", _("Completed")
        NO_SHOW = "no_show", _("No-show")

    LIVE = (Status.REQUESTED, Status.CONFIRMED)
    BLOCKING = (Status.REQUESTED, Status.CONFIRMED, Status.COMPLETED, Status.NO_SHOW)

    trainer = models.ForeignKey(
        PEOPLE, on_delete=models.PROTECT, related_name="trainer_appointments", limit_choices_to=STAFF_CHOICES
    )
    client = models.ForeignKey(
        PEOPLE, on_delete=models.PROTECT, related_name="client_appointments", limit_choices_to=CLIENT_CHOICES
    )
    appointment_type = models.ForeignKey(AppointmentType, on_delete=models.PROTECT, related_name="appointments")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    # Copied from the type when booked, so later edits of the type do not move existing bookings' buffers.
    buffer_before_minutes = models.PositiveIntegerField(default=0)
    buffer_after_minutes = models.PositiveIntegerField(default=0)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.CONFIRMED)
    location = models.CharField(_("location"), max_length=200, blank=True)
    online_link = models.URLField(_("online link"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    recurrence = models.ForeignKey(
        RecurringPattern, on_delete=models.SET_NULL, null=True, blank=True, related_name="appointments"
    )
    # The occurrence's slot in its series (unchanged when this one occurrence is moved).
    original_starts_at = models.DateTimeField(null=True, blank=True)
    is_exception = models.BooleanField(_("edited separately from its series"), default=False)
    created_by = models.ForeignKey(PEOPLE, on_delete=models.SET_NULL, null=True, related_name="+")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(PEOPLE, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    cancellation_reason = models.CharField(_("cancellation reason"), max_length=500, blank=True)
    is_late_cancellation = models.BooleanField(_("late cancellation"), default=False)
    attendance_marked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["trainer", "starts_at"], name="sched_appt_trainer_start_idx"),
            models.Index(fields=["client", "starts_at"], name="sched_appt_client_start_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(starts_at__lt=F("ends_at")), name="appointment_start_before_end"),
            models.CheckConstraint(
                condition=Q(status__in=["requested", "confirmed", "cancelled", "completed", "no_show"]),
                name="appointment_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | Q(cancelled_at__isnull=False), name="appointment_cancel_has_time"
            ),
            # No double booking, whatever the code path: two live sessions of one trainer never overlap.
            ExclusionConstraint(
                name="appointment_no_trainer_overlap",
                expressions=[
                    ("trainer", RangeOperators.EQUAL),
                    (_half_open("starts_at", "ends_at"), RangeOperators.OVERLAPS),
                ],
                condition=Q(status__in=["requested", "confirmed"]),
            ),
            models.UniqueConstraint(
                fields=["recurrence", "original_starts_at"],
                condition=Q(recurrence__isnull=False),
                name="appointment_one_per_occurrence",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M} {self.trainer_id}/{self.client_id}"

    @property
    def is_live(self) -> bool:
        return self.status in self.LIVE


class ClassType(TimeStampedModel):
    """A kind of group class (Yoga, HIIT): defaults for the sessions scheduled from it."""

    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), default=60)
    default_capacity = models.PositiveIntegerField(_("default capacity"), default=10)
    color = models.CharField(_("colour"), max_length=7, default="#1F6FEB")
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(default_capacity__gte=1), name="class_type_capacity_positive"),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=5, duration_minutes__lte=24 * 60), name="class_type_duration_range"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class GroupSession(TimeStampedModel):
    """GROUP_SESSION: one scheduled class. `seats_taken` counts the seats held (booked, attended, no-show)."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")

    class_type = models.ForeignKey(ClassType, on_delete=models.PROTECT, related_name="sessions")
    instructor = models.ForeignKey(
        PEOPLE, on_delete=models.PROTECT, related_name="taught_sessions", limit_choices_to=STAFF_CHOICES
    )
    room = models.CharField(_("room"), max_length=80, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"))
    seats_taken = models.PositiveIntegerField(default=0)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.SCHEDULED)
    waitlist_enabled = models.BooleanField(_("waitlist"), default=True)
    notes = models.TextField(_("notes"), blank=True)
    recurrence = models.ForeignKey(
        RecurringPattern, on_delete=models.SET_NULL, null=True, blank=True, related_name="group_sessions"
    )
    original_starts_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancellation_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["starts_at"], name="sched_session_start_idx"),
            models.Index(fields=["instructor", "starts_at"], name="sched_session_instr_start_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(starts_at__lt=F("ends_at")), name="group_session_start_before_end"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="group_session_capacity_positive"),
            # Capacity is never exceeded, even by a code path that forgets the lock.
            models.CheckConstraint(condition=Q(seats_taken__lte=F("capacity")), name="group_session_within_capacity"),
            ExclusionConstraint(
                name="group_session_no_instructor_overlap",
                expressions=[
                    ("instructor", RangeOperators.EQUAL),
                    (_half_open("starts_at", "ends_at"), RangeOperators.OVERLAPS),
                ],
                condition=Q(status="scheduled"),
            ),
            ExclusionConstraint(
                name="group_session_no_room_overlap",
                expressions=[
                    ("room", RangeOperators.EQUAL),
                    (_half_open("starts_at", "ends_at"), RangeOperators.OVERLAPS),
                ],
                condition=Q(status="scheduled") & ~Q(room=""),
            ),
            models.UniqueConstraint(
                fields=["recurrence", "original_starts_at"],
                condition=Q(recurrence__isnull=False),
                name="group_session_one_per_occurrence",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.class_type_id} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def seats_left(self) -> int:
        return max(0, self.capacity - self.seats_taken)


class SessionParticipant(TimeStampedModel):
    """SESSION_PARTICIPANT: a client's place in a class, or in its waitlist (ordered by position)."""

    class Status(models.TextChoices):
        BOOKED = "booked", _("Booked")
        WAITLISTED = "waitlisted", _("Waitlisted")
        CANCELLED = "cancelled", _("Cancelled")
        ATTENDED = "attended", _("Attended")
        NO_SHOW = "no_show", _("No-show")

    ACTIVE = (Status.BOOKED, Status.WAITLISTED, Status.ATTENDED, Status.NO_SHOW)
    SEATED = (Status.BOOKED, Status.ATTENDED, Status.NO_SHOW)  # what `seats_taken` counts

    session = models.ForeignKey(GroupSession, on_delete=models.CASCADE, related_name="participants")
    client = models.ForeignKey(
        PEOPLE, on_delete=models.PROTECT, related_name="class_registrations", limit_choices_to=CLIENT_CHOICES
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    waitlist_position = models.PositiveIntegerField(null=True, blank=True)
    registered_at = models.DateTimeField()
    promoted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    is_late_cancellation = models.BooleanField(default=False)
    checked_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["session_id", "waitlist_position", "registered_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["booked", "waitlisted", "cancelled", "attended", "no_show"]),
                name="participant_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="waitlisted", waitlist_position__isnull=False)
                | (~Q(status="waitlisted") & Q(waitlist_position__isnull=True)),
                name="participant_position_iff_waitlisted",
            ),
            models.UniqueConstraint(
                fields=["session", "client"], condition=~Q(status="cancelled"), name="participant_once_per_session"
            ),
            models.UniqueConstraint(
                fields=["session", "waitlist_position"],
                condition=Q(status="waitlisted"),
                name="participant_unique_waitlist_position",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session_id}/{self.client_id} {self.status}"


class AppointmentReminder(models.Model):
    """APPOINTMENT_REMINDER: one message to send before a booking (an appointment or a class seat).

    `status` moves scheduled -> sent (or cancelled/failed) exactly once, under a row lock, which is what
    makes a retried or duplicated task harmless.
    """

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        SENT = "sent", _("Sent")
        CANCELLED = "cancelled", _("Cancelled")
        FAILED = "failed", _("Failed")

    appointment = models.ForeignKey(
        Appointment, on_delete=models.CASCADE, null=True, blank=True, related_name="reminders"
    )
    participant = models.ForeignKey(
        SessionParticipant, on_delete=models.CASCADE, null=True, blank=True, related_name="reminders"
    )
    recipient = models.ForeignKey(PEOPLE, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(_("channel"), max_length=10)
    offset_minutes = models.PositiveIntegerField()
    send_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["send_at", "id"]
        indexes = [
            models.Index(fields=["send_at"], condition=Q(status="scheduled"), name="sched_reminder_due_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(appointment__isnull=False, participant__isnull=True)
                | Q(appointment__isnull=True, participant__isnull=False),
                name="reminder_for_one_booking",
            ),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False), name="reminder_sent_has_time"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.send_at:%Y-%m-%d %H:%M} {self.status}"


class CalendarFeed(models.Model):
    """A private iCalendar subscription URL. Only a digest of its token is stored; revoking is final."""

    owner = models.ForeignKey(PEOPLE, on_delete=models.CASCADE, related_name="calendar_feeds")
    token_digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_fetched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["owner"], condition=Q(revoked_at__isnull=True), name="calendar_feed_one_active_per_owner"
            )
        ]

    def __str__(self) -> str:
        return f"feed {self.owner_id}"
