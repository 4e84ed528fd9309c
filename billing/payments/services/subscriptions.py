"""Memberships over time: first period on payment, renewals, freeze, cancel, upgrade and downgrade.

Periods follow the studio's calendar (`money.period_add`). A renewal is an invoice for the next period,
made once per period (a unique constraint and the membership's row lock); paying it keeps the membership
active, not paying it makes it past_due (booking is refused after the studio's grace days).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.payments import selectors
from billing.payments.models import ClientSubscription, Invoice, Package, PackageKind, SavedCard, SubscriptionPause
from billing.payments.money import period_add, prorate
from billing.payments.services.invoices import LineData, invoice_draft, invoice_finalise
from core.audit import AuditAction, audit_record
from core.db import tenant_connection
from core.error_codes import ErrorCode
from core.exceptions import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from core.models import User
from core.permissions import is_management


def _zone() -> str:
    return tenant_connection.tenant.timezone


def _locked(subscription_id: int) -> ClientSubscription:
    membership = (
        ClientSubscription.objects.select_for_update(of=("self",))
        .select_related("package", "client")
        .filter(pk=subscription_id)
        .first()
    )
    if membership is None:
        raise NotFoundError(_("No such membership."), code=ErrorCode.MEMBERSHIP_NOT_FOUND)
    return membership


def _ensure_client_or_manager(actor: User, membership: ClientSubscription) -> None:
    if actor.pk == membership.client_id or is_management(actor):
        return
    raise NotFoundError(_("No such membership."), code=ErrorCode.MEMBERSHIP_NOT_FOUND)


def _ensure_manager(actor: User) -> None:
    if not is_management(actor):
        raise PermissionDeniedError(_("Only the studio's managers can do this."))


def membership_paid(*, subscription_id: int, invoice: Invoice, now: datetime) -> None:
    """An invoice of the membership is paid: the first one starts it; a renewal clears past_due."""
    membership = _locked(subscription_id)
    if membership.status == ClientSubscription.Status.INCOMPLETE:
        period = membership.package.billing_period
        membership.status = ClientSubscription.Status.ACTIVE
        membership.current_period_start = now
        membership.current_period_end = period_add(now, period=period, zone=_zone())
        membership.next_bill_at = membership.current_period_end
        terms = membership.package.minimum_term_periods
        membership.commitment_ends_at = period_add(now, period=period, count=terms, zone=_zone()) if terms else None
        Invoice.objects.filter(pk=invoice.pk).update(
            period_start=membership.current_period_start, period_end=membership.current_period_end
        )
    elif membership.status == ClientSubscription.Status.PAST_DUE and not _unpaid_renewals(membership):
        membership.status = ClientSubscription.Status.ACTIVE
        membership.past_due_since = None
    membership.save()


def _unpaid_renewals(membership: ClientSubscription) -> bool:
    return Invoice.objects.filter(subscription=membership, status=Invoice.Status.OPEN).exists()


@transaction.atomic
def subscription_renew(*, subscription_id: int, now: datetime | None = None) -> Invoice | None:
    """Bill the next period if it is due (idempotent: a second call for the same period does nothing).

    The membership moves into the new period at once; its invoice stays open until paid (a card on file
    is charged off-session after commit, `tasks.invoice_collect`). A pending downgrade takes effect here;
    a membership set to end stops here instead of renewing.
    """
    now = now or timezone.now()
    membership = _locked(subscription_id)
    if membership.status not in ClientSubscription.LIVE or membership.next_bill_at is None:
        return None
    if membership.next_bill_at > now:
        return None
    if membership.cancel_at is not None and membership.cancel_at <= membership.next_bill_at:
        membership.status = ClientSubscription.Status.CANCELLED
        membership.cancelled_at = membership.cancel_at
        membership.save()
        return None
    if membership.pending_package_id:
        membership.package = Package.objects.get(pk=membership.pending_package_id)
        membership.price_amount = membership.package.price_amount
        membership.pending_package = None
    start = membership.current_period_end or membership.next_bill_at
    end = period_add(start, period=membership.package.billing_period, zone=_zone())
    invoice = invoice_draft(
        client=membership.client,
        currency=membership.currency,
        lines=[
            LineData(
                description=_("%(name)s, renewal") % {"name": membership.package.name},
                unit_amount=membership.price_amount,
                tax_rate_bp=membership.package.tax_rate_bp,
                tax_inclusive=membership.package.tax_inclusive,
                package=membership.package,
            )
        ],
        actor=None,
        subscription_id=membership.pk,
        period=(start, end),
    )
    membership.current_period_start, membership.current_period_end, membership.next_bill_at = start, end, end
    membership.save()
    invoice_finalise(invoice_id=invoice.pk, now=now)
    invoice.refresh_from_db()
    if invoice.status == Invoice.Status.OPEN and SavedCard.objects.filter(client_id=membership.client_id).exists():
        from billing.payments.tasks import invoice_collect, queue_after_commit

        queue_after_commit(invoice_collect, invoice_id=invoice.pk)  # a decline makes it past due
    return invoice


@transaction.atomic
def subscription_mark_past_due(*, subscription_id: int, now: datetime | None = None) -> ClientSubscription:
    """A renewal could not be collected: past_due from now (kept if already past due)."""
    membership = _locked(subscription_id)
    if membership.status == ClientSubscription.Status.ACTIVE and _unpaid_renewals(membership):
        membership.status = ClientSubscription.Status.PAST_DUE
        membership.past_due_since = now or timezone.now()
        membership.save(update_fields=["status", "past_due_since", "updated_at"])
    return membership


@transaction.atomic
def subscription_pause(
    *, actor: User, subscription_id: int, starts_at: datetime, ends_at: datetime, now: datetime | None = None
) -> ClientSubscription:
    """Freeze [starts_at, ends_at): the period end, the next bill date and the commitment all move by its length.

    Raises ValidationError (dates), ConflictError (not active, overlapping freeze, bookings held inside it).
    """
    now = now or timezone.now()
    membership = _locked(subscription_id)
    _ensure_client_or_manager(actor, membership)
    if ends_at <= starts_at or starts_at < now.replace(hour=0, minute=0, second=0, microsecond=0):
        raise ValidationError(
            _("A freeze ends after it starts and does not start in the past."),
            code=ErrorCode.PAUSE_INVALID,
            fields={"ends_at": _("After the start.")},
        )
    if (
        membership.status != ClientSubscription.Status.ACTIVE
        or membership.current_period_end is None  # an active membership always has its period and next bill
        or membership.next_bill_at is None
    ):
        raise ConflictError(_("Only an active membership can be frozen."), code=ErrorCode.MEMBERSHIP_NOT_ACTIVE)
    if membership.pauses.filter(starts_at__lt=ends_at, ends_at__gt=starts_at).exists():
        raise ConflictError(_("This overlaps another freeze."), code=ErrorCode.PAUSE_OVERLAPS)
    if membership.uses.filter(state="held", starts_at__gte=starts_at, starts_at__lt=ends_at).exists():
        raise ConflictError(_("Cancel the bookings inside the freeze first."), code=ErrorCode.PAUSE_HAS_BOOKINGS)
    length = ends_at - starts_at
    SubscriptionPause.objects.create(subscription=membership, starts_at=starts_at, ends_at=ends_at, created_by=actor)
    membership.current_period_end += length
    membership.next_bill_at += length
    if membership.commitment_ends_at:
        membership.commitment_ends_at += length
    if membership.cancel_at:
        membership.cancel_at += length
    membership.save()
    audit_record(actor=actor, action=AuditAction.MEMBERSHIP_PAUSE, target=membership, days=length.days)
    return membership


@dataclass(frozen=True)
class CancelTerms:
    """What cancelling leaves: the last day, the periods and amount still owed under the minimum term."""

    ends_at: datetime
    remaining_periods: int
    remaining_amount: int
    currency: str


def subscription_cancel_preview(*, subscription: ClientSubscription) -> CancelTerms:
    """Shown before the client confirms: it runs to the period end or the commitment's end, whichever is later."""
    ends_at = subscription.current_period_end or timezone.now()
    periods = 0
    if subscription.commitment_ends_at:
        while ends_at < subscription.commitment_ends_at:
            ends_at = period_add(ends_at, period=subscription.package.billing_period, zone=_zone())
            periods += 1
    return CancelTerms(
        ends_at=ends_at,
        remaining_periods=periods,
        remaining_amount=periods * subscription.price_amount,
        currency=subscription.currency,
    )


