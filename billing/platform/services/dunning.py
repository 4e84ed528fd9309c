"""Dunning and platform invoices: a failed renewal makes the studio past_due, reminds the owner once per
invoice and attempt, suspends the studio ("unpaid") after BILLING_UNPAID_SUSPEND_DAYS, and a payment
brings it back (subscription_sync does the reactivation).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from billing.platform.models import DunningReminder, PlatformInvoice, StudioSubscription
from billing.platform.services.subscriptions import studio_owner
from core.emails import branded_email
from core.tenancy import studio_base_url
from tenants.models import Studio

logger = logging.getLogger(__name__)


def _ts(value: int | None) -> datetime | None:
    return datetime.fromtimestamp(int(value), tz=UTC) if value else None


@transaction.atomic
def invoice_sync(*, invoice: Any) -> PlatformInvoice | None:
    """Copy a Stripe Invoice (object or dict) of a studio's subscription; None when no studio is its customer."""
    data = invoice.to_dict() if hasattr(invoice, "to_dict") else dict(invoice)
    studio_id = (
        StudioSubscription.objects.filter(stripe_customer_id=data["customer"])
        .values_list("studio_id", flat=True)
        .first()
    )
    if studio_id is None:
        return None
    row, _created = PlatformInvoice.objects.select_for_update().update_or_create(
        stripe_invoice_id=data["id"],
        defaults={
            "studio_id": studio_id,
            "status": data.get("status") or "draft",
            "amount_due": data.get("amount_due") or 0,
            "amount_paid": data.get("amount_paid") or 0,
            "currency": (data.get("currency") or "").upper(),
            "attempt_count": data.get("attempt_count") or 0,
            "billing_reason": data.get("billing_reason") or "",
            "hosted_invoice_url": data.get("hosted_invoice_url") or "",
            "period_start": _ts(data.get("period_start")),
            "period_end": _ts(data.get("period_end")),
            "created": _ts(data.get("created")) or timezone.now(),
        },
    )
    if row.status == "open" and row.attempt_count and row.payment_failed_at is None:
        PlatformInvoice.objects.filter(pk=row.pk).update(payment_failed_at=timezone.now())
    return row


@transaction.atomic
def dunning_remind(*, invoice: PlatformInvoice) -> DunningReminder | None:
    """Remind the owner of a failed payment: once per invoice and attempt, the email sent after commit."""
    if invoice.status != "open" or invoice.attempt_count == 0:
        return None
    owner = studio_owner(invoice.studio)
    if owner is None:
        return None
    reminder, created = DunningReminder.objects.get_or_create(
        invoice=invoice, attempt=invoice.attempt_count, defaults={"sent_to": owner.email}
    )
    if not created:
        return None
    transaction.on_commit(lambda: _send_reminder(reminder.pk))
    return reminder


def _send_reminder(reminder_id: int) -> None:
    reminder = DunningReminder.objects.select_related("invoice__studio").get(pk=reminder_id)
    invoice, studio = reminder.invoice, reminder.invoice.studio
    subscription = StudioSubscription.objects.filter(studio=studio).first()
    deadline = None
    if subscription and subscription.past_due_since:
        deadline = subscription.past_due_since + timedelta(days=settings.BILLING_UNPAID_SUSPEND_DAYS)
    context = {
        "studio_name": studio.name,
        "amount": f"{invoice.amount_due / 100:.2f} {invoice.currency}",
        "attempt": reminder.attempt,
        "deadline": deadline,
        "billing_url": f"{studio_base_url(studio)}/billing/",
        "invoice_url": invoice.hosted_invoice_url,
    }
    owner_email_send(
        studio=studio,
        template_prefix="emails/billing/payment_failed",
        to=reminder.sent_to,
        context=context,
        key=f"dunning-{invoice.stripe_invoice_id}-{reminder.attempt}",
    )


def owner_email_send(*, studio: Studio, template_prefix: str, to: str, context: dict[str, Any], key: str) -> None:
    """Send a branded platform email to the studio's owner, dated on the studio's wall clock, in its
    language; `key` goes in X-Idempotency-Key (a retried send is recognisable)."""
    with translation.override(studio.locale or "en"), timezone.override(ZoneInfo(studio.timezone or "UTC")):
        branded_email(
            template_prefix=template_prefix,
            to=[to],
            context=context,
            studio=studio,
            base_url=studio_base_url(studio),
            headers={"X-Idempotency-Key": key},
        ).send()


def dunning_suspend_overdue(*, now: datetime | None = None) -> list[int]:
    """Suspend ("unpaid") every active studio whose renewal has been unpaid for BILLING_UNPAID_SUSPEND_DAYS.

    Returns the ids of the studios suspended. Idempotent: a suspended studio is not suspended again.
    """
    from tenants.services import studio_suspend

    cutoff = (now or timezone.now()) - timedelta(days=settings.BILLING_UNPAID_SUSPEND_DAYS)
    due = StudioSubscription.objects.filter(
        status__in=[StudioSubscription.Status.PAST_DUE, StudioSubscription.Status.UNPAID],
        past_due_since__lte=cutoff,
        suspended_for_nonpayment=False,
        studio__status=Studio.Status.ACTIVE,
    ).values_list("pk", flat=True)
    suspended = []
    for pk in list(due):
        with transaction.atomic():
            row = StudioSubscription.objects.select_for_update().select_related("studio").get(pk=pk)
            if row.suspended_for_nonpayment or row.studio.status != Studio.Status.ACTIVE:
                continue
            studio_suspend(studio=row.studio, actor=None, reason="unpaid")
            row.suspended_for_nonpayment = True
            row.status = StudioSubscription.Status.UNPAID
            row.save(update_fields=["suspended_for_nonpayment", "status", "updated_at"])
            suspended.append(row.studio_id)
            logger.info("Studio %s suspended: unpaid since %s", row.studio_id, row.past_due_since)
    return suspended
