"""The owner's billing settings: fees, waive window, strikes, grace days, invoice details."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from billing.payments.models import CommercePolicy
from billing.payments.selectors import policy_get
from core.audit import AuditAction, audit_record
from core.error_codes import ErrorCode
from core.exceptions import PermissionDeniedError, ValidationError
from core.models import Role, User
from core.validation import one_line_problem

EDITABLE = (
    "late_cancel_fee_amount",
    "no_show_fee_amount",
    "fee_waive_hours",
    "strike_limit",
    "strike_window_days",
    "strike_block_days",
    "past_due_grace_days",
    "invoice_due_days",
    "refund_revokes_credits",
    "invoice_prefix",
    "legal_name",
    "address",
    "tax_id",
    "invoice_footer",
)

# Printed on one line of every invoice (the PDF's header, the email's sender block): a line break is refused.
ONE_LINE = ("legal_name", "tax_id")


@transaction.atomic
def commerce_policy_update(*, actor: User, **changes: Any) -> CommercePolicy:
    """Owners change the studio's commerce rules; each change is audited with its old and new value.

    Raises PermissionDeniedError (not the owner), ValidationError `policy_invalid` (a line break in a
    one-line field, `fields` names it)."""
    if actor.role != Role.OWNER:
        raise PermissionDeniedError(_("Only the owner can change billing settings."))
    fields = {name: problem for name in ONE_LINE if (problem := one_line_problem(changes.get(name)))}
    if fields:
        raise ValidationError(" ".join(fields.values()), code=ErrorCode.POLICY_INVALID, fields=fields)
    policy = policy_get()
    policy = CommercePolicy.objects.select_for_update().get(pk=policy.pk)
    changed = {}
    for name, value in changes.items():
        if name in EDITABLE and getattr(policy, name) != value:
            changed[name] = [getattr(policy, name), value]
            setattr(policy, name, value)
    if changed:
        policy.save()
        audit_record(actor=actor, action=AuditAction.COMMERCE_POLICY_UPDATE, target=policy, changes=changed)
    return policy
