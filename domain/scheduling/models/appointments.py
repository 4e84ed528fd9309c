"""1:1 appointments and the recurring patterns (with their unplaceable occurrences) behind series."""

from __future__ import annotations

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import ArrayField, RangeOperators
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from domain.scheduling.models._base import (
    CLIENT_CHOICES,
    PEOPLE,
    STAFF_CHOICES,
    half_open,
)
from domain.scheduling.models.availability import (
    AppointmentType,
)


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
    # Staff booked the series with an override: its occurrences are booked even when no pass pays for them
    # (each one audited as an override, as a single booking's), also when the horizon is extended.
    entitlement_override = models.BooleanField(_("booked with a staff override"), default=False)
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
                    (half_open("starts_at", "ends_at"), RangeOperators.OVERLAPS),
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
