"""Messaging's share of a client's export and erasure: threads they are in, their messages and files,
notifications, notification preferences and push subscriptions (archived rows too).

Erasure deletes their direct threads (one client and one member of staff: every word there is about
them), and in group threads empties their own messages and removes their files and membership.
"""

from __future__ import annotations

from django.utils import timezone

from core.models import User
from core.privacy import ExportFile, ExportPart, erase_part, export_part, rows
from domain.messaging.models import (
    ArchivedMessage,
    ArchivedNotification,
    Attachment,
    AutomationSend,
    Message,
    Notification,
    Participant,
    Preference,
    PushSubscription,
    Thread,
)


def _threads(client: User) -> list[int]:
    return list(Participant.objects.filter(user=client).values_list("thread_id", flat=True))


@export_part("messaging")
def export(client: User) -> ExportPart:
    threads = _threads(client)
    attachments = list(Attachment.objects.filter(message__thread_id__in=threads).order_by("pk"))
    return ExportPart(
        data={
            "threads": rows(Thread.objects.filter(pk__in=threads), leave_out=["pair_key"]),
            "messages": rows(Message.objects.filter(thread_id__in=threads)),
            "attachments": rows(attachments, leave_out=["file"]),
            "archived_messages": rows(ArchivedMessage.objects.filter(thread_id__in=threads)),
            "notifications": rows(Notification.objects.filter(user=client), leave_out=["key"]),
            "archived_notifications": rows(ArchivedNotification.objects.filter(user_id=client.pk)),
            "notification_preferences": rows(Preference.objects.filter(user=client)),
            "automated_messages": rows(AutomationSend.objects.filter(client=client)),
        },
        files=[
            ExportFile(path=f"messages/{a.message.thread_id}/{a.pk}-{a.name}", storage_name=a.file.name or "")
            for a in attachments
            if a.file
        ],
    )


@erase_part("messaging")
def erase(client: User) -> list[str]:
    threads = _threads(client)
    direct = list(Thread.objects.filter(pk__in=threads, kind=Thread.Kind.DIRECT).values_list("pk", flat=True))
    gone = Attachment.objects.filter(message__thread_id__in=direct) | Attachment.objects.filter(message__sender=client)
    names = [name for name in gone.values_list("file", flat=True) if name]
    gone.delete()
    Thread.objects.filter(pk__in=direct).delete()
    ArchivedMessage.objects.filter(thread_id__in=direct).delete()
    Message.objects.filter(sender=client).update(body="", deleted_at=timezone.now())
    ArchivedMessage.objects.filter(sender_id=client.pk).update(body="", files=[])
    Participant.objects.filter(user=client).delete()
    for model in (Notification, Preference, PushSubscription, AutomationSend):
        model.objects.filter(**{"client" if model is AutomationSend else "user": client}).delete()
    ArchivedNotification.objects.filter(user_id=client.pk).delete()
    return names
