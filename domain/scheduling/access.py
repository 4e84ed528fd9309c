"""Whose calendar an actor may act on: the object rule every scheduling service and selector shares.

Role groups and predicates come from `core.permissions`; clients are looked up through the clients app
(`domain.clients.selectors.client_for_actor`), the one client lookup of every app: owners and managers
act on every client, a trainer on the clients assigned to them, a client on themself, and any other id
is "not found", as for another studio's. A trainer also sees the participants of the classes they teach,
for the roster and attendance only (`group_session_roster`, `participant_mark_attendance`).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.error_codes import ErrorCode
from core.exceptions import NotFoundError, PermissionDeniedError
from core.models import User
from core.permissions import STAFF_ROLES, is_management, is_studio_staff


def ensure_acts_for_trainer(actor: User, trainer: User) -> None:
    """A trainer manages their own calendar; owners and managers manage everyone's.

    Raises: PermissionDeniedError (403, `not_your_schedule`).
    """
    if actor.pk == trainer.pk and is_studio_staff(actor):
        return
    if is_management(actor):
        return
    raise PermissionDeniedError(_("You can only manage your own schedule."), code=ErrorCode.NOT_YOUR_SCHEDULE)


def trainer_get(trainer_id: int, *, for_update: bool = False) -> User:
    """An active staff member who can be booked (owners and managers often train, too).

    `for_update` takes a row lock (FOR NO KEY UPDATE, which does not block other rows' foreign keys to
    the trainer): every write to one trainer's calendar goes through it, so buffer and class checks are
    exact under concurrency; the exclusion constraint still guards the overlap itself.
    Raises: NotFoundError (404, `trainer_not_found`).
    """
    queryset = User.objects.filter(pk=trainer_id, role__in=STAFF_ROLES, is_active=True)
    if for_update:
        queryset = queryset.select_for_update(no_key=True)
    trainer = queryset.first()
    if trainer is None:
        raise NotFoundError(_("No such trainer."), code=ErrorCode.TRAINER_NOT_FOUND)
    return trainer
