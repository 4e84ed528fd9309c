"""Invoice documents: the PDF (HTML rendered by WeasyPrint) and the branded email that carries it.

Times on the document are in the studio's zone; amounts are formatted from minor units.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from django.template.loader import render_to_string
from django.utils import timezone, translation

from billing.payments.models import Invoice
from billing.payments.money import format_money
from core.branding import branding_for
from core.db import tenant_connection
from core.emails import branded_email
from core.preferences import preferences_of
from core.tenancy import studio_base_url


def _context(invoice: Invoice) -> dict[str, Any]:
    studio = tenant_connection.tenant
    zone = ZoneInfo(invoice.seller.get("timezone") or studio.timezone)

    def local(moment: Any) -> Any:
        return timezone.localtime(moment, zone) if moment else None

    lines = [
        {
            "description": line.description,
            "quantity": line.quantity,
            "unit": format_money(line.unit_amount, invoice.currency),
            "rate": f"{line.tax_rate_bp / 100:g} %" + ("" if line.tax_inclusive else " +"),
            "tax": format_money(line.tax_amount, invoice.currency),
            "total": format_money(line.total_amount, invoice.currency),
        }
        for line in invoice.lines.all()
    ]
    return {
        "invoice": invoice,
        "lines": lines,
        "issued_at": local(invoice.issued_at),
        "due_at": local(invoice.due_at),
        "paid_at": local(invoice.paid_at),
        "subtotal": format_money(invoice.subtotal_amount, invoice.currency),
        "tax": format_money(invoice.tax_amount, invoice.currency),
        "total": format_money(invoice.total_amount, invoice.currency),
        "paid": format_money(invoice.amount_paid, invoice.currency),
        "due": format_money(invoice.amount_due, invoice.currency),
        "branding": branding_for(studio, base_url=studio_base_url()),
    }


def invoice_html(invoice: Invoice) -> str:
    return render_to_string("payments/invoice_pdf.html", _context(invoice))


def invoice_pdf(invoice: Invoice) -> bytes:
    """The invoice as PDF bytes (A4), rendered by WeasyPrint from `payments/invoice_pdf.html`."""
    from weasyprint import HTML

    return HTML(string=invoice_html(invoice), base_url=studio_base_url()).write_pdf()


def invoice_send(*, invoice_id: int, kind: str, number: int = 0) -> bool:
    """Email the invoice with its PDF to the client ("invoice", "receipt" or "reminder", `number` telling
    reminders apart in the idempotency key); False if not sendable."""
    invoice = Invoice.objects.select_related("client").prefetch_related("lines").filter(pk=invoice_id).first()
    if invoice is None or invoice.number is None or not invoice.client.email:
        return False
    studio = tenant_connection.tenant
    # the client's own language (their preferences), else the studio's: the email and its PDF alike
    language = preferences_of(invoice.client).language or getattr(studio, "locale", None) or "en"
    with translation.override(language):
        message = branded_email(
            template_prefix=f"emails/payments/{kind}",
            to=[invoice.client.email],
            context={**_context(invoice), "person": invoice.client},
            studio=studio,
            base_url=studio_base_url(),
            headers={"X-Idempotency-Key": f"invoice-{tenant_connection.schema_name}-{invoice.pk}-{kind}{number or ''}"},
            language=language,
        )
        message.attach(f"{invoice.number}.pdf", invoice_pdf(invoice), "application/pdf")
    message.send()
    _notice_in_app(invoice, kind=kind, subject=str(message.subject))
    return True


def _notice_in_app(invoice: Invoice, *, kind: str, subject: str) -> None:
    """The same notice in the client's bell, through messaging's notification service (the email with the PDF
    has gone above; the key makes a repeat a no-op)."""
    from domain.messaging.services import notify

    total = format_money(invoice.total_amount, invoice.currency)
    notify(
        user=invoice.client,
        kind="payments.notice",
        key=f"invoice-{invoice.pk}-{kind}",
        title=subject[:200],
        body=f"{invoice.number}: {total}",
        link="/wallet/",
        channels=[],
    )
