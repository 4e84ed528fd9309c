"""Invoices: drafted with lines, finalised (numbered from a locked counter), paid in part or in full, voided.

Paying an invoice in full fulfils what it sold (see `sales.invoice_fulfil`), in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.payments import selectors
from billing.payments.models import Invoice, InvoiceCounter, InvoiceLine, InvoiceReminder, Package
from billing.payments.money import line_amounts
from core.audit import AuditAction, audit_record
from core.db import tenant_connection
from core.error_codes import ErrorCode
from core.exceptions import ConflictError, ValidationError
from core.models import User


@dataclass(frozen=True, kw_only=True)
class LineData:
    """One line to invoice: amounts in minor units, tax rate in basis points."""

    description: str
    unit_amount: int
    quantity: int = 1
    tax_rate_bp: int = 0
    tax_inclusive: bool = True
    package: Package | None = None


def invoice_draft(
    *,
    client: User,
    currency: str,
    lines: list[LineData],
    actor: User | None,
    subscription_id: int | None = None,
    period: tuple[datetime, datetime] | None = None,
) -> Invoice:
    """A draft with its lines and totals (no number yet). Raises ValidationError for an empty invoice."""
    if not lines:
        raise ValidationError(_("An invoice needs at least one line."), code=ErrorCode.INVOICE_EMPTY)
    invoice = Invoice.objects.create(
        client=client,
        currency=currency,
        created_by=actor,
        subscription_id=subscription_id,
        period_start=period[0] if period else None,
        period_end=period[1] if period else None,
    )
    totals = [0, 0, 0]
    for position, line in enumerate(lines, start=1):
        amounts = line_amounts(
            unit_amount=line.unit_amount,
            quantity=line.quantity,
            tax_rate_bp=line.tax_rate_bp,
            tax_inclusive=line.tax_inclusive,
        )
        InvoiceLine.objects.create(
            invoice=invoice,
            position=position,
            description=line.description[:200],
            quantity=line.quantity,
            unit_amount=line.unit_amount,
            tax_rate_bp=line.tax_rate_bp,
            tax_inclusive=line.tax_inclusive,
            net_amount=amounts.net,
            tax_amount=amounts.tax,
            total_amount=amounts.total,
            package=line.package,
        )
        totals = [totals[0] + amounts.net, totals[1] + amounts.tax, totals[2] + amounts.total]
    invoice.subtotal_amount, invoice.tax_amount, invoice.total_amount = totals
    invoice.save(update_fields=["subtotal_amount", "tax_amount", "total_amount", "updated_at"])
    return invoice


def _seller() -> dict[str, str]:
    policy = selectors.policy_get()
    tenant = tenant_connection.tenant
    return {
        "name": policy.legal_name or tenant.name,
        "address": policy.address,
        "tax_id": policy.tax_id,
        "footer": policy.invoice_footer,
        "timezone": tenant.timezone,
    }


def _buyer(client: User) -> dict[str, str]:
    return {"name": client.get_full_name() or client.email, "email": client.email}


@transaction.atomic
def invoice_finalise(*, invoice_id: int, now: datetime | None = None, notify: bool = True) -> Invoice:
    """Give the draft the studio's next number (the counter row is locked until commit: gapless) and open it.

    With `notify`, the client is emailed the invoice (branded, PDF attached) after commit. A zero-total
    invoice is paid at once. Raises ConflictError if it is not a draft.
    """
    now = now or timezone.now()
    invoice = Invoice.objects.select_for_update().get(pk=invoice_id)
    if invoice.status != Invoice.Status.DRAFT:
        raise ConflictError(_("Only a draft invoice can be finalised."), code=ErrorCode.INVOICE_NOT_DRAFT)
    InvoiceCounter.objects.get_or_create(key=1)
    counter = InvoiceCounter.objects.select_for_update().get(key=1)
    sequence = counter.next_number
    InvoiceCounter.objects.filter(key=1).update(next_number=F("next_number") + 1)
    policy = selectors.policy_get()
    invoice.sequence = sequence
    invoice.number = f"{policy.invoice_prefix}{sequence:06d}"
    invoice.seller = _seller()
    invoice.buyer = _buyer(invoice.client)
    invoice.issued_at = now
    invoice.due_at = now + timedelta(days=policy.invoice_due_days)
    invoice.status = Invoice.Status.OPEN
    invoice.save()
    if invoice.total_amount <= 0:
        invoice_apply_payment(invoice=invoice, amount=0, now=now)
    elif notify:
        from billing.payments.tasks import invoice_email, queue_after_commit

        queue_after_commit(invoice_email, invoice_id=invoice.pk, kind="invoice")
    return invoice


def invoice_apply_payment(*, invoice: Invoice, amount: int, now: datetime) -> Invoice:
    """Add a succeeded payment's amount (caller holds the invoice lock); paid in full -> fulfilled."""
    Invoice.objects.filter(pk=invoice.pk).update(amount_paid=F("amount_paid") + amount)
    invoice.refresh_from_db()
    if invoice.status == Invoice.Status.OPEN and invoice.amount_paid >= invoice.total_amount:
        invoice.status = Invoice.Status.PAID
        invoice.paid_at = now
        invoice.save(update_fields=["status", "paid_at", "updated_at"])
        from billing.payments.services.sales import invoice_fulfil

        invoice_fulfil(invoice=invoice, now=now)
        from billing.payments.tasks import invoice_email, queue_after_commit

        queue_after_commit(invoice_email, invoice_id=invoice.pk, kind="receipt")
    return invoice


