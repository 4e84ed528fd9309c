"""A client's conversation changes hands with their trainer (docs/messaging.md, "When a trainer changes").

The direct thread of the client and a trainer who is no longer assigned to them goes to the client's new
primary trainer, as the same thread: the new trainer reads the history (what the old one wrote stays, with
their name), a system line says "Now with <name>", and the old trainer is no longer a participant, so
they can neither read nor write it (404, as for any thread that is not theirs) and their socket gets no
more of its events. When the new trainer already had a direct thread with the client, the old thread's
messages join it (by id, so in the order they were sent) and the old thread goes. With no new trainer
the thread stays the client's (history) and takes no new messages. Owners and managers are never handed
over: they may message every client whether assigned or not.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.models import Role, User
from core.studio_time import studio_language
from domain.messaging.models import ArchivedMessage, Message, Participant, Thread
from domain.messaging.realtime import publish
from domain.messaging.services._shared import pair_key


def closed_key(thread_id: int) -> str:
    """The key of a direct thread left with the client alone: it no longer stands for a pair."""
    return f"closed-{thread_id}"


def _system_line(thread: Thread, text: str) -> Message:
    """A line from nobody (the studio) in the thread, in the studio's language (every reader sees it)."""
    now = timezone.now()
    message = Message.objects.create(thread=thread, sender=None, body=text, sent_at=now)
    Thread.objects.filter(pk=thread.pk).update(last_message_at=now)
    return message


def _merge(old: Thread, into: Thread) -> None:
    """Move `old`'s messages (and archived ones) into `into`; the client keeps the further read place."""
    Message.objects.filter(thread=old).update(thread=into)
    ArchivedMessage.objects.filter(thread_id=old.pk).update(thread_id=into.pk)
    for link in Participant.objects.filter(thread=old, last_read_message_id__isnull=False):
        Participant.objects.filter(thread=into, user_id=link.user_id).filter(
            Q(last_read_message_id__isnull=True) | Q(last_read_message_id__lt=link.last_read_message_id)
        ).update(last_read_message_id=link.last_read_message_id)
    old.delete()


@transaction.atomic
def threads_hand_over(*, client: User, removed_ids: Iterable[int], successor: User | None) -> list[int]:
    """Hand the direct threads of `client` with the trainers `removed_ids` (no longer assigned) to
    `successor` (their new primary trainer, or None). Called in the transaction that changes the
    assignment; returns the ids of the threads that now hold those conversations."""
    removed = list(User.objects.filter(pk__in=list(removed_ids), role=Role.TRAINER).exclude(pk=client.pk))
    handed: list[int] = []
    for trainer in removed:
        thread = (
            Thread.objects.select_for_update()
            .filter(kind=Thread.Kind.DIRECT, pair_key=pair_key(trainer.pk, client.pk))
            .first()
        )
        if thread is None:
            continue
        Participant.objects.filter(thread=thread, user=trainer).delete()
        publish([trainer.pk], {"type": "thread.closed", "thread": thread.pk})  # after commit
        with translation.override(studio_language()):
            if successor is None:
                thread.pair_key = closed_key(thread.pk)
                thread.save(update_fields=["pair_key"])
                _system_line(thread, _("%(name)s is no longer your trainer.") % {"name": trainer.full_name})
                handed.append(thread.pk)
                continue
            target = (
                Thread.objects.select_for_update()
                .filter(kind=Thread.Kind.DIRECT, pair_key=pair_key(successor.pk, client.pk))
                .first()
            )
            if target is None:
                thread.pair_key = pair_key(successor.pk, client.pk)
                thread.save(update_fields=["pair_key"])
                seen = Message.objects.filter(thread=thread).aggregate(last=Max("pk"))["last"]
                Participant.objects.create(thread=thread, user=successor, last_read_message_id=seen)
                target = thread
            else:
                _merge(thread, target)
            _system_line(target, _("Now with %(name)s.") % {"name": successor.full_name})
        handed.append(target.pk)
        publish([client.pk, successor.pk], {"type": "thread.created", "thread": target.pk})
    return handed