@transaction.atomic
def subscription_cancel_at_period_end(*, actor: User, subscription_id: int) -> ClientSubscription:
    """The client (or a manager) ends the membership at its period end, or its commitment's end if later."""
    membership = _locked(subscription_id)
    _ensure_client_or_manager(actor, membership)
    if membership.status not in ClientSubscription.LIVE:
        raise ConflictError(_("This membership is not active."), code=ErrorCode.MEMBERSHIP_NOT_ACTIVE)
    membership.cancel_at = subscription_cancel_preview(subscription=membership).ends_at
    membership.pending_package = None
    membership.save(update_fields=["cancel_at", "pending_package", "updated_at"])
    audit_record(
        actor=actor, action=AuditAction.MEMBERSHIP_CANCEL, target=membership, at=membership.cancel_at.isoformat()
    )
    return membership


@transaction.atomic
def subscription_cancel_now(
    *, actor: User, subscription_id: int, refund: bool, now: datetime | None = None
) -> tuple[ClientSubscription, int]:
    """Staff end a membership today; with `refund`, the unused share of the current period's payment is refunded.

    Returns (membership, refunded minor units). Open invoices of the membership are voided.
    """
    from billing.payments.services.invoices import invoice_void
    from billing.payments.services.payments import payment_refund

    now = now or timezone.now()
    _ensure_manager(actor)
    membership = _locked(subscription_id)
    if membership.status == ClientSubscription.Status.CANCELLED:
        raise ConflictError(_("This membership is already cancelled."), code=ErrorCode.MEMBERSHIP_CANCELLED)
    refunded = 0
    if refund and membership.current_period_start and membership.current_period_end:
        paid = (
            Invoice.objects.filter(subscription=membership, status=Invoice.Status.PAID)
            .order_by("-period_start", "-id")
            .first()
        )
        if paid is not None:
            share = prorate(
                paid.amount_paid - paid.amount_refunded,
                used_seconds=(now - membership.current_period_start).total_seconds(),
                period_seconds=(membership.current_period_end - membership.current_period_start).total_seconds(),
            )
            for payment in paid.payments.filter(status="succeeded").order_by("-id"):
                part = min(share - refunded, payment.amount - payment.amount_refunded)
                if part > 0:
                    payment_refund(actor=actor, payment_id=payment.pk, amount=part, reason=_("Membership cancelled"))
                    refunded += part
    for open_invoice in Invoice.objects.filter(subscription=membership, status=Invoice.Status.OPEN, amount_paid=0):
        invoice_void(actor=actor, invoice_id=open_invoice.pk, now=now)
    membership.status = ClientSubscription.Status.CANCELLED
    membership.cancelled_at = now
    membership.cancel_at = now
    membership.save()
    membership.uses.filter(state="held", starts_at__gt=now).update(state="returned")
    audit_record(actor=actor, action=AuditAction.MEMBERSHIP_CANCEL_NOW, target=membership, refunded=refunded)
    return membership, refunded


