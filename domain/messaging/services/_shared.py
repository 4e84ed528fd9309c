"""Helpers the messaging services share: finding a thread as one of its participants."""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.error_codes import ErrorCode
from core.exceptions import NotFoundError
from core.models import User
from domain.messaging.models import Participant


def participation(*, actor: User, thread_id: int, lock: bool = False) -> Participant:
    """The actor's place in the thread (thread loaded); NotFoundError (404 `thread_not_found`) if they are not
    in it, exactly as for another studio's id: nobody learns which threads exist."""
    links = Participant.objects.select_related("thread").filter(thread_id=thread_id, user=actor)
    if lock:
        links = links.select_for_update(of=("self",))
    link = links.first()
    if link is None or not actor.is_active:
        raise NotFoundError(_("Conversation not found."), code=ErrorCode.THREAD_NOT_FOUND)
    return link


def participant_ids(thread_id: int) -> list[int]:
    return list(Participant.objects.filter(thread_id=thread_id).values_list("user_id", flat=True))


def pair_key(a: int, b: int) -> str:
    """The key of the one direct thread of two people ("<smaller id>-<larger id>")."""
    low, high = sorted((a, b))
    return f"{low}-{high}"
