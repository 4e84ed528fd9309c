"""The studio's settings as its owner edits them: name, contact, locale, sign-up, email signature.

Branding (tenants.services.studio_branding_update), booking policies (scheduling) and the legal details
printed on invoices (billing.payments.CommercePolicy) have their own services and pages; the settings
page links to them instead of keeping a second copy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from billing.payments.selectors import money_recorded
from core.audit import AuditAction, audit_record
from core.error_codes import ErrorCode
from core.exceptions import ConflictError, ValidationError
from core.models import User
from core.permissions import require
from core.validation import one_line_problem
from tenants.models import Studio
from tenants.routing import routing_forget
from tenants.services import _check_studio_fields

# What the settings page edits, and the longest each may be (the model's max_length).
EDITABLE: dict[str, int] = {
    "name": 120,
    "contact_email": 254,
    "contact_phone": 32,
    "website": 200,
    "address": 500,
    "timezone": 64,
    "currency": 3,
    "locale": 10,
    "allow_client_signup": 0,
    "email_sender_name": 80,
    "email_reply_to": 254,
}
_PHONE = re.compile(r"^\+?[0-9 ()./-]{5,32}$")


@dataclass(frozen=True)
class StudioSettings:
    """What the settings page and `GET /api/v1/studio/settings` show (`currency_locked`: money exists)."""

    studio: Studio
    currency_locked: bool


def studio_settings_get(*, actor: User, studio: Studio) -> StudioSettings:
    """The studio's settings for its owner. Raises PermissionDeniedError for anyone else."""
    require(actor, "studio.update_settings")
    return StudioSettings(studio=studio, currency_locked=money_recorded())


def _normalise(name: str, value: Any) -> Any:
    if name == "allow_client_signup":
        return bool(value)
    text = str(value if value is not None else "").strip()
    return text.upper() if name == "currency" else text


def _check_contact(values: dict[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    for name in ("contact_email", "email_reply_to"):
        if values.get(name):
            try:
                validate_email(values[name])
            except DjangoValidationError:
                errors[name] = _("Enter a valid email address.")
    if values.get("website"):
        try:
            URLValidator(schemes=["http", "https"])(values["website"])
        except DjangoValidationError:
            errors["website"] = _("Enter a web address starting with https://.")
    if values.get("contact_phone") and not _PHONE.match(values["contact_phone"]):
        errors["contact_phone"] = _("Use digits, spaces and + ( ) - only.")
    for name, limit in EDITABLE.items():
        if limit and isinstance(values.get(name), str) and len(values[name]) > limit:
            errors[name] = _("At most %(limit)d characters.") % {"limit": limit}
    if one_line_problem(values.get("email_sender_name")):
        errors["email_sender_name"] = str(one_line_problem(values["email_sender_name"]))
    return errors


@transaction.atomic
def studio_settings_update(*, actor: User, studio: Studio, ip: str | None = None, **changes: Any) -> StudioSettings:
    """Change some of the studio's settings (keyword names: the keys of EDITABLE; others are ignored).

    Raises PermissionDeniedError (not the owner), ValidationError (code `studio_invalid`, `fields` says
    which) and ConflictError (`studio_currency_locked`: the currency cannot change once the studio has
    priced or charged anything). Nothing changes when any field is refused. Every change is audited
    with its old and new value; pages and emails follow at once.
    """
    require(actor, "studio.update_settings")
    studio = Studio.objects.select_for_update().get(pk=studio.pk)
    wanted = {name: _normalise(name, value) for name, value in changes.items() if name in EDITABLE}
    merged = {name: wanted.get(name, getattr(studio, name)) for name in EDITABLE}
    errors = _check_contact(merged)
    try:
        _check_studio_fields(
            name=merged["name"], timezone=merged["timezone"], currency=merged["currency"], locale=merged["locale"]
        )
    except ValidationError as exc:
        errors.update(exc.extra["fields"])
    if errors:
        raise ValidationError(" ".join(errors.values()), code=ErrorCode.STUDIO_INVALID, fields=errors)
    changed = {name: [getattr(studio, name), value] for name, value in wanted.items() if getattr(studio, name) != value}
    if "currency" in changed and money_recorded():
        raise ConflictError(
            _(
                "The currency cannot change: the studio already has prices, invoices or payments in %(currency)s, "
                "and every amount is stored in that currency."
            )
            % {"currency": studio.currency},
            code=ErrorCode.STUDIO_CURRENCY_LOCKED,
            fields={"currency": _("Fixed once money is recorded.")},
        )
    if changed:
        for name, (_old, new) in changed.items():
            setattr(studio, name, new)
        studio.save(update_fields=[*changed, "updated_at"])
        routing_forget()  # every page of this process at once, the others within ROUTING_CACHE_SECONDS
        audit_record(actor=actor, action=AuditAction.STUDIO_UPDATE_SETTINGS, target=studio, ip=ip, changes=changed)
    return StudioSettings(studio=studio, currency_locked=money_recorded())


def language_choices() -> list[tuple[str, str]]:
    """(code, name) of the languages the platform speaks."""
    return [(code, str(name)) for code, name in settings.LANGUAGES]
