"""Background work of studio commerce. Tasks take ids, run in their studio's schema, and are idempotent.

Queue them with `queue_after_commit` (core.tenancy, re-exported here): bound to the studio even when the
commit happens after a Stripe handler has left the studio's schema."""

from __future__ import annotations

from celery import shared_task

from core.db import tenant_connection
from core.tenancy import queue_after_commit


@shared_task(name="payments.invoice_email", ignore_result=True)
def invoice_email(invoice_id: int, kind: str, number: int = 0) -> bool:
    """Email the invoice (with its PDF) to the client: kind is "invoice", "receipt" or "reminder" (its
    `number`: 1st, 2nd, ...)."""
    from billing.payments.documents import invoice_send

    return invoice_send(invoice_id=invoice_id, kind=kind, number=number)


@shared_task(name="payments.invoice_collect", ignore_result=True)
def invoice_collect(invoice_id: int) -> str:
    """Charge an open invoice to the client's card on file, if they have one (see services/cards.py)."""
    from billing.payments.services.cards import invoice_charge_saved_card

    return invoice_charge_saved_card(invoice_id=invoice_id)


@shared_task(name="payments.card_refund_send", ignore_result=True)
def card_refund_send(refund_id: int) -> bool:
    from billing.payments.services.cards import refund_send

    return refund_send(refund_id=refund_id)


@shared_task(name="payments.card_detach", ignore_result=True)
def card_detach(payment_method: str) -> bool:
    """Detach a removed card from its customer on the studio's Stripe account (it cannot be charged again)."""
    from billing.saved_cards import studio_payment_method_detach

    return studio_payment_method_detach(studio=tenant_connection.tenant, payment_method=payment_method)


@shared_task(name="payments.due_work", ignore_result=True)
def due_work() -> dict[str, int]:
    """This studio's renewals, fees and overdue reminders (queued for each studio by the sweep)."""
    from billing.payments.services.dunning import commerce_due_work

    return commerce_due_work().__dict__


@shared_task(name="payments.due_work_sweep", ignore_result=True)
def due_work_sweep() -> int:
    """Beat, every 15 minutes: queue `due_work` in every active studio's schema."""
    from core.tenancy import studios_fan_out

    return studios_fan_out(due_work)


__all__ = [
    "card_detach",
    "card_refund_send",
    "due_work",
    "due_work_sweep",
    "invoice_collect",
    "invoice_email",
    "queue_after_commit",
]
