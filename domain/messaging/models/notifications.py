"""Notifications (seed: NOTIFICATION), their deliveries per channel, preferences, consent and devices."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

CHANNELS = ("in_app", "email", "push", "sms")


class Category(models.TextChoices):
    """Service messages (bookings, payments, replies) vs marketing (automations the studio chose to send)."""

    SERVICE = "service", _("Service")
    MARKETING = "marketing", _("Marketing")


class Notification(models.Model):
    """One thing a person is told, once: `key` is unique, so the same event never notifies twice.

    It is always kept in-app (the bell); `Delivery` rows record each other channel it went out on.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=60)  # a template key: "message.new", "scheduling.reminder", ...
    category = models.CharField(max_length=10, choices=Category.choices, default=Category.SERVICE)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=500, blank=True)  # a path on the studio's host
    created_at = models.DateTimeField(default=timezone.now)
    is_read = models.BooleanField(default=False)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        indexes = [
            models.Index(fields=["user", "is_read"], name="messaging_notif_read_idx"),  # the seed's index
            models.Index(fields=["user", "-created_at"], name="messaging_notif_recent_idx"),
            models.Index(fields=["created_at"], name="messaging_notif_created_idx"),  # archival
        ]
        constraints = [
            models.CheckConstraint(condition=Q(category__in=["service", "marketing"]), name="messaging_notif_category"),
        ]

    def __str__(self) -> str:
        return self.title


class Delivery(models.Model):
    """A notification on one outside channel: unique per (notification, channel), so it goes out at most once.

    `pending` rows are claimed with SKIP LOCKED and become `sent` in the transaction that sends them; a worker
    killed mid-way rolls back and the retry finds the row pending again.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        SKIPPED = "skipped", _("Skipped")  # no consent, no address, no device
        FAILED = "failed", _("Failed")

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(max_length=8)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    send_after = models.DateTimeField(default=timezone.now)  # quiet hours push this to their end
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["notification", "channel"], name="messaging_delivery_once"),
            models.CheckConstraint(
                condition=Q(channel__in=["email", "push", "sms"]), name="messaging_delivery_channel"
            ),
        ]
        indexes = [models.Index(fields=["status", "send_after"], name="messaging_delivery_due_idx")]

    def __str__(self) -> str:
        return f"{self.notification_id}:{self.channel}"


class Preference(models.Model):
    """A person's channels, consent and quiet hours. No row: the defaults (service messages on every
    channel, marketing on none, no quiet hours). Quiet hours are wall-clock times in the person's display
    zone, and messages speak their language: both are core's `Preferences`, the one store."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email_service = models.BooleanField(default=True)
    email_marketing = models.BooleanField(default=False)
    push_service = models.BooleanField(default=True)
    push_marketing = models.BooleanField(default=False)
    sms_service = models.BooleanField(default=True)
    sms_marketing = models.BooleanField(default=False)
    marketing_consented_at = models.DateTimeField(null=True, blank=True)
    quiet_start = models.TimeField(null=True, blank=True)  # local wall-clock time in the person's zone
    quiet_end = models.TimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(quiet_start__isnull=True, quiet_end__isnull=True)
                | Q(quiet_start__isnull=False, quiet_end__isnull=False),
                name="messaging_quiet_hours_both_or_none",
            ),
        ]

    def __str__(self) -> str:
        return f"preferences of {self.user_id}"

    def allows(self, channel: str, category: str) -> bool:
        if channel == "in_app":
            return True
        return bool(getattr(self, f"{channel}_{category}", False))


class PushSubscription(models.Model):
    """One browser or installed app that accepts Web Push for a person (its endpoint is unique)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions")
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    user_agent = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.endpoint[:60]


class ArchivedNotification(models.Model):
    """A notification older than the studio's archive period: out of the hot table, still exportable."""

    original_id = models.BigIntegerField(unique=True)
    user_id = models.BigIntegerField(db_index=True)
    kind = models.CharField(max_length=60)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    created_at = models.DateTimeField()
    archived_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.title


class ArchivedMessage(models.Model):
    """A message older than the studio's archive period (attachments keep their files, named here)."""

    original_id = models.BigIntegerField(unique=True)
    thread_id = models.BigIntegerField(db_index=True)
    sender_id = models.BigIntegerField(null=True)
    body = models.TextField(blank=True)
    files = models.JSONField(default=list)
    sent_at = models.DateTimeField()
    edited_at = models.DateTimeField(null=True)
    deleted_at = models.DateTimeField(null=True)
    archived_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"message {self.original_id}"
