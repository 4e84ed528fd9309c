"""Background work of studio commerce. Tasks take ids, run in their studio's schema, and are idempotent."""

from __future__ import annotations

from typing import Any

from celery import Task, shared_task
from django.db import transaction
from django_tenants.utils import tenant_context

from core.db import tenant_connection


def queue_after_commit(task: Task, /, **kwargs: Any) -> None:
    """Queue `task(**kwargs)` once the transaction commits, bound to the schema it was asked from.

    Unlike `delay_on_commit`, the studio is captured now: a Stripe event is handled inside
    `tenant_context(studio)` but commits after leaving it, when the connection is back on public.
    """
    tenant = tenant_connection.tenant

    def send() -> None:
        with tenant_context(tenant):
            task.delay(**kwargs)

    transaction.on_commit(send)


@shared_task(name="payments.invoice_email", ignore_result=True)
def invoice_email(invoice_id: int, kind: str) -> bool:
    """Email the invoice (with its PDF) to the client: kind is "invoice", "receipt" or "reminder"."""
    from billing.payments.documents import invoice_send

    return invoice_send(invoice_id=invoice_id, kind=kind)


@shared_task(name="payments.invoice_collect", ignore_result=True)
def invoice_collect(invoice_id: int) -> str:
    """Charge an open invoice to the client's card on file, if they have one (see services/cards.py)."""
    from billing.payments.services.cards import invoice_charge_saved_card

    return invoice_charge_saved_card(invoice_id=invoice_id)


@shared_task(name="payments.card_refund_send", ignore_result=True)
def card_refund_send(refund_id: int) -> bool:
    from billing.payments.services.cards import refund_send

    return refund_send(refund_id=refund_id)


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
