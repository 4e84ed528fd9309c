"""Group classes: class types, sessions and the people registered (seated or waitlisted)."""

from __future__ import annotations

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
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
from domain.scheduling.models.appointments import RecurringPattern


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
                    (half_open("starts_at", "ends_at"), RangeOperators.OVERLAPS),
                ],
                condition=Q(status="scheduled"),
            ),
            ExclusionConstraint(
                name="group_session_no_room_overlap",
                expressions=[
                    ("room", RangeOperators.EQUAL),
                    (half_open("starts_at", "ends_at"), RangeOperators.OVERLAPS),
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
