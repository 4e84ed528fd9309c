"""Messaging models, one module per sub-area, re-exported here."""

from domain.messaging.models.automations import (
    Automation,
    AutomationSend,
    MessagingSettings,
    TemplateOverride,
    Trigger,
)
from domain.messaging.models.notifications import (
    CHANNELS,
    ArchivedMessage,
    ArchivedNotification,
    Category,
    Delivery,
    Notification,
    Preference,
    PushSubscription,
)
from domain.messaging.models.threads import (
    EDIT_WINDOW_MINUTES,
    MAX_ATTACHMENT_BYTES,
    MAX_ATTACHMENTS,
    MAX_MESSAGE_CHARS,
    Attachment,
    Message,
    Participant,
    Thread,
    attachment_path,
)

__all__ = [
    "CHANNELS",
    "EDIT_WINDOW_MINUTES",
    "MAX_ATTACHMENTS",
    "MAX_ATTACHMENT_BYTES",
    "MAX_MESSAGE_CHARS",
    "ArchivedMessage",
    "ArchivedNotification",
    "Attachment",
    "Automation",
    "AutomationSend",
    "Category",
    "Delivery",
    "Message",
    "MessagingSettings",
    "Notification",
    "Participant",
    "Preference",
    "PushSubscription",
    "TemplateOverride",
    "Thread",
    "Trigger",
    "attachment_path",
]
