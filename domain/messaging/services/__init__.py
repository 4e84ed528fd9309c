"""Messaging services (writes), one module per sub-area, re-exported here."""

from domain.messaging.services.archive import archive_old, settings_update
from domain.messaging.services.attachments import attachment_clean, attachments_clean
from domain.messaging.services.automations import (
    AutomationData,
    automation_save,
    automation_send,
    automation_sends_due,
    automation_switch,
    automations_plan,
    sending_time,
)
from domain.messaging.services.inbox import notifications_mark_read
from domain.messaging.services.notify import Outcome, deliveries_due, delivery_send, notify, notify_many
from domain.messaging.services.preferences import (
    preference_of,
    preference_update,
    push_subscribe,
    push_unsubscribe,
    quiet_until,
    unsubscribe,
    unsubscribe_token,
    zone_of,
)
from domain.messaging.services.templates import (
    template_override_reset,
    template_override_set,
    template_preview,
    template_render,
)
from domain.messaging.services.threads import (
    may_message,
    message_delete,
    message_edit,
    message_send,
    thread_direct_open,
    thread_group_create,
    thread_mark_read,
    thread_mute,
    thread_typing,
)

__all__ = [
    "AutomationData",
    "Outcome",
    "archive_old",
    "attachment_clean",
    "attachments_clean",
    "automation_save",
    "automation_send",
    "automation_sends_due",
    "automation_switch",
    "automations_plan",
    "deliveries_due",
    "delivery_send",
    "may_message",
    "message_delete",
    "message_edit",
    "message_send",
    "notifications_mark_read",
    "notify",
    "notify_many",
    "preference_of",
    "preference_update",
    "push_subscribe",
    "push_unsubscribe",
    "quiet_until",
    "sending_time",
    "settings_update",
    "template_override_reset",
    "template_override_set",
    "template_preview",
    "template_render",
    "thread_direct_open",
    "thread_group_create",
    "thread_mark_read",
    "thread_mute",
    "thread_typing",
    "unsubscribe",
    "unsubscribe_token",
    "zone_of",
]
