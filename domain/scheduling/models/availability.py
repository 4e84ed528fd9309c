"""The studio's scheduling policy, appointment types, a trainer's weekly hours and exceptions."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from core.models import Weekday as CoreWeekday
from domain.scheduling.models._base import (
    PEOPLE,
    STAFF_CHOICES,
    default_reminder_channels,
    default_reminder_offsets,
)


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

    Weekday = CoreWeekday  # one vocabulary of weekdays (core.models), also a person's calendar start day

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
            # Both times or neither (= the whole day); extra hours always need times.
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
