"""Form-check videos: VIDEO (a client's clip, optionally of one logged set or exercise), its processing
outputs, VIDEO_FEEDBACK (the comments thread), VIDEO_ANNOTATION (text and vector drawings anchored to a
frame) and the history of its review status.

Two independent states: `processing` (uploading -> processing -> ready | failed) says whether the clip
can be played; `status` (pending -> in_review -> reviewed | approved | needs_revision) is the trainer's
review. Files live in the studio's media storage under unguessable names and are only ever handed out
through short-lived signed URLs (domain/videos/storage.py).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel


def _values(choices: type[models.TextChoices]) -> list[str]:
    return [choice.value for choice in choices]


class Processing(models.TextChoices):
    UPLOADING = "uploading", _("Uploading")
    PROCESSING = "processing", _("Processing")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    IN_REVIEW = "in_review", _("In review")
    REVIEWED = "reviewed", _("Reviewed")
    APPROVED = "approved", _("Approved")
    NEEDS_REVISION = "needs_revision", _("Needs another attempt")


# The review workflow: from a status, the statuses staff may move a video to.
TRANSITIONS: dict[str, frozenset[str]] = {
    ReviewStatus.PENDING: frozenset({ReviewStatus.IN_REVIEW}),
    ReviewStatus.IN_REVIEW: frozenset(
        {ReviewStatus.PENDING, ReviewStatus.REVIEWED, ReviewStatus.APPROVED, ReviewStatus.NEEDS_REVISION}
    ),
    ReviewStatus.REVIEWED: frozenset({ReviewStatus.IN_REVIEW}),
    ReviewStatus.APPROVED: frozenset({ReviewStatus.IN_REVIEW}),
    ReviewStatus.NEEDS_REVISION: frozenset({ReviewStatus.IN_REVIEW}),
}
# Statuses that end a review: the client is told about each.
VERDICTS = frozenset({ReviewStatus.REVIEWED, ReviewStatus.APPROVED, ReviewStatus.NEEDS_REVISION})


class Video(TimeStampedModel):
    """A client's form-check clip. `key` names its folder in storage (unguessable, never shown)."""

    client = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="videos")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    logged_set = models.ForeignKey(
        "workouts.LoggedSet", null=True, blank=True, on_delete=models.SET_NULL, related_name="videos"
    )
    exercise = models.ForeignKey("library.Exercise", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=120, blank=True)
    notes = models.TextField(_("notes for the trainer"), blank=True)
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    processing = models.CharField(
        _("processing"), max_length=12, choices=Processing.choices, default=Processing.UPLOADING
    )
    status = models.CharField(_("review status"), max_length=16, choices=ReviewStatus.choices, default="pending")
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)  # when the upload completed
    status_changed_at = models.DateTimeField(null=True, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    # the upload
    original_name = models.CharField(max_length=255)  # storage name of the file as uploaded
    declared_bytes = models.PositiveBigIntegerField(_("size (bytes)"))
    received_bytes = models.PositiveBigIntegerField(default=0)  # chunked uploads: what has arrived
    filename = models.CharField(_("file name"), max_length=200, blank=True)  # as the uploader named it; shown only

    # what processing found and made
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)  # as displayed (rotation applied)
    height = models.PositiveIntegerField(null=True, blank=True)
    rotation = models.SmallIntegerField(default=0)  # degrees clockwise the original asks players to turn it
    frame_rate = models.DecimalField(max_digits=8, decimal_places=3, null=True, blank=True)  # frames per second
    codec = models.CharField(max_length=32, blank=True)  # the original's video codec
    container = models.CharField(max_length=64, blank=True)
    size_bytes = models.PositiveBigIntegerField(null=True, blank=True)  # the original's
    rendition_name = models.CharField(max_length=255, blank=True)  # H.264/AAC MP4, fast start
    rendition_bytes = models.PositiveBigIntegerField(null=True, blank=True)
    poster_name = models.CharField(max_length=255, blank=True)
    strip_name = models.CharField(max_length=255, blank=True)  # one JPEG: thumbnails side by side
    strip_frames = models.PositiveSmallIntegerField(default=0)
    attempt = models.UUIDField(null=True, blank=True)  # the processing run writing outputs right now
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)  # why processing failed, for the uploader

    class Meta:
        verbose_name = _("video")
        verbose_name_plural = _("videos")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(processing__in=_values(Processing)), name="videos_processing"),
            models.CheckConstraint(condition=models.Q(status__in=_values(ReviewStatus)), name="videos_status_valid"),
            models.CheckConstraint(
                condition=models.Q(received_bytes__lte=models.F("declared_bytes")), name="videos_received_le_declared"
            ),
            models.CheckConstraint(
                condition=~models.Q(processing="ready") | ~models.Q(rendition_name=""),
                name="videos_ready_has_rendition",
            ),
            models.CheckConstraint(condition=models.Q(rotation__in=[0, 90, 180, 270]), name="videos_rotation_valid"),
        ]
        indexes = [
            models.Index(fields=["client", "status"], name="videos_client_status"),
            models.Index(
                fields=["submitted_at", "id"], condition=models.Q(status="pending"), name="videos_pending_queue"
            ),
            models.Index(fields=["client", "exercise", "-created_at"], name="videos_client_exercise"),
        ]

    def __str__(self) -> str:
        return self.title or f"video {self.pk}"

    @property
    def frame_seconds(self) -> float:
        """The length of one frame in seconds (1/30 when the rate is unknown)."""
        return 1 / float(self.frame_rate) if self.frame_rate else 1 / 30


class VideoStatusChange(models.Model):
    """Who moved the review from what to what, when (the workflow's history)."""

    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="status_changes")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    from_status = models.CharField(max_length=16, choices=ReviewStatus.choices)
    to_status = models.CharField(max_length=16, choices=ReviewStatus.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("video status change")
        verbose_name_plural = _("video status changes")
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status} -> {self.to_status}"


class VideoFeedback(TimeStampedModel):
    """One comment of a video's thread, by the client or staff."""

    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="feedback")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField(_("comment"))

    class Meta:
        verbose_name = _("video feedback")
        verbose_name_plural = _("video feedback")
        ordering = ["created_at", "id"]
        constraints = [models.CheckConstraint(condition=~models.Q(body=""), name="videos_feedback_not_blank")]

    def __str__(self) -> str:
        return self.body[:60]


class VideoAnnotation(TimeStampedModel):
    """A note and/or drawing anchored to one frame. `shapes` is vector data in coordinates relative to the
    displayed picture (0..1 both ways, origin top left), so it lands on the same spot at any size:
    [{"type": "arrow", "points": [[x, y], [x, y]], "color": "#ff3b30"}, ...] (see services/review.py)."""

    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="annotations")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    time_ms = models.PositiveIntegerField(_("time (ms)"))
    frame = models.PositiveIntegerField(_("frame"))  # time_ms at the video's frame rate, from 0
    text = models.CharField(_("text"), max_length=1000, blank=True)
    shapes = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("video annotation")
        verbose_name_plural = _("video annotations")
        ordering = ["time_ms", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(text="") | ~models.Q(shapes=[]), name="videos_annotation_not_empty"
            ),
        ]
        indexes = [models.Index(fields=["video", "time_ms"], name="videos_annotation_time")]

    def __str__(self) -> str:
        return f"{self.video_id} @ {self.time_ms} ms"
