"""Card money through the billing plumbing (billing/ owns every Stripe call): saved-card charges, refunds.

Until a studio's connected account can charge, an open invoice simply stays open for the client to pay.
"""

from __future__ import annotations

from billing.payments.models import Invoice, Refund, SavedCard


def invoice_charge_saved_card(*, invoice_id: int) -> str:
    """Charge an open invoice to the client's default card: "no_card", "not_open" or what Stripe answered."""
    invoice = Invoice.objects.filter(pk=invoice_id).first()
    if invoice is None or invoice.status != Invoice.Status.OPEN:
        return "not_open"
    card = SavedCard.objects.filter(client_id=invoice.client_id).first()
    if card is None:
        return "no_card"
    return "no_card"


def refund_send(*, refund_id: int) -> bool:
    return Refund.objects.filter(pk=refund_id, stripe_refund_id__isnull=False).exists()
