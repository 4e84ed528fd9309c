"""Data exports (a client's, the whole studio's) and how long the studio keeps each kind of data."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel


class DataExport(TimeStampedModel):
    """One archive being built or ready to download. The file lives in the studio's private media under an
    unguessable name, is handed out only through a signed link to the people allowed to see it, and is
    deleted when it expires."""

    class Kind(models.TextChoices):
        CLIENT = "client", _("A client's data")
        STUDIO = "studio", _("The whole studio")

    class Status(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="data_exports"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    storage_name = models.CharField(max_length=255, blank=True)
    size_bytes = models.PositiveBigIntegerField(null=True, blank=True)
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="client", client__isnull=False) | Q(kind="studio", client__isnull=True),
                name="privacy_export_client_iff_client_kind",
            ),
            models.CheckConstraint(
                condition=~Q(status="ready") | (Q(ready_at__isnull=False) & Q(expires_at__isnull=False)),
                name="privacy_export_ready_has_times",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "ready", "failed", "expired"]), name="privacy_export_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["status", "expires_at"], name="privacy_export_expiry_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} export {self.pk}"


class RetentionPolicy(models.Model):
    """How long the studio keeps each kind of data (one row per studio schema, key 1). 0 means forever.

    Messages and notifications are archived by messaging's own settings (docs/privacy.md).
    """

    key = models.PositiveSmallIntegerField(default=1, unique=True, editable=False)
    export_days = models.PositiveSmallIntegerField(
        _("data exports are kept for (days)"),
        default=7,
        help_text=_("Download links stop working and the archive is deleted after this."),
    )
    archived_client_media_days = models.PositiveIntegerField(
        _("photos and videos of archived clients are kept for (days, 0: until erased)"), default=0
    )
    review_video_days = models.PositiveIntegerField(
        _("reviewed form-check videos are kept for (days, 0: forever)"), default=0
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(key=1), name="privacy_retention_singleton"),
            models.CheckConstraint(
                condition=Q(export_days__gte=1, export_days__lte=30), name="privacy_retention_export_days_range"
            ),
        ]

    def __str__(self) -> str:
        return str(_("Retention policy"))
