"""Templates with studio overrides (seed: NOTIFICATION_TEMPLATE), automations (seed: AUTOMATED_MESSAGE),
the once-per-occurrence send log, and the studio's messaging settings."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TemplateOverride(models.Model):
    """A studio's own wording of a shipped template (domain/messaging/templates.py) for one channel."""

    key = models.CharField(max_length=60)
    channel = models.CharField(max_length=8)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "channel"], name="messaging_template_override_once")]

    def __str__(self) -> str:
        return f"{self.key} ({self.channel})"


class Trigger(models.TextChoices):
    WELCOME = "welcome", _("Welcome after sign-up")
    FIRST_WORKOUT = "first_workout", _("First workout logged")
    NO_WORKOUT = "no_workout", _("No workout for N days")
    NO_VISIT = "no_visit", _("No visit for N days")
    MISSED_SESSION = "missed_session", _("Missed a booked session")
    BIRTHDAY = "birthday", _("Birthday")
    EXPIRING = "expiring", _("Package or membership about to expire (N days)")
    PAYMENT_FAILED = "payment_failed", _("Payment failed")
    VIDEO_REVIEWED = "video_reviewed", _("Video reviewed")


class Automation(models.Model):
    """When `trigger` matches a client, send `template_key` on `channel` after `delay_minutes`.

    `once_per_client`: at most one send per client ever; otherwise once per occurrence (each missed session,
    each birthday). Switched on, it only acts on occurrences after `active_since` unless `backfill`.
    """

    name = models.CharField(max_length=120)
    trigger = models.CharField(max_length=20, choices=Trigger.choices)
    days = models.PositiveSmallIntegerField(default=0)  # the N of "no workout for N days" and the like
    delay_minutes = models.PositiveIntegerField(default=0)
    channel = models.CharField(max_length=8)
    template_key = models.CharField(max_length=60)
    once_per_client = models.BooleanField(default=True)
    backfill = models.BooleanField(default=False)
    is_active = models.BooleanField(default=False)
    active_since = models.DateTimeField(null=True, blank=True)
    send_hour = models.PositiveSmallIntegerField(default=10)  # local hour a delayed send is moved to (0-23)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(trigger__in=Trigger.values), name="messaging_automation_trigger"),
            models.CheckConstraint(condition=Q(send_hour__lte=23), name="messaging_automation_send_hour"),
            models.CheckConstraint(
                condition=Q(channel__in=["in_app", "email", "push", "sms"]), name="messaging_automation_channel"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class AutomationSend(models.Model):
    """One (automation, client, occurrence): the unique key that makes a duplicate run, a retried task or a
    killed worker unable to send twice."""

    automation = models.ForeignKey(Automation, on_delete=models.CASCADE, related_name="sends")
    client = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    occurrence = models.CharField(max_length=80)  # "once" or what happened ("booking-12", "2026-11-30")
    due_at = models.DateTimeField()
    context = models.JSONField(default=dict)  # the template's variables found with the match
    sent_at = models.DateTimeField(null=True, blank=True)
    notification = models.ForeignKey(
        "messaging.Notification", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["automation", "client", "occurrence"], name="messaging_automation_send_once"
            )
        ]
        indexes = [models.Index(fields=["sent_at", "due_at"], name="messaging_automation_due_idx")]

    def __str__(self) -> str:
        return f"{self.automation_id}:{self.client_id}:{self.occurrence}"


class MessagingSettings(models.Model):
    """The studio's messaging settings (one row, pk=1)."""

    archive_after_months = models.PositiveSmallIntegerField(default=12)
    edit_window_minutes = models.PositiveSmallIntegerField(default=15)

    def __str__(self) -> str:
        return "messaging settings"

    @classmethod
    def current(cls) -> MessagingSettings:
        return cls.objects.get_or_create(pk=1)[0]