@transaction.atomic
def subscription_change(
    *, actor: User, subscription_id: int, package_id: int, now: datetime | None = None
) -> tuple[ClientSubscription, Invoice | None]:
    """Upgrade now (a dearer membership of the same period: the difference for the rest of the period,
    prorated by time, is invoiced at once) or downgrade at the period end (nothing is charged now).

    Returns (membership, the proration invoice or None). Raises ValidationError / ConflictError.
    """
    now = now or timezone.now()
    membership = _locked(subscription_id)
    _ensure_client_or_manager(actor, membership)
    target = selectors.package_get(package_id=package_id)
    if target.kind != PackageKind.MEMBERSHIP or not target.is_active or target.pk == membership.package_id:
        raise ValidationError(
            _("Choose another membership that is on sale."),
            code=ErrorCode.CHANGE_INVALID,
            fields={"package_id": _("Not valid.")},
        )
    if (
        membership.status != ClientSubscription.Status.ACTIVE
        or membership.cancel_at is not None
        or membership.current_period_start is None  # an active membership always has its period
        or membership.current_period_end is None
    ):
        raise ConflictError(
            _("Only an active, continuing membership can be changed."), code=ErrorCode.MEMBERSHIP_NOT_ACTIVE
        )
    if target.billing_period != membership.package.billing_period:
        raise ValidationError(
            _("Switch to a membership billed the same way (weekly, monthly or annual)."),
            code=ErrorCode.CHANGE_PERIOD_MISMATCH,
            fields={"package_id": _("Different billing period.")},
        )
    if target.price_amount <= membership.price_amount:
        membership.pending_package = target
        membership.save(update_fields=["pending_package", "updated_at"])
        audit_record(actor=actor, action=AuditAction.MEMBERSHIP_DOWNGRADE, target=membership, to=target.pk)
        return membership, None
    used = (now - membership.current_period_start).total_seconds()
    length = (membership.current_period_end - membership.current_period_start).total_seconds()
    credit = prorate(membership.price_amount, used_seconds=used, period_seconds=length)
    charge = prorate(target.price_amount, used_seconds=used, period_seconds=length)
    invoice = invoice_draft(
        client=membership.client,
        currency=membership.currency,
        lines=[
            LineData(
                description=_("Remaining time on %(name)s") % {"name": target.name},
                unit_amount=charge,
                tax_rate_bp=target.tax_rate_bp,
                tax_inclusive=target.tax_inclusive,
                package=target,
            ),
            LineData(
                description=_("Unused time on %(name)s") % {"name": membership.package.name},
                unit_amount=-credit,
                tax_rate_bp=membership.package.tax_rate_bp,
                tax_inclusive=membership.package.tax_inclusive,
            ),
        ],
        actor=actor,
    )
    membership.package = target
    membership.price_amount = target.price_amount
    membership.pending_package = None
    membership.save()
    invoice = invoice_finalise(invoice_id=invoice.pk, now=now)
    audit_record(
        actor=actor, action=AuditAction.MEMBERSHIP_UPGRADE, target=membership, to=target.pk, charged=charge - credit
    )
    return membership, invoice
