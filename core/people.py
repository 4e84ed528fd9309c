"""Managing the people of a studio: role changes, deactivation, export. Each change is audited."""

from __future__ import annotations

import csv
import io

from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import AuditAction, audit_record
from core.exceptions import ApplicationError, NotFoundError, PermissionDeniedError, ValidationError
from core.models import STAFF_ROLES, STUDIO_ROLES, Role, User
from core.permissions import require, role_of
from core.tokens import token_revoke


def _person_for_update(person_id: int) -> User:
    person = User.objects.select_for_update().filter(pk=person_id).first()
    if person is None:
        raise NotFoundError(_("There is no such person at this studio."))
    return person


def _other_active_owners(person: User) -> int:
    return User.objects.filter(role=Role.OWNER, is_active=True).exclude(pk=person.pk).count()


@transaction.atomic
def person_role_change(*, actor: User, person_id: int, role: str, ip: str | None = None) -> User:
    """Give someone another studio role; the studio always keeps at least one active owner."""
    require(actor, "people.change_role")
    if role not in {r.value for r in STUDIO_ROLES}:
        raise ValidationError(
            _("“%(role)s” is not a studio role.") % {"role": role},
            code="role_invalid",
            fields={"role": _("Not valid.")},
        )
    person = _person_for_update(person_id)
    if person.pk == actor.pk:
        raise ApplicationError(_("You cannot change your own role."), code="own_role")
    if person.role == Role.OWNER and role != Role.OWNER and not _other_active_owners(person):
        raise ApplicationError(_("The studio needs at least one owner."), code="last_owner")
    previous = person.role
    if previous == role:
        return person
    person.role = role
    person.save(update_fields=["role"])
    audit_record(actor=actor, action=AuditAction.PERSON_CHANGE_ROLE, target=person, ip=ip, previous=previous, role=role)
    return person


@transaction.atomic
def person_active_set(*, actor: User, person_id: int, active: bool, ip: str | None = None) -> User:
    """Deactivate (sign out everywhere, keep their data) or reactivate a person.

    Managers may do this to trainers and clients; only owners to staff; nobody to themself.
    """
    require(actor, "people.deactivate")
    person = _person_for_update(person_id)
    if person.pk == actor.pk:
        raise ApplicationError(_("You cannot deactivate yourself."), code="own_account")
    if role_of(actor) != Role.OWNER and person.role in {r.value for r in STAFF_ROLES} - {Role.TRAINER.value}:
        raise PermissionDeniedError(_("Only an owner can deactivate owners and managers."))
    if not active and person.role == Role.OWNER and not _other_active_owners(person):
        raise ApplicationError(_("The studio needs at least one owner."), code="last_owner")
    if person.is_active == active:
        return person
    person.is_active = active
    person.save(update_fields=["is_active"])
    if not active:
        token_revoke(user=person)
    audit_record(
        actor=actor,
        action=AuditAction.PERSON_REACTIVATE if active else AuditAction.PERSON_DEACTIVATE,
        target=person,
        ip=ip,
    )
    return person


EXPORT_COLUMNS = ("id", "email", "first_name", "last_name", "phone", "role", "is_active", "date_joined", "last_login")


@transaction.atomic
def people_export_csv(*, actor: User, ip: str | None = None) -> str:
    """Everyone at the studio as CSV (the owner's copy of their data); the export itself is audited."""
    require(actor, "data.export")
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_COLUMNS)
    count = 0
    for row in User.objects.order_by("id").values_list(*EXPORT_COLUMNS):
        writer.writerow(["" if value is None else value for value in row])
        count += 1
    audit_record(actor=actor, action=AuditAction.STUDIO_EXPORT_PEOPLE, ip=ip, dataset="people", rows=count)
    return buffer.getvalue()
