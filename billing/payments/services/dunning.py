"""The studio's periodic money work, run by a task in its schema: renew due memberships, charge fees
whose waive window has passed, remind overdue invoices (each once). Every step is idempotent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from billing.payments import selectors
from billing.payments.models import BookingFee, ClientSubscription
from billing.payments.services.invoices import REMINDER_DAYS, invoice_remind
from billing.payments.services.payments import fee_charge
from billing.payments.services.subscriptions import subscription_mark_past_due, subscription_renew


@dataclass(frozen=True)
class DueWork:
    renewed: int
    fees_charged: int
    reminded: int


def commerce_due_work(*, now: datetime | None = None) -> DueWork:
    """Renewals first (a renewal without a card on file is past due at once; with one, the card is
    charged after commit and a failure makes it past due), then fees, then overdue reminders."""
    now = now or timezone.now()
    renewed = 0
    due = ClientSubscription.objects.filter(status__in=ClientSubscription.LIVE, next_bill_at__lte=now)
    for membership in due.values_list("pk", "client_id"):
        invoice = subscription_renew(subscription_id=membership[0], now=now)
        if invoice is None:
            continue
        renewed += 1
        if invoice.status == "open" and not selectors.client_has_card(client_id=membership[1]):
            subscription_mark_past_due(subscription_id=membership[0], now=now)
    fees = BookingFee.objects.filter(status=BookingFee.Status.PENDING, charge_after__lte=now)
    charged = sum(1 for fee_id in fees.values_list("pk", flat=True) if fee_charge(fee_id=fee_id, now=now))
    overdue = selectors.overdue_invoices(now=now).filter(reminders_sent__lt=len(REMINDER_DAYS))
    reminded = sum(1 for pk in overdue.values_list("pk", flat=True) if invoice_remind(invoice_id=pk, now=now))
    return DueWork(renewed=renewed, fees_charged=charged, reminded=reminded)
