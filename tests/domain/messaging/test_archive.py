"""Archival: what is older than the studio's period moves out of the hot tables, once, and stays exportable."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from domain.messaging import services
from domain.messaging.models import ArchivedMessage, ArchivedNotification, Message, MessagingSettings, Notification
from domain.messaging.privacy import export


def test_messages_and_notifications_past_the_period_move_to_the_archive_once(client_user, trainer):
    settings = MessagingSettings.current()
    settings.archive_after_months = 6
    settings.save()
    thread, _ = services.thread_direct_open(actor=trainer, other_id=client_user.pk)
    old = services.message_send(actor=trainer, thread_id=thread.pk, body="Welcome to the studio")
    recent = services.message_send(actor=trainer, thread_id=thread.pk, body="See you on Monday")
    now = timezone.now()
    # given one message (and its notice) from seven months ago and one from a week ago
    Message.objects.filter(pk=old.pk).update(sent_at=now - timedelta(days=212))
    Message.objects.filter(pk=recent.pk).update(sent_at=now - timedelta(days=7))
    notices = Notification.objects.filter(user=client_user, kind="message.new").order_by("pk")
    old_notice, recent_notice = list(notices)
    Notification.objects.filter(pk=old_notice.pk).update(created_at=now - timedelta(days=212))
    # when the archive runs
    moved = services.archive_old(now=now)
    # then only the old ones moved, kept whole in the archive
    assert moved == (1, 1)
    assert list(Message.objects.values_list("pk", flat=True)) == [recent.pk]
    assert list(Notification.objects.filter(user=client_user).values_list("pk", flat=True)) == [recent_notice.pk]
    archived = ArchivedMessage.objects.get()
    assert (archived.original_id, archived.thread_id, archived.body) == (old.pk, thread.pk, "Welcome to the studio")
    assert ArchivedNotification.objects.get().original_id == old_notice.pk
    # and a second run moves nothing more
    assert services.archive_old(now=now) == (0, 0)
    assert ArchivedMessage.objects.count() == 1
    # and the client's data export still carries the archived message
    part = export(client_user)
    assert [row["body"] for row in part.data["archived_messages"]] == ["Welcome to the studio"]
