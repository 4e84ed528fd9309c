"""Threads, participants, messages and their attachments (seed: MESSAGE_THREAD, THREAD_PARTICIPANT, MESSAGE)."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 5
MAX_MESSAGE_CHARS = 5000
EDIT_WINDOW_MINUTES = 15


class Thread(models.Model):
    """A conversation. A direct thread joins one client and one member of staff (one per pair: `pair_key`);
    a group thread is made by staff and joins whoever they add."""

    class Kind(models.TextChoices):
        DIRECT = "direct", _("Direct")
        GROUP = "group", _("Group")

    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=120, blank=True)
    pair_key = models.CharField(max_length=41, blank=True)  # "<smaller id>-<larger id>" for direct threads
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_message_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("message thread")
        constraints = [
            models.UniqueConstraint(
                fields=["pair_key"], condition=Q(kind="direct"), name="messaging_one_direct_per_pair"
            ),
            models.CheckConstraint(condition=Q(kind__in=["direct", "group"]), name="messaging_thread_kind_valid"),
            models.CheckConstraint(
                condition=Q(kind="group") | ~Q(pair_key=""), name="messaging_direct_thread_has_pair"
            ),
        ]
        indexes = [models.Index(fields=["-last_message_at"], name="messaging_thread_recent_idx")]

    def __str__(self) -> str:
        return self.title or f"thread {self.pk}"


class Participant(models.Model):
    """Someone in a thread, with their role in it and how far they have read (`last_read_message_id`)."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Admin")  # adds and removes people (the staff who made a group)
        MEMBER = "member", _("Member")

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="thread_links")
    role = models.CharField(_("role"), max_length=8, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(default=timezone.now)
    last_read_message_id = models.BigIntegerField(null=True, blank=True)
    last_read_at = models.DateTimeField(null=True, blank=True)
    muted = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("thread participant")
        constraints = [
            models.UniqueConstraint(fields=["thread", "user"], name="messaging_participant_once"),
            models.CheckConstraint(condition=Q(role__in=["admin", "member"]), name="messaging_participant_role_valid"),
        ]
        indexes = [models.Index(fields=["user", "thread"], name="messaging_participant_user_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.thread_id}"


class Message(models.Model):
    """A message; deleting one keeps a tombstone (`deleted_at` set, text and files gone)."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages")
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("text"), blank=True)
    sent_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        indexes = [
            models.Index(fields=["thread", "-sent_at"], name="messaging_msg_thread_sent_idx"),  # the seed's index
            models.Index(fields=["sent_at"], name="messaging_msg_sent_idx"),  # archival
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(deleted_at__isnull=True) | Q(body=""), name="messaging_tombstone_has_no_text"
            ),
        ]

    def __str__(self) -> str:
        return self.body[:60] or f"message {self.pk}"


def attachment_path(attachment: Any, filename: str) -> str:
    """Unguessable and free of what the uploader typed (the storage adds the studio's schema)."""
    extension = {"image": "jpg", "pdf": "pdf"}.get(attachment.kind, "bin")
    return f"message-files/{attachment.message.thread_id}/{uuid.uuid4().hex}.{extension}"


class Attachment(models.Model):
    """A file in a message: an image (re-encoded JPEG) or a PDF document, served only to participants."""

    class Kind(models.TextChoices):
        IMAGE = "image", _("Image")
        PDF = "pdf", _("PDF document")

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    file = models.FileField(upload_to=attachment_path)
    name = models.CharField(max_length=120)  # shown to people; cleaned of path parts
    size_bytes = models.PositiveIntegerField()
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["image", "pdf"]), name="messaging_attachment_kind_valid"),
            models.CheckConstraint(
                condition=Q(size_bytes__lte=MAX_ATTACHMENT_BYTES), name="messaging_attachment_size_limit"
            ),
        ]

    def __str__(self) -> str:
        return self.name
