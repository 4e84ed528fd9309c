"""Reads of conversations and notifications, always as one of their participants / their owner.

`thread_list` answers every thread of a person with its last message, unread count and participants in
four queries whatever the number of threads (a test pins the count).
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from core.models import Role, User
from core.permissions import is_management, require
from domain.messaging.models import Automation, Message, Notification, Participant, Thread
from domain.messaging.services._shared import participation

PAGE = 50


def _unread_of(actor: User) -> Subquery:
    mine = Participant.objects.filter(thread=OuterRef(OuterRef("pk")), user=actor).values("last_read_message_id")
    newer = (
        Message.objects.filter(thread=OuterRef("pk"), deleted_at__isnull=True)
        .exclude(sender=actor)
        .filter(pk__gt=Coalesce(Subquery(mine[:1]), Value(0)))
        .order_by()
        .values("thread")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Subquery(newer, output_field=IntegerField())


def thread_list(*, actor: User, search: str | None = None) -> list[Thread]:
    """The actor's threads, most recent first, each with `unread` (int), `last_message` (Message or None,
    sender and files loaded) and `people` (participants with users). Four queries (three without files)."""
    require(actor, "messaging.view")
    last = Message.objects.filter(thread=OuterRef("pk")).order_by("-sent_at", "-pk").values("pk")[:1]
    threads = (
        Thread.objects.filter(participants__user=actor)
        .annotate(unread=Coalesce(_unread_of(actor), Value(0)), last_id=Subquery(last))
        .prefetch_related(
            Prefetch(
                "participants", queryset=Participant.objects.select_related("user").order_by("pk"), to_attr="people"
            )
        )
        .order_by("-last_message_at", "-pk")
    )
    if search and search.strip():
        term = search.strip()
        threads = threads.filter(
            Q(title__icontains=term)
            | Q(participants__user__first_name__icontains=term)
            | Q(participants__user__last_name__icontains=term)
        ).distinct()
    found: list[Thread] = list(threads)
    ids = [thread.last_id for thread in found if thread.last_id]  # type: ignore[attr-defined]  # annotated above
    last_rows = Message.objects.filter(pk__in=ids).select_related("sender").prefetch_related("attachments")
    messages = {m.pk: m for m in last_rows} if ids else {}
    for thread in found:
        thread.last_message = messages.get(thread.last_id)  # type: ignore[attr-defined]  # annotation
    return found


def thread_get(*, actor: User, thread_id: int) -> Thread:
    """One thread of the actor with `people` (participants, users loaded) and `me` (their participation)."""
    require(actor, "messaging.view")
    link = participation(actor=actor, thread_id=thread_id)
    thread = link.thread
    thread.people = list(Participant.objects.filter(thread=thread).select_related("user").order_by("pk"))  # type: ignore[attr-defined]  # attached for rendering
    thread.me = link  # type: ignore[attr-defined]  # attached for rendering
    return thread


def message_list(
    *,
    actor: User,
    thread_id: int,
    before: int | None = None,
    after: int | None = None,
    search: str | None = None,
    limit: int = PAGE,
) -> list[Message]:
    """Messages of a thread the actor is in, oldest first: the newest `limit`, those `before` an id (older
    pages), or all `after` an id (what polling fetches). `search` finds words in the text."""
    require(actor, "messaging.view")
    participation(actor=actor, thread_id=thread_id)
    messages = Message.objects.filter(thread_id=thread_id).select_related("sender").prefetch_related("attachments")
    if search and search.strip():
        messages = messages.filter(body__icontains=search.strip(), deleted_at__isnull=True)
    if after is not None:
        return list(messages.filter(pk__gt=after).order_by("pk")[: max(1, min(limit, 200))])
    if before is not None:
        messages = messages.filter(pk__lt=before)
    newest = list(messages.order_by("-pk")[: max(1, min(limit, 200))])
    return newest[::-1]


def attachment_get(*, actor: User, attachment_id: int):
    """An attachment of a message in a thread the actor is in (404 otherwise)."""
    from domain.messaging.models import Attachment

    require(actor, "messaging.view")
    found = Attachment.objects.filter(pk=attachment_id, message__thread__participants__user=actor).first()
    if found is None:
        from core.exceptions import NotFoundError

        raise NotFoundError()
    return found


def notification_list(*, actor: User, unread_only: bool = False) -> QuerySet[Notification]:
    require(actor, "notifications.view")
    found = Notification.objects.filter(user=actor)
    return found.filter(is_read=False) if unread_only else found


def notification_unread_count(*, actor: User) -> int:
    require(actor, "notifications.view")
    return Notification.objects.filter(user=actor, is_read=False).count()


def unread_message_count(*, actor: User) -> int:
    """Unread messages across every thread of the actor (the portal's badge)."""
    require(actor, "messaging.view")
    return sum(
        thread.unread
        for thread in Thread.objects.filter(participants__user=actor)
        .annotate(unread=Coalesce(_unread_of(actor), Value(0)))
        .only("pk")
    )


def contacts_for(*, actor: User) -> QuerySet[User]:
    """The people the actor may start a direct thread with: staff see the clients they may see and every
    member of staff; a client sees their trainers and the studio's owners and managers."""
    from core.models import Role
    from core.permissions import MANAGEMENT_ROLES, STAFF_ROLES, is_studio_staff
    from domain.clients.selectors import clients_visible_to

    require(actor, "messaging.view")
    people = User.objects.filter(is_active=True).exclude(pk=actor.pk)
    if is_studio_staff(actor):
        visible = clients_visible_to(actor).values("pk")
        people = people.filter(Q(role__in=STAFF_ROLES) | Q(pk__in=visible))
    else:
        people = people.filter(Q(role__in=MANAGEMENT_ROLES) | Q(role=Role.TRAINER, client_links__client=actor))
    return people.distinct().order_by("first_name", "last_name", "pk")


# --- for reports (analytics) ------------------------------------------------------------------------------


def messages_sent_by_client(start: datetime, end: datetime) -> dict[int, int]:
    """client id -> messages they sent in [start, end) (deleted ones too: they were sent)."""
    rows = (
        Message.objects.filter(sent_at__gte=start, sent_at__lt=end, sender__role=Role.CLIENT)
        .values("sender_id")
        .annotate(n=Count("id"))
    )
    return {row["sender_id"]: row["n"] for row in rows}


def threads_awaiting_reply(*, actor: User, sent_before: datetime) -> QuerySet[Thread]:
    """Threads whose latest message is a client's, sent before `sent_before`, with no reply since: the
    actor's own threads (owners and managers: every thread of the studio). Each carries `waiting_since`
    (when that message was sent) and `client_id` (its sender), oldest first."""
    last = Message.objects.filter(thread=OuterRef("pk"), deleted_at__isnull=True).order_by("-sent_at", "-pk")
    threads = Thread.objects.annotate(
        waiting_since=Subquery(last.values("sent_at")[:1]),
        client_id=Subquery(last.values("sender_id")[:1]),
        client_role=Subquery(last.values("sender__role")[:1]),
    ).filter(client_role=Role.CLIENT, waiting_since__lt=sent_before)
    if not is_management(actor):
        threads = threads.filter(participants__user=actor)
    return threads.order_by("waiting_since", "pk")


def automation_list(*, actor: User) -> QuerySet[Automation]:
    """The studio's automations with `sent`: how many messages each has sent."""
    require(actor, "messaging.manage_automations")
    return Automation.objects.annotate(sent=Count("sends", filter=Q(sends__sent_at__isnull=False))).order_by("pk")
