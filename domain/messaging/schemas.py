"""API shapes of messaging and notifications. Times are ISO 8601 in the studio's zone (`studio_isoformat`)."""

from __future__ import annotations

from datetime import time
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import Field

from core.studio_time import studio_isoformat
from domain.messaging.models import Message, Notification, Participant, Thread


class ConversationPersonOut(Schema):
    id: int
    name: str
    role: str


class ThreadParticipantOut(ConversationPersonOut):
    thread_role: str
    last_read_message_id: int | None


class AttachmentOut(Schema):
    id: int
    kind: str
    name: str
    size_bytes: int
    width: int
    height: int
    url: str


class ThreadMessageOut(Schema):
    id: int
    thread_id: int
    sender: ConversationPersonOut | None
    body: str
    sent_at: str
    edited_at: str | None
    deleted: bool
    attachments: list[AttachmentOut]


class ThreadOut(Schema):
    id: int
    kind: str
    title: str
    unread: int
    last_message: ThreadMessageOut | None
    last_message_at: str | None
    participants: list[ThreadParticipantOut]


class ThreadDetailOut(ThreadOut):
    muted: bool


class DirectIn(Schema):
    user_id: int


class GroupIn(Schema):
    title: str = Field(max_length=120)
    member_ids: list[int] = Field(max_length=200)


class EditIn(Schema):
    body: str = Field(max_length=5000)


class ReadIn(Schema):
    message_id: int | None = None


class MuteIn(Schema):
    muted: bool


class NotificationOut(Schema):
    id: int
    kind: str
    category: str
    title: str
    body: str
    link: str
    created_at: str
    is_read: bool


class MarkReadIn(Schema):
    ids: list[int] | None = Field(None, max_length=500, description="Omit to mark every notification read")


class CountOut(Schema):
    unread: int


class PreferenceIo(Schema):
    email_service: bool | None = None
    email_marketing: bool | None = None
    push_service: bool | None = None
    push_marketing: bool | None = None
    sms_service: bool | None = None
    sms_marketing: bool | None = None
    quiet_start: time | None = None
    quiet_end: time | None = None
    timezone: str | None = Field(
        None, max_length=64, description="The account's display zone (as /me/preferences; \"\": the studio's)"
    )
    language: str | None = Field(
        None, max_length=10, description="The account's language (as /me/preferences; \"\": the studio's)"
    )


class PushKeysIn(Schema):
    p256dh: str = Field(max_length=200)
    auth: str = Field(max_length=100)


class PushSubscriptionIn(Schema):
    endpoint: str = Field(max_length=1000)
    keys: PushKeysIn


class PushEndpointIn(Schema):
    endpoint: str = Field(max_length=1000)


class MessageTemplateOut(Schema):
    key: str
    label: str
    category: str
    title: str
    body: str
    variables: dict[str, str]
    overrides: list[dict[str, str]]


class MessageTemplateIn(Schema):
    subject: str = Field("", max_length=200)
    body: str = Field(max_length=5000)


class MessageTemplatePreviewIn(Schema):
    subject: str | None = Field(None, max_length=200)
    body: str | None = Field(None, max_length=5000)


class MessageTemplatePreviewOut(Schema):
    title: str
    body: str


def person_out(user: Any) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.pk, "name": user.full_name, "role": user.role}


def message_out(message: Message) -> dict[str, Any]:
    deleted = message.deleted_at is not None
    return {
        "id": message.pk,
        "thread_id": message.thread_id,
        "sender": person_out(message.sender),
        "body": _("This message was deleted.") if deleted else message.body,
        "sent_at": studio_isoformat(message.sent_at),
        "edited_at": studio_isoformat(message.edited_at),
        "deleted": deleted,
        "attachments": [
            {
                "id": a.pk,
                "kind": a.kind,
                "name": a.name,
                "size_bytes": a.size_bytes,
                "width": a.width,
                "height": a.height,
                "url": reverse("api-v1:messaging_attachment", kwargs={"attachment_id": a.pk}),
            }
            for a in (message.attachments.all() if not deleted else [])
        ],
    }


def _participant_out(link: Participant) -> dict[str, Any]:
    return {
        **(person_out(link.user) or {}),
        "thread_role": link.role,
        "last_read_message_id": link.last_read_message_id,
    }


def thread_title(thread: Thread, viewer_id: int) -> str:
    """A group's name, or the other person's name in a direct thread."""
    if thread.title:
        return thread.title
    others = [link.user.full_name for link in getattr(thread, "people", []) if link.user_id != viewer_id]
    return ", ".join(others) or _("Conversation")


def thread_out(thread: Thread, viewer_id: int) -> dict[str, Any]:
    last = getattr(thread, "last_message", None)
    return {
        "id": thread.pk,
        "kind": thread.kind,
        "title": thread_title(thread, viewer_id),
        "unread": getattr(thread, "unread", 0),
        "last_message": message_out(last) if last is not None else None,
        "last_message_at": studio_isoformat(thread.last_message_at),
        "participants": [_participant_out(link) for link in getattr(thread, "people", [])],
    }


def notification_out(notification: Notification) -> dict[str, Any]:
    return {
        "id": notification.pk,
        "kind": notification.kind,
        "category": notification.category,
        "title": notification.title,
        "body": notification.body,
        "link": notification.link,
        "created_at": studio_isoformat(notification.created_at),
        "is_read": notification.is_read,
    }


class AutomationIn(Schema):
    name: str = Field(max_length=120)
    trigger: str = Field(description="welcome, first_workout, no_workout, no_visit, missed_session, birthday, "
                         "expiring, payment_failed or video_reviewed")  # fmt: skip
    channel: str = Field(description="in_app, email, push or sms")
    template_key: str = Field(max_length=60, description="A template key (GET /messaging/templates)")
    days: int = Field(0, ge=0, le=365, description="N of no_workout, no_visit (days since) and expiring (days before)")
    delay_minutes: int = Field(0, ge=0, le=86400)
    once_per_client: bool = True
    send_hour: int = Field(10, ge=0, le=23, description="Local hour a message found at night waits for (6-19)")


class AutomationOut(AutomationIn):
    id: int
    is_active: bool
    backfill: bool
    active_since: str | None
    sent: int


class AutomationSwitchIn(Schema):
    active: bool
    backfill: bool = Field(False, description="Also message everyone who already matches (only when switching on)")


class MessagingSettingsIo(Schema):
    archive_after_months: int | None = Field(None, ge=1, le=120)
    edit_window_minutes: int | None = Field(None, ge=0, le=1440)


def automation_out(automation: Any) -> dict[str, Any]:
    fields = ("id", "name", "trigger", "channel", "template_key", "days", "delay_minutes", "once_per_client",
              "send_hour", "is_active", "backfill")  # fmt: skip
    return {
        **{name: getattr(automation, name) for name in fields},
        "active_since": studio_isoformat(automation.active_since),
        "sent": getattr(automation, "sent", 0),
    }
