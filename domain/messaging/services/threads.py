"""Writing conversations: opening threads, sending, editing and deleting messages, read state, typing.

Who may talk to whom (docs/messaging.md): staff with the clients they may see (`clients_visible_to`) and
with other staff; a client with their assigned trainers and the studio's owners and managers. Group
threads are made by staff. Only participants see a thread; anyone else gets 404.
Every change is published live to the participants after commit (domain/messaging/realtime.py) and
a new message notifies the other participants through `notify` (in-app at once; email/push by preference).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import AuditAction, audit_record
from core.error_codes import ErrorCode
from core.exceptions import ConflictError, NotFoundError, ValidationError
from core.models import Role, User
from core.permissions import STAFF_ROLES, is_client, is_management, is_studio_staff, require
from domain.clients.selectors import clients_visible_to
from domain.messaging.models import (
    MAX_MESSAGE_CHARS,
    Attachment,
    Message,
    MessagingSettings,
    Participant,
    Thread,
)
from domain.messaging.realtime import publish
from domain.messaging.services._shared import pair_key, participant_ids, participation
from domain.messaging.services.attachments import attachments_clean


def _recipient_error() -> NotFoundError:
    return NotFoundError(_("You cannot message this person."), code=ErrorCode.RECIPIENT_INVALID)


def _reachable(actor: User) -> tuple[set[int], bool]:
    """(client ids the actor may message, whether they may message every member of staff)."""
    if is_studio_staff(actor):
        return set(clients_visible_to(actor).filter(is_active=True).values_list("pk", flat=True)), True
    return set(), False


def may_message(actor: User, other: User) -> bool:
    """May `actor` talk to `other` one to one?"""
    if other.pk == actor.pk or not other.is_active or not actor.is_active:
        return False
    if is_studio_staff(actor):
        if other.role in STAFF_ROLES:
            return True
        return other.role == Role.CLIENT and clients_visible_to(actor).filter(pk=other.pk).exists()
    if is_client(actor):
        if is_management(other):
            return True
        return other.role == Role.TRAINER and clients_visible_to(other).filter(pk=actor.pk).exists()
    return False


def thread_direct_open(*, actor: User, other_id: int) -> tuple[Thread, bool]:
    """The one direct thread of `actor` and `other_id`, made if missing: (thread, created).

    Raises NotFoundError (404 `recipient_invalid`) when they may not talk (see the module's rule)."""
    require(actor, "messaging.send")
    other = User.objects.filter(pk=other_id).first()
    if other is None or not may_message(actor, other):
        raise _recipient_error()
    pair = pair_key(actor.pk, other.pk)
    existing = Thread.objects.filter(kind=Thread.Kind.DIRECT, pair_key=pair).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            thread = Thread.objects.create(kind=Thread.Kind.DIRECT, pair_key=pair, created_by=actor)
            Participant.objects.bulk_create(
                [Participant(thread=thread, user_id=user_id) for user_id in (actor.pk, other.pk)]
            )
    except IntegrityError:  # the other person opened it at the same moment
        return Thread.objects.get(kind=Thread.Kind.DIRECT, pair_key=pair), False
    return thread, True


@transaction.atomic
def thread_group_create(*, actor: User, title: str, member_ids: list[int]) -> Thread:
    """A group thread made by staff with the people listed (clients they may see, any staff); the maker is its
    admin. Raises ValidationError (no title, nobody else) or NotFoundError (someone they may not message)."""
    require(actor, "messaging.create_group")
    title = (title or "").strip()
    if not title or len(title) > 120:
        raise ValidationError(_("Give the group a name (up to 120 characters)."), fields={"title": _("Required.")})
    wanted = set(member_ids) - {actor.pk}
    if not wanted:
        raise ValidationError(_("Add at least one person."), fields={"member_ids": _("Required.")})
    clients, _staff = _reachable(actor)
    people = list(
        User.objects.filter(pk__in=wanted, is_active=True).filter(Q(role__in=STAFF_ROLES) | Q(pk__in=clients))
    )
    if len(people) != len(wanted):
        raise _recipient_error()
    thread = Thread.objects.create(kind=Thread.Kind.GROUP, title=title, created_by=actor)
    Participant.objects.bulk_create(
        [Participant(thread=thread, user=actor, role=Participant.Role.ADMIN)]
        + [Participant(thread=thread, user=person) for person in people]
    )
    audit_record(actor=actor, action=AuditAction.THREAD_CREATE, target=thread, members=len(people))
    publish([actor.pk, *(p.pk for p in people)], {"type": "thread.created", "thread": thread.pk})
    return thread


def _body_clean(body: str, *, has_files: bool) -> str:
    body = (body or "").strip()
    if not body and not has_files:
        raise ValidationError(_("Write a message or attach a file."), code=ErrorCode.MESSAGE_EMPTY)
    if len(body) > MAX_MESSAGE_CHARS:
        raise ValidationError(
            _("A message is at most %(n)d characters.") % {"n": MAX_MESSAGE_CHARS}, code=ErrorCode.MESSAGE_TOO_LONG
        )
    return body


@transaction.atomic
def message_send(*, actor: User, thread_id: int, body: str, files: list[UploadedFile] | None = None) -> Message:
    """Post a message (text and/or up to 5 images or PDFs) in a thread the actor is in.

    The sender has read up to their own message. After commit the participants get a `message.new` event
    and the others a notification (`message.new`). Raises NotFoundError (404) outside the thread,
    ValidationError (400: `message_empty`, `message_too_long`, `attachment_invalid`), ConflictError (409
    `thread_closed`) in a direct thread whose other person left it (services/handover.py)."""
    require(actor, "messaging.send")
    cleaned = attachments_clean(files or [])
    body = _body_clean(body, has_files=bool(cleaned))
    link = participation(actor=actor, thread_id=thread_id)
    others = [user_id for user_id in participant_ids(thread_id) if user_id != actor.pk]
    if not others and link.thread.kind == Thread.Kind.DIRECT:  # its trainer left and nobody took over
        raise ConflictError(
            _("Nobody is in this conversation any more. Write to your trainer or the studio."),
            code=ErrorCode.THREAD_CLOSED,
        )
    now = timezone.now()
    message = Message.objects.create(thread_id=thread_id, sender=actor, body=body, sent_at=now)
    for item in cleaned:
        attachment = Attachment(
            message=message,
            kind=item.kind,
            name=item.name,
            size_bytes=len(item.content),
            width=item.width,
            height=item.height,
        )
        attachment.file.save(item.name, ContentFile(item.content), save=False)
        attachment.save()
    Thread.objects.filter(pk=thread_id).update(last_message_at=now)
    Participant.objects.filter(pk=link.pk).update(last_read_message_id=message.pk, last_read_at=now)
    publish([actor.pk, *others], {"type": "message.new", "thread": thread_id, "message": message.pk})
    from domain.messaging.services.notify import notify_many

    notify_many(
        user_ids=others,
        kind="message.new",
        key=f"message-{message.pk}",
        context={"sender_name": actor.full_name, "preview": body[:140] or _("(attachment)")},
        link=f"/messages/?thread={thread_id}",
        muted_thread=thread_id,
    )
    return message


def _own_message(*, actor: User, message_id: int) -> Message:
    message = (
        Message.objects.select_for_update()
        .filter(pk=message_id, sender=actor, deleted_at__isnull=True, thread__participants__user=actor)
        .first()
    )
    if message is None:
        raise NotFoundError(_("Message not found."), code=ErrorCode.MESSAGE_NOT_FOUND)
    return message


def _window_open(message: Message) -> None:
    minutes = MessagingSettings.current().edit_window_minutes
    if timezone.now() - message.sent_at > timedelta(minutes=minutes):
        raise ValidationError(
            _("Messages can be changed for %(n)d minutes after sending.") % {"n": minutes},
            code=ErrorCode.MESSAGE_EDIT_CLOSED,
        )


@transaction.atomic
def message_edit(*, actor: User, message_id: int, body: str) -> Message:
    """Change the text of one's own message within the studio's edit window (default 15 minutes)."""
    require(actor, "messaging.send")
    message = _own_message(actor=actor, message_id=message_id)
    _window_open(message)
    message.body = _body_clean(body, has_files=message.attachments.exists())
    message.edited_at = timezone.now()
    message.save(update_fields=["body", "edited_at"])
    publish(
        participant_ids(message.thread_id),
        {"type": "message.changed", "thread": message.thread_id, "message": message.pk},
    )
    return message


@transaction.atomic
def message_delete(*, actor: User, message_id: int) -> Message:
    """Delete one's own message within the edit window: a tombstone stays ("message deleted"), the text and
    the files go (after commit)."""
    require(actor, "messaging.send")
    message = _own_message(actor=actor, message_id=message_id)
    _window_open(message)
    files = [attachment.file.name for attachment in message.attachments.all() if attachment.file.name]
    storage = Attachment.file.field.storage
    message.attachments.all().delete()
    message.body = ""
    message.deleted_at = timezone.now()
    message.save(update_fields=["body", "deleted_at"])
    audit_record(actor=actor, action=AuditAction.MESSAGE_DELETE, target=message, thread=message.thread_id)
    transaction.on_commit(lambda: _delete_files(storage, files))
    publish(
        participant_ids(message.thread_id),
        {"type": "message.changed", "thread": message.thread_id, "message": message.pk},
    )
    return message


def _delete_files(storage: Any, names: list[str]) -> None:
    for name in names:
        storage.delete(name)


@transaction.atomic
def thread_mark_read(*, actor: User, thread_id: int, up_to_message_id: int | None = None) -> Participant:
    """Read up to a message (default: the newest); never moves backwards. The others get a `read` event
    (their "seen" receipts)."""
    require(actor, "messaging.view")
    link = participation(actor=actor, thread_id=thread_id, lock=True)
    newest = Message.objects.filter(thread_id=thread_id).order_by("-pk").values_list("pk", flat=True).first()
    target = min(up_to_message_id or newest or 0, newest or 0)
    if target and target > (link.last_read_message_id or 0):
        link.last_read_message_id = target
        link.last_read_at = timezone.now()
        link.save(update_fields=["last_read_message_id", "last_read_at"])
        publish(participant_ids(thread_id), {"type": "read", "thread": thread_id, "user": actor.pk, "message": target})
    return link


def thread_typing(*, actor: User, thread_id: int) -> None:
    """Tell the other participants the actor is typing (live only, nothing stored)."""
    require(actor, "messaging.send")
    participation(actor=actor, thread_id=thread_id)
    others = [user_id for user_id in participant_ids(thread_id) if user_id != actor.pk]
    publish(others, {"type": "typing", "thread": thread_id, "user": actor.pk, "name": actor.full_name})


def thread_mute(*, actor: User, thread_id: int, muted: bool) -> Participant:
    """Mute a thread: its messages no longer notify the actor (they still arrive and count as unread)."""
    require(actor, "messaging.view")
    link = participation(actor=actor, thread_id=thread_id)
    Participant.objects.filter(pk=link.pk).update(muted=muted)
    link.muted = muted
    return link
