"""Who may act on whose schedule: the object-level rules every scheduling service and selector shares.

Role-level permission (may a trainer create classes at all?) is checked at the edge with
`core.permissions`; these rules answer the per-object question (is this *their* appointment?).
"""

from __future__ import annotations

from django.db import connection
from django.utils.translation import gettext as _

from core.error_codes import ErrorCode
from core.exceptions import NotFoundError, PermissionDeniedError, ValidationError
from core.models import STAFF_ROLES, Role, User

MANAGER_ROLES = (Role.OWNER, Role.MANAGER)


def is_manager(user: User) -> bool:
    """Owners and managers run the whole studio's schedule."""
    return user.is_authenticated and user.role in MANAGER_ROLES


def is_staff_member(user: User) -> bool:
    return user.is_authenticated and user.role in STAFF_ROLES


def ensure_acts_for_trainer(actor: User, trainer: User) -> None:
    """A trainer manages their own calendar; owners and managers manage everyone's."""
    if actor.pk == trainer.pk and is_staff_member(actor):
        return
    if is_manager(actor):
        return
    raise PermissionDeniedError(_("You can only manage your own schedule."), code=ErrorCode.NOT_YOUR_SCHEDULE)


def ensure_acts_for_client(actor: User, client: User) -> None:
    """Clients book for themselves; staff book on a client's behalf."""
    if actor.pk == client.pk or is_staff_member(actor):
        return
    raise PermissionDeniedError(_("You can only book for yourself."), code=ErrorCode.NOT_YOUR_BOOKING)


def trainer_get(trainer_id: int, *, for_update: bool = False) -> User:
    """An active staff member who can be booked (owners and managers often train, too).

    `for_update` takes a row lock (FOR NO KEY UPDATE, which does not block other rows' foreign keys to
    the trainer): every write to one trainer's calendar goes through it, so buffer and class checks are
    exact under concurrency; the exclusion constraint still guards the overlap itself.
    """
    queryset = User.objects.filter(pk=trainer_id, role__in=STAFF_ROLES, is_active=True)
    if for_update:
        queryset = queryset.select_for_update(no_key=True)
    trainer = queryset.first()
    if trainer is None:
        raise NotFoundError(_("No such trainer."), code=ErrorCode.TRAINER_NOT_FOUND)
    return trainer


def client_get(client_id: int) -> User:
    client = User.objects.filter(pk=client_id, role=Role.CLIENT, is_active=True).first()
    if client is None:
        raise ValidationError(
            _("Choose an active client."),
            code=ErrorCode.CLIENT_INVALID,
            fields={"client_id": _("Not an active client.")},
        )
    return client


def studio_timezone_name() -> str:
    """The current studio's zone (the connection's tenant); UTC outside a studio."""
    return getattr(getattr(connection, "tenant", None), "timezone", None) or "UTC"
