"""Writes of client data. Callers have already checked the action (core.permissions) and the object
(the client came from a scoped selector); services validate the data and keep the database consistent."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.accounts.services import password_reset_request
from core.audit import AuditAction, audit_record
from core.error_codes import ErrorCode
from core.exceptions import ConflictError, PermissionDeniedError, ValidationError
from core.models import Role, User
from core.people import client_admission_check, user_email_check
from core.permissions import can, require
from core.queries import locked_or_404
from core.studio_time import studio_today
from core.tokens import people_forget
from core.validation import FieldErrors
from domain.clients.models import (
    MEASUREMENT_SPECS,
    AssessmentMeasurement,
    ClientGoal,
    ClientProfile,
    ClientStatus,
    ClientTrainer,
    EmergencyContact,
    FitnessAssessment,
    GoalStatus,
    GoalType,
    HealthHistory,
    MeasurementKind,
    ParqQuestion,
    Sex,
    UnitSystem,
)
from domain.clients.selectors import client_in_scope, trainers_available

MAX_LIST_ITEMS = 50


@dataclass(frozen=True, kw_only=True)
class ProfileData:
    date_of_birth: date | None = None
    sex: str = Sex.UNDISCLOSED
    height_cm: Decimal | None = None
    unit_preference: str = UnitSystem.METRIC
    tags: list[str] = field(default_factory=list)
    trainer_notes: str = ""


def _profile_fields(data: ProfileData, errors: FieldErrors) -> dict[str, object]:
    errors.choice("sex", data.sex, Sex)
    errors.choice("unit_preference", data.unit_preference, UnitSystem)
    errors.number("height_cm", data.height_cm, minimum=Decimal(50), maximum=Decimal(272))
    if data.date_of_birth is not None and not date(1900, 1, 1) <= data.date_of_birth <= studio_today():
        errors.add("date_of_birth", _("Enter a date of birth in the past."))
    return {
        "date_of_birth": data.date_of_birth,
        "sex": data.sex,
        "height_cm": data.height_cm,
        "unit_preference": data.unit_preference,
        "tags": list(dict.fromkeys(slugify(tag) for tag in data.tags if slugify(tag)))[:20],
        "trainer_notes": errors.text("trainer_notes", data.trainer_notes, max_length=10000, required=False),
    }


def _email(errors: FieldErrors, email: str) -> str:
    try:
        email = user_email_check(email=email)
    except ValidationError as exc:
        errors.add("email", exc.extra["fields"]["email"])
        return email
    if User.objects.filter(email__iexact=email).exists():
        errors.add("email", _("%(email)s already has an account at this studio.") % {"email": email})
    return email


def _raise_if_any(errors: FieldErrors, email: str) -> None:
    """A taken address alone is a conflict (409 email_taken), as when a parallel request wins the race at
    the constraint; with other problems it is listed among them (400)."""
    if list(errors.fields) == ["email"] and User.objects.filter(email__iexact=email).exists():
        raise ConflictError(errors.fields["email"], code=ErrorCode.EMAIL_TAKEN, fields=dict(errors.fields))
    errors.raise_if_any(code=ErrorCode.CLIENT_INVALID)


def _trainers(errors: FieldErrors, trainer_ids: Sequence[int]) -> list[User]:
    wanted = list(dict.fromkeys(trainer_ids))
    found = {t.pk: t for t in trainers_available().filter(pk__in=wanted)}
    if len(found) != len(wanted):
        errors.add("trainer_ids", _("Choose trainers of this studio."))
    return [found[pk] for pk in wanted if pk in found]


def _assign_trainers(*, client: User, trainers: list[User]) -> None:
    """Replace the assigned trainers; the first one is the primary trainer."""
    ClientTrainer.objects.filter(client=client).exclude(trainer__in=trainers).delete()
    ClientTrainer.objects.filter(client=client).update(is_primary=False)
    for position, trainer in enumerate(trainers):
        ClientTrainer.objects.update_or_create(client=client, trainer=trainer, defaults={"is_primary": position == 0})


@transaction.atomic
def client_create(
    *,
    actor: User,
    email: str,
    first_name: str,
    last_name: str = "",
    phone: str = "",
    profile: ProfileData | None = None,
    trainer_ids: Sequence[int] = (),
) -> User:
    """A client account with its profile, and no password yet: the client chooses one through
    "forgot password" (the accounts area's invitations are for people without an account).

    A trainer who adds a client is assigned to them, so they keep seeing the person they onboarded.
    """
    require(actor, "clients.create")
    if trainer_ids and not can(actor, "clients.assign_trainers") and list(trainer_ids) != [actor.pk]:
        raise PermissionDeniedError(_("Only owners and managers assign trainers."))
    errors = FieldErrors()
    email = _email(errors, email)
    first_name = errors.text("first_name", first_name, max_length=150)
    last_name = errors.text("last_name", last_name, max_length=150, required=False)
    phone = errors.text("phone", phone, max_length=32, required=False)
    profile_fields = _profile_fields(profile or ProfileData(), errors)
    trainers = _trainers(errors, trainer_ids)
    _raise_if_any(errors, email)
    client_admission_check()
    if actor.role == Role.TRAINER and actor not in trainers:
        trainers.insert(0, actor)
    client = User.objects.create_user(
        email=email, password=None, first_name=first_name, last_name=last_name, phone=phone, role=Role.CLIENT
    )
    ClientProfile.objects.create(user=client, **profile_fields)
    _assign_trainers(client=client, trainers=trainers)
    audit_record(actor=actor, action=AuditAction.CLIENT_CREATE, target=client)
    return client


def _profile_for_update(client: User) -> ClientProfile:
    profile, _created = ClientProfile.objects.select_for_update().get_or_create(user=client)
    return profile


@transaction.atomic
def client_update(
    *,
    actor: User,
    client_id: int,
    first_name: str,
    last_name: str,
    phone: str,
    status: str,
    trainer_ids: Sequence[int] | None = None,
) -> User:
    """Name, phone, status (active or paused; archiving is `client_archive`) and trainers.

    The email address is the person's sign-in and changes only through the account's own verified
    change-of-email flow, never here.
    """
    client = client_in_scope(actor=actor, client_id=client_id, action="clients.update")
    if trainer_ids is not None:
        require(actor, "clients.assign_trainers")
    errors = FieldErrors()
    first_name = errors.text("first_name", first_name, max_length=150)
    last_name = errors.text("last_name", last_name, max_length=150, required=False)
    phone = errors.text("phone", phone, max_length=32, required=False)
    if status not in (ClientStatus.ACTIVE, ClientStatus.PAUSED):
        errors.add("status", _("Use active or paused; archive a client by deleting them."))
    trainers = _trainers(errors, trainer_ids) if trainer_ids is not None else None
    errors.raise_if_any(code=ErrorCode.CLIENT_INVALID)
    profile = _profile_for_update(client)
    if profile.status == ClientStatus.ARCHIVED:
        raise ConflictError(_("This client is archived. Restore them first."), code=ErrorCode.CLIENT_ARCHIVED)
    User.objects.filter(pk=client.pk).update(first_name=first_name, last_name=last_name, phone=phone)
    people_forget()
    profile.status = status
    profile.save(update_fields=["status", "updated_at"])
    if trainers is not None:
        before = set(ClientTrainer.objects.filter(client=client).values_list("trainer_id", flat=True))
        _assign_trainers(client=client, trainers=trainers)
        if removed := before - {t.pk for t in trainers}:  # their conversations go to the new primary trainer
            from domain.messaging.services.handover import threads_hand_over  # messaging builds on clients

            threads_hand_over(client=client, removed_ids=removed, successor=trainers[0] if trainers else None)
        audit_record(
            actor=actor, action=AuditAction.CLIENT_SET_TRAINERS, target=client, trainer_ids=[t.pk for t in trainers]
        )
    client.refresh_from_db()
    return client


@transaction.atomic
def client_profile_update(*, actor: User, client_id: int, data: ProfileData, private_fields: bool) -> ClientProfile:
    """Personal details; tags and trainer notes only when `private_fields` (staff), else left as they are."""
    client = client_in_scope(actor=actor, client_id=client_id, action="clients.update_profile")
    errors = FieldErrors()
    fields = _profile_fields(data, errors)
    errors.raise_if_any(code=ErrorCode.PROFILE_INVALID)
    profile = _profile_for_update(client)
    if not private_fields:
        fields.pop("tags")
        fields.pop("trainer_notes")
    for name, value in fields.items():
        setattr(profile, name, value)
    profile.save()
    return profile


@transaction.atomic
def client_archive(*, actor: User, client_id: int) -> ClientProfile:
    """ "Delete": the client can no longer sign in and leaves every list; all their data stays for a restore."""
    client = client_in_scope(actor=actor, client_id=client_id, action="clients.archive")
    profile = _profile_for_update(client)
    if profile.status != ClientStatus.ARCHIVED:
        profile.status = ClientStatus.ARCHIVED
        profile.archived_at = timezone.now()
        profile.save(update_fields=["status", "archived_at", "updated_at"])
        User.objects.filter(pk=client.pk).update(is_active=False)
        people_forget()  # a bulk update sends no signal: the token path of this process forgets at once
        audit_record(actor=actor, action=AuditAction.CLIENT_ARCHIVE, target=client)
    return profile


@transaction.atomic
def client_restore(*, actor: User, client_id: int) -> ClientProfile:
    client = client_in_scope(actor=actor, client_id=client_id, action="clients.restore", include_archived=True)
    profile = _profile_for_update(client)
    if profile.status != ClientStatus.ARCHIVED:
        raise ConflictError(_("This client is not archived."), code=ErrorCode.CLIENT_NOT_ARCHIVED)
    client_admission_check()
    profile.status = ClientStatus.ACTIVE
    profile.archived_at = None
    profile.save(update_fields=["status", "archived_at", "updated_at"])
    User.objects.filter(pk=client.pk).update(is_active=True)
    people_forget()
    audit_record(actor=actor, action=AuditAction.CLIENT_RESTORE, target=client)
    return profile


@transaction.atomic
def client_access_link_send(*, actor: User, client_id: int, request: HttpRequest) -> None:
    """Email the client a link to choose their password (how a client added by staff gets in).

    The same one-time, studio-bound link as "forgot password"; it leaves after commit.
    """
    client = client_in_scope(actor=actor, client_id=client_id, action="clients.update")
    if not client.is_active:
        raise ConflictError(_("This client is archived. Restore them first."), code=ErrorCode.CLIENT_ARCHIVED)
    audit_record(actor=actor, action=AuditAction.CLIENT_SEND_ACCESS_LINK, target=client)
    transaction.on_commit(lambda: password_reset_request(request=request, email=client.email))


# --- health history ---------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Injury:
    name: str
    notes: str = ""
    active: bool = True


@dataclass(frozen=True, kw_only=True)
class HealthData:
    conditions: list[str] = field(default_factory=list)
    injuries: list[Injury] = field(default_factory=list)
    medications: list[str] = field(default_factory=list)
    parq_answers: dict[str, bool] = field(default_factory=dict)
    medically_cleared: bool = False
    cleared_on: date | None = None
    cleared_by: str = ""
    clearance_expires_on: date | None = None
    notes: str = ""


def _text_list(errors: FieldErrors, name: str, values: Sequence[str]) -> list[str]:
    cleaned = list(dict.fromkeys(v.strip() for v in values if v and v.strip()))
    if len(cleaned) > MAX_LIST_ITEMS or any(len(v) > 200 for v in cleaned):
        errors.add(name, _("List at most %(n)d entries of up to 200 characters.") % {"n": MAX_LIST_ITEMS})
    return cleaned


def _parq(errors: FieldErrors, answers: Mapping[str, bool]) -> dict[str, bool]:
    unknown = [key for key in answers if key not in ParqQuestion.values]
    if unknown:
        errors.add("parq_answers", _("Unknown questions: %(keys)s.") % {"keys": ", ".join(unknown)})
    return {key: bool(value) for key, value in answers.items() if key in ParqQuestion.values}


@transaction.atomic
def health_history_update(*, actor: User, client_id: int, data: HealthData) -> HealthHistory:
    """Replace the health history (every clinical value is encrypted before it reaches the database)."""
    client = client_in_scope(actor=actor, client_id=client_id, action="clients.update_health")
    errors = FieldErrors()
    conditions = _text_list(errors, "conditions", data.conditions)
    medications = _text_list(errors, "medications", data.medications)
    injuries: list[dict[str, Any]] = [
        {"name": injury.name.strip(), "notes": injury.notes.strip(), "active": injury.active}
        for injury in data.injuries
        if injury.name.strip()
    ]
    if len(injuries) > MAX_LIST_ITEMS or any(len(i["name"]) > 200 or len(i["notes"]) > 2000 for i in injuries):
        errors.add("injuries", _("List at most %(n)d injuries with short names.") % {"n": MAX_LIST_ITEMS})
    parq = _parq(errors, data.parq_answers)
    cleared_by = errors.text("cleared_by", data.cleared_by, max_length=200, required=False)
    notes = errors.text("notes", data.notes, max_length=10000, required=False)
    if data.clearance_expires_on and data.cleared_on and data.clearance_expires_on < data.cleared_on:
        errors.add("clearance_expires_on", _("The clearance cannot expire before it was given."))
    if not data.medically_cleared and (data.cleared_on or data.clearance_expires_on):
        errors.add("medically_cleared", _("Record the clearance as given to set its dates."))
    errors.raise_if_any(code=ErrorCode.HEALTH_HISTORY_INVALID)
    history, _created = HealthHistory.objects.select_for_update().get_or_create(client=client)
    history.conditions = conditions
    history.injuries = injuries
    history.medications = medications
    history.parq_answers = parq
    history.medical_clearance = {
        "cleared": data.medically_cleared,
        "cleared_on": data.cleared_on.isoformat() if data.cleared_on else None,
        "cleared_by": cleared_by,
    }
    history.medical_clearance_expires_on = data.clearance_expires_on
    history.notes = notes
    history.updated_by = actor
    history.save()
    audit_record(actor=actor, action=AuditAction.CLIENT_UPDATE_HEALTH_HISTORY, target=client)
    return history


# --- emergency contacts -----------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ContactData:
    name: str
    phone: str
    relationship: str = ""
    email: str = ""
    is_primary: bool = False


def _contact_fields(data: ContactData) -> dict[str, object]:
    errors = FieldErrors()
    fields: dict[str, object] = {
        "name": errors.text("name", data.name, max_length=120),
        "phone": errors.text("phone", data.phone, max_length=32),
        "relationship": errors.text("relationship", data.relationship, max_length=60, required=False),
        "email": (data.email or "").strip().lower(),
        "is_primary": data.is_primary,
    }
    if fields["email"]:
        try:
            validate_email(str(fields["email"]))
        except DjangoValidationError:
            errors.add("email", _("Enter a valid email address."))
    errors.raise_if_any(code=ErrorCode.CONTACT_INVALID)
    return fields


@transaction.atomic
def emergency_contact_create(*, actor: User, client_id: int, data: ContactData) -> EmergencyContact:
    client = client_in_scope(actor=actor, client_id=client_id, action="clients.manage_contacts")
    fields = _contact_fields(data)
    if data.is_primary:
        EmergencyContact.objects.filter(client=client, is_primary=True).update(is_primary=False)
    return EmergencyContact.objects.create(client=client, **fields)


def _contact(client: User, contact_id: int) -> EmergencyContact:
    return locked_or_404(
        EmergencyContact.objects.all(), _("Emergency contact not found."), client=client, pk=contact_id
    )


@transaction.atomic
def emergency_contact_update(*, actor: User, client_id: int, contact_id: int, data: ContactData) -> EmergencyContact:
    client = client_in_scope(actor=actor, client_id=client_id, action="clients.manage_contacts")
    fields = _contact_fields(data)
    contact = _contact(client, contact_id)
    if data.is_primary:
        EmergencyContact.objects.filter(client=client, is_primary=True).exclude(pk=contact.pk).update(is_primary=False)
    for name, value in fields.items():
        setattr(contact, name, value)
    contact.save()
    return contact


@transaction.atomic
def emergency_contact_delete(*, actor: User, client_id: int, contact_id: int) -> None:
    client = client_in_scope(actor=actor, client_id=client_id, action="clients.manage_contacts")
    _contact(client, contact_id).delete()


# --- goals ------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class GoalData:
    goal_type: str
    title: str
    description: str = ""
    unit: str = ""
    start_value: Decimal | None = None
    target_value: Decimal | None = None
    current_value: Decimal | None = None
    target_date: date | None = None
    status: str = GoalStatus.ACTIVE


def _goal_fields(data: GoalData) -> dict[str, object]:
    errors = FieldErrors()
    errors.choice("goal_type", data.goal_type, GoalType)
    errors.choice("status", data.status, GoalStatus)
    fields: dict[str, object] = {
        "goal_type": data.goal_type,
        "title": errors.text("title", data.title, max_length=160),
        "description": errors.text("description", data.description, max_length=5000, required=False),
        "unit": errors.text("unit", data.unit, max_length=20, required=False),
        "start_value": data.start_value,
        "target_value": data.target_value,
        "current_value": data.current_value,
        "target_date": data.target_date,
        "status": data.status,
    }
    for name in ("start_value", "target_value", "current_value"):
        errors.number(name, getattr(data, name), minimum=Decimal("-99999999"), maximum=Decimal("99999999"))
    if data.start_value is not None and data.start_value == data.target_value:
        errors.add("target_value", _("The target must differ from the starting value."))
    errors.raise_if_any(code=ErrorCode.GOAL_INVALID)
    return fields


@transaction.atomic
def goal_create(*, actor: User, client_id: int, data: GoalData) -> ClientGoal:
    client = client_in_scope(actor=actor, client_id=client_id, action="clients.manage_goals")
    fields = _goal_fields(data)
    achieved_at = timezone.now() if data.status == GoalStatus.ACHIEVED else None
    return ClientGoal.objects.create(client=client, created_by=actor, achieved_at=achieved_at, **fields)


@transaction.atomic
def goal_update(*, actor: User, client_id: int, goal_id: int, data: GoalData) -> ClientGoal:
    """Progress and status; reaching "achieved" stamps when, leaving it clears the stamp."""
    client = client_in_scope(actor=actor, client_id=client_id, action="clients.manage_goals")
    fields = _goal_fields(data)
    goal = locked_or_404(ClientGoal.objects.all(), _("Goal not found."), client=client, pk=goal_id)
    if data.status == GoalStatus.ACHIEVED and goal.achieved_at is None:
        goal.achieved_at = timezone.now()
    elif data.status != GoalStatus.ACHIEVED:
        goal.achieved_at = None
    for name, value in fields.items():
        setattr(goal, name, value)
    goal.save()
    return goal


# --- assessments ------------------------------------------------------------------------------


@transaction.atomic
def assessment_create(
    *, actor: User, client_id: int, assessed_on: date, measurements: Mapping[str, Decimal], notes: str = ""
) -> FitnessAssessment:
    """An assessment with typed measurements, each in its kind's unit and plausible range."""
    client = client_in_scope(actor=actor, client_id=client_id, action="clients.record_assessment")
    errors = FieldErrors()
    notes = errors.text("notes", notes, max_length=10000, required=False)
    if assessed_on > studio_today():
        errors.add("assessed_on", _("An assessment cannot be in the future."))
    if not measurements and not notes:
        errors.add("measurements", _("Record at least one measurement or a note."))
    for kind, value in measurements.items():
        if kind not in MeasurementKind.values:
            errors.add(f"measurements.{kind}", _("Unknown measurement."))
            continue
        spec = MEASUREMENT_SPECS[kind]
        if not spec.minimum <= value <= spec.maximum:
            errors.add(
                f"measurements.{kind}",
                _("Enter a value between %(min)s and %(max)s %(unit)s.")
                % {"min": spec.minimum, "max": spec.maximum, "unit": spec.unit},
            )
    errors.raise_if_any(code=ErrorCode.ASSESSMENT_INVALID)
    assessment = FitnessAssessment.objects.create(
        client=client, assessed_on=assessed_on, assessed_by=actor, notes=notes
    )
    AssessmentMeasurement.objects.bulk_create(
        AssessmentMeasurement(assessment=assessment, kind=kind, value=value) for kind, value in measurements.items()
    )
    return assessment