def invoice_for_update(invoice_id: int) -> Invoice:
    invoice = Invoice.objects.select_for_update().select_related("client").filter(pk=invoice_id).first()
    if invoice is None:
        from core.exceptions import NotFoundError

        raise NotFoundError(_("No such invoice."), code=ErrorCode.INVOICE_NOT_FOUND)
    return invoice


@transaction.atomic
def invoice_void(*, actor: User, invoice_id: int, now: datetime | None = None) -> Invoice:
    """Void an open invoice nothing was paid on (it keeps its number); what it sold is withdrawn."""
    now = now or timezone.now()
    invoice = invoice_for_update(invoice_id)
    if invoice.status != Invoice.Status.OPEN:
        raise ConflictError(_("Only an open invoice can be voided."), code=ErrorCode.INVOICE_NOT_OPEN)
    if invoice.amount_paid:
        raise ConflictError(
            _("Refund the payments on this invoice before voiding it."), code=ErrorCode.INVOICE_HAS_PAYMENTS
        )
    invoice.status = Invoice.Status.VOID
    invoice.voided_at = now
    invoice.save(update_fields=["status", "voided_at", "updated_at"])
    from billing.payments.services.sales import invoice_withdraw

    invoice_withdraw(invoice=invoice, actor=actor, now=now)
    audit_record(actor=actor, action=AuditAction.INVOICE_VOID, target=invoice)
    return invoice


@transaction.atomic
def invoice_mark_uncollectible(*, actor: User, invoice_id: int) -> Invoice:
    invoice = invoice_for_update(invoice_id)
    if invoice.status != Invoice.Status.OPEN:
        raise ConflictError(_("Only an open invoice can be written off."), code=ErrorCode.INVOICE_NOT_OPEN)
    invoice.status = Invoice.Status.UNCOLLECTIBLE
    invoice.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action=AuditAction.INVOICE_WRITE_OFF, target=invoice)
    return invoice


REMINDER_DAYS = (0, 7, 14)  # days after the due date of the 1st, 2nd and 3rd reminder


def reminder_due(invoice: Invoice, now: datetime) -> int | None:
    """The number (1, 2, 3) of the reminder an open invoice is due for now, or None."""
    sent = invoice.reminders_sent
    if invoice.status != Invoice.Status.OPEN or invoice.due_at is None or sent >= len(REMINDER_DAYS):
        return None
    return sent + 1 if now > invoice.due_at + timedelta(days=REMINDER_DAYS[sent]) else None


@transaction.atomic
def invoice_remind(*, invoice_id: int, now: datetime | None = None) -> bool:
    """Send the overdue reminder the invoice is due for (the 1st once it is past due, then 7 and 14 days
    after): each reminder once (an `InvoiceReminder` row, unique per invoice and number, under the
    invoice's lock), emailed after commit. False when none is due."""
    now = now or timezone.now()
    invoice = Invoice.objects.select_for_update().filter(pk=invoice_id).first()
    number = reminder_due(invoice, now) if invoice is not None else None
    if invoice is None or number is None:
        return False
    _reminder, created = InvoiceReminder.objects.get_or_create(
        invoice=invoice, number=number, defaults={"sent_at": now}
    )
    Invoice.objects.filter(pk=invoice.pk).update(reminders_sent=number, reminded_at=now)
    if not created:
        return False
    from billing.payments.tasks import invoice_email, queue_after_commit

    queue_after_commit(invoice_email, invoice_id=invoice_id, kind="reminder", number=number)
    return True
