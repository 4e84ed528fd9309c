"""Commerce's share of a client's export and erasure.

Export: invoices (rows and each finalised invoice as its PDF), payments, refunds, packs, memberships,
credit movements, fees and strikes. Erasure keeps every financial record, as tax law requires, but
de-identified: the buyer printed on invoices becomes "Erased client", free-text notes go, saved cards go
(and are detached from their Stripe customer after commit).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from billing.payments.documents import invoice_pdf
from billing.payments.models import (
    BookingFee,
    BookingUse,
    ClientPack,
    ClientSubscription,
    CreditMovement,
    Invoice,
    InvoiceLine,
    InvoiceReminder,
    Payment,
    PaymentDispute,
    Refund,
    SavedCard,
    Strike,
)
from core.models import User
from core.privacy import ExportFile, ExportPart, erase_part, export_part, rows

STRIPE_IDS = ["stripe_checkout_session_id", "stripe_payment_intent_id", "checkout_url"]


@export_part("payments")
def export(client: User) -> ExportPart:
    invoices = list(Invoice.objects.filter(client=client).prefetch_related("lines").order_by("pk"))
    return ExportPart(
        data={
            "invoices": rows(invoices),
            "invoice_lines": rows(InvoiceLine.objects.filter(invoice__client=client)),
            "payments": rows(Payment.objects.filter(client=client), leave_out=STRIPE_IDS),
            "refunds": rows(Refund.objects.filter(payment__client=client), leave_out=["stripe_refund_id"]),
            "disputes": rows(PaymentDispute.objects.filter(payment__client=client), leave_out=["stripe_dispute_id"]),
            "invoice_reminders": rows(InvoiceReminder.objects.filter(invoice__client=client)),
            "packs": rows(ClientPack.objects.filter(client=client)),
            "memberships": rows(ClientSubscription.objects.filter(client=client)),
            "credit_movements": rows(CreditMovement.objects.filter(pack__client=client)),
            "bookings_paid_for": rows(BookingUse.objects.filter(client=client)),
            "fees": rows(BookingFee.objects.filter(client=client)),
            "strikes": rows(Strike.objects.filter(client=client)),
            "saved_cards": rows(
                SavedCard.objects.filter(client=client),
                leave_out=["stripe_customer_id", "stripe_payment_method_id", "fingerprint"],
            ),
        },
        files=[
            ExportFile(path=f"invoices/{invoice.number}.pdf", content=invoice_pdf(invoice))
            for invoice in invoices
            if invoice.number
        ],
    )


@erase_part("payments")
def erase(client: User) -> list[str]:
    Invoice.objects.filter(client=client).update(buyer={"name": _("Erased client"), "email": ""})
    Payment.objects.filter(client=client).update(note="", checkout_url="", failure_message="")
    from billing.payments.tasks import card_detach, queue_after_commit

    for payment_method in SavedCard.objects.filter(client=client).values_list("stripe_payment_method_id", flat=True):
        queue_after_commit(card_detach, payment_method=payment_method)  # Stripe forgets the card too
    SavedCard.objects.filter(client=client).delete()
    Strike.objects.filter(client=client).delete()
    return []
