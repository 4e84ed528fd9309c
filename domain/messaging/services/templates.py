"""Rendering the catalog's templates (domain/messaging/catalog.py) with a studio's overrides; editing them."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import AuditAction, audit_record
from core.error_codes import ErrorCode
from core.exceptions import NotFoundError, ValidationError
from core.models import User
from core.permissions import require
from domain.messaging.catalog import WORDINGS, Wording, fill, identifiers
from domain.messaging.models import CHANNELS, TemplateOverride

ANY_CHANNEL = "any"


def wording_get(key: str) -> Wording:
    try:
        return WORDINGS[key]
    except KeyError as exc:
        raise NotFoundError(_("Template not found."), code=ErrorCode.TEMPLATE_INVALID) from exc


def template_render(*, key: str, channel: str, context: dict[str, object]) -> tuple[str, str]:
    """(title, body) of template `key` for `channel`: the studio's override for that channel, else its
    override for every channel, else the shipped wording. Variables missing from `context` stay as typed."""
    wording = wording_get(key)
    overrides = {o.channel: o for o in TemplateOverride.objects.filter(key=key, channel__in=[channel, ANY_CHANNEL])}
    chosen = overrides.get(channel) or overrides.get(ANY_CHANNEL)
    title, body = (
        (chosen.subject or str(wording.title), chosen.body) if chosen else (str(wording.title), str(wording.body))
    )
    return fill(title, context).strip(), fill(body, context).strip()


def template_preview(*, actor: User, key: str, channel: str, subject: str | None, body: str | None) -> tuple[str, str]:
    """What a (draft) template looks like with the catalog's sample data."""
    require(actor, "messaging.manage_templates")
    wording = wording_get(key)
    if subject is None and body is None:
        return template_render(key=key, channel=channel, context=dict(wording.sample))
    _check(wording, subject or "", body or "")
    return fill(subject or str(wording.title), wording.sample), fill(body or "", wording.sample)


def _check(wording: Wording, subject: str, body: str) -> None:
    fields: dict[str, str] = {}
    for name, text in (("subject", subject), ("body", body)):
        try:
            unknown = identifiers(text) - set(wording.variables)
        except ValueError:
            fields[name] = _("A $ must start a variable name ($$ writes a dollar sign).")
            continue
        if unknown:
            fields[name] = _("Unknown variables: %(names)s.") % {"names": ", ".join(sorted(unknown))}
    if not body.strip():
        fields["body"] = _("Write the message.")
    if len(subject) > 200:
        fields["subject"] = _("At most 200 characters.")
    if fields:
        raise ValidationError(_("The template is not valid."), code=ErrorCode.TEMPLATE_INVALID, fields=fields)


@transaction.atomic
def template_override_set(*, actor: User, key: str, channel: str, subject: str, body: str) -> TemplateOverride:
    """The studio's wording of `key` on `channel` ("any" for every channel). Raises ValidationError
    (`template_invalid`) for unknown variables or an empty body, NotFoundError for an unknown key."""
    require(actor, "messaging.manage_templates")
    wording = wording_get(key)
    if channel not in (*CHANNELS, ANY_CHANNEL):
        raise ValidationError(_("Unknown channel."), code=ErrorCode.TEMPLATE_INVALID, fields={"channel": _("Unknown.")})
    _check(wording, subject, body)
    override, _created = TemplateOverride.objects.update_or_create(
        key=key, channel=channel, defaults={"subject": subject.strip(), "body": body.strip(), "updated_by": actor}
    )
    audit_record(actor=actor, action=AuditAction.MESSAGE_TEMPLATE_UPDATE, target=override, key=key, channel=channel)
    return override


@transaction.atomic
def template_override_reset(*, actor: User, key: str, channel: str) -> int:
    """Back to the shipped wording; returns how many overrides were removed."""
    require(actor, "messaging.manage_templates")
    deleted, _rows = TemplateOverride.objects.filter(key=key, channel=channel).delete()
    if deleted:
        audit_record(actor=actor, action=AuditAction.MESSAGE_TEMPLATE_UPDATE, key=key, channel=channel, reset=True)
    return deleted
