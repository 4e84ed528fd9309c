"""The people of a studio: creating them (checked email and password), role changes, deactivation, export.

Each change is audited.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from allauth.account.models import EmailAddress
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from core.audit import AuditAction, audit_record
from core.csv_export import csv_text
from core.error_codes import ErrorCode
from core.exceptions import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from core.models import Role, User
from core.permissions import STAFF_ROLES, STUDIO_ROLES, require, role_of
from core.studio_time import studio_local
from core.tokens import token_revoke


class HasSchema(Protocol):
    """A studio as far as creating its people goes: the schema they live in."""

    schema_name: str


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
            code=ErrorCode.ROLE_INVALID,
            fields={"role": _("Not valid.")},
        )
    person = _person_for_update(person_id)
    if person.pk == actor.pk:
        raise ApplicationError(_("You cannot change your own role."), code=ErrorCode.OWN_ROLE)
    if person.role == Role.OWNER and role != Role.OWNER and not _other_active_owners(person):
        raise ApplicationError(_("The studio needs at least one owner."), code=ErrorCode.LAST_OWNER)
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
        raise ApplicationError(_("You cannot deactivate yourself."), code=ErrorCode.OWN_ACCOUNT)
    if role_of(actor) != Role.OWNER and person.role in {r.value for r in STAFF_ROLES} - {Role.TRAINER.value}:
        raise PermissionDeniedError(_("Only an owner can deactivate owners and managers."))
    if not active and person.role == Role.OWNER and not _other_active_owners(person):
        raise ApplicationError(_("The studio needs at least one owner."), code=ErrorCode.LAST_OWNER)
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


def _export_cell(value: object) -> object:
    """Times as ISO 8601 on the studio's wall clock, with its offset (2026-12-04T23:49:00+01:00)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return studio_local(value).isoformat(timespec="seconds")
    return value


@transaction.atomic
def people_export_csv(*, actor: User, ip: str | None = None) -> str:
    """Everyone at the studio as CSV (the owner's copy of their data); the export itself is audited."""
    require(actor, "data.export")
    rows = [[_export_cell(value) for value in row] for row in User.objects.order_by("id").values_list(*EXPORT_COLUMNS)]
    audit_record(actor=actor, action=AuditAction.STUDIO_EXPORT_PEOPLE, ip=ip, dataset="people", rows=len(rows))
    return csv_text(EXPORT_COLUMNS, rows)


def user_email_check(*, email: str) -> str:
    """The normalised email, or a ValidationError on the email field."""
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except DjangoValidationError as exc:
        raise ValidationError(
            _("Enter a valid email address."),
            code=ErrorCode.EMAIL_INVALID,
            fields={"email": _("Enter a valid email address.")},
        ) from exc
    return email


def user_fields_check(*, email: str, password: str, first_name: str = "", last_name: str = "") -> str:
    """The normalised email, or a ValidationError naming the field at fault."""
    email = user_email_check(email=email)
    try:
        validate_password(password, user=User(email=email, first_name=first_name, last_name=last_name))
    except DjangoValidationError as exc:
        message = " ".join(exc.messages)
        raise ValidationError(message, code=ErrorCode.PASSWORD_INVALID, fields={"password": message}) from exc
    return email


# --- admission of active clients: other layers may refuse one (billing: the plan's client limit) ---------
_client_admission_checks: list[Callable[[], None]] = []


def client_admission_check_register(check: Callable[[], None]) -> None:
    """Register `check()`: called with the connection on the studio's schema before an active client is
    added (created, signed up, restored); it raises an ApplicationError to refuse. Core imports no app,
    so an app registers its check from its AppConfig.ready()."""
    if check not in _client_admission_checks:
        _client_admission_checks.append(check)


def client_admission_check() -> None:
    """Run every registered admission check (raises the first refusal: an ApplicationError, a 4xx)."""
    for check in _client_admission_checks:
        check()


@transaction.atomic
def studio_user_create(
    *,
    studio: HasSchema,
    email: str,
    password: str,
    role: str,
    first_name: str = "",
    last_name: str = "",
    email_verified: bool = False,
) -> User:
    """A person of this studio with a role; used by the create_user command and invitations.

    `email_verified`: the address is known good (an invitation link was followed, an operator created
    the account), so the person is not asked to verify it; self sign-ups verify by mail instead.
    """
    if role not in {r.value for r in STUDIO_ROLES}:
        raise ValidationError(
            _("“%(role)s” is not a studio role.") % {"role": role},
            code=ErrorCode.ROLE_INVALID,
            fields={"role": _("Choose owner, manager, trainer or client.")},
        )
    email = user_fields_check(email=email, password=password, first_name=first_name, last_name=last_name)
    with schema_context(studio.schema_name):
        if role == Role.CLIENT:
            client_admission_check()
        if User.objects.filter(email__iexact=email).exists():
            raise ConflictError(
                _("%(email)s already has an account at this studio.") % {"email": email},
                code=ErrorCode.EMAIL_TAKEN,
                fields={"email": _("This email already has an account.")},
            )
        user = User.objects.create_user(
            email=email, password=password, role=role, first_name=first_name, last_name=last_name
        )
        if email_verified:
            EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
        return user
