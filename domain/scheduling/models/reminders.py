"""Reminder rows (one per booking, offset and channel) and secret calendar feed links."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from domain.scheduling.models._base import (
    PEOPLE,
)
from domain.scheduling.models.appointments import Appointment
from domain.scheduling.models.classes import SessionParticipant


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
