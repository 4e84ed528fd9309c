"""Periodic money work: renewals without a card go past due; fees are invoiced; overdue invoices are reminded
once, by a branded email with the PDF attached (sent after commit)."""

from __future__ import annotations

from datetime import timedelta

from django.core import mail

from billing.payments import services
from billing.payments.models import BookingFee, ClientSubscription, CommercePolicy, Invoice
from billing.payments.services.dunning import commerce_due_work
from tests.billing.payments.conftest import NOW
from tests.factories.payments import MembershipFactory
from tests.factories.scheduling import AppointmentFactory


def test_overdue_invoices_are_reminded_once_after_commit(
    member, pack, manager, django_capture_on_commit_callbacks, tenant
):
    sale = services.package_purchase(actor=manager, client_id=member.pk, package_id=pack.pk, now=NOW)
    mail.outbox.clear()
    before_due = NOW + timedelta(days=13)
    assert commerce_due_work(now=before_due).reminded == 0
    overdue = NOW + timedelta(days=15)
    with django_capture_on_commit_callbacks(execute=True):
        assert commerce_due_work(now=overdue).reminded == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert commerce_due_work(now=overdue + timedelta(days=1)).reminded == 0
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [member.email]
    assert sale.invoice.number in message.subject
    assert tenant.name in message.subject
    (name, content, mimetype) = message.attachments[0]
    assert (name, mimetype) == (f"{sale.invoice.number}.pdf", "application/pdf")
    assert content.startswith(b"%PDF-")
    assert "100.00" in message.body


def test_a_renewal_without_a_card_on_file_is_past_due_and_paying_it_clears_that(member, manager, buy, currency):
    m = buy(member, MembershipFactory(currency=currency), now=NOW).membership
    due = m.next_bill_at
    work = commerce_due_work(now=due)
    m.refresh_from_db()
    assert (work.renewed, m.status, m.past_due_since) == (1, ClientSubscription.Status.PAST_DUE, due)
    renewal = Invoice.objects.get(subscription=m, status="open")
    services.payment_record_manual(actor=manager, invoice_id=renewal.pk, amount=renewal.total_amount, method="cash")
    m.refresh_from_db()
    assert (m.status, m.past_due_since) == (ClientSubscription.Status.ACTIVE, None)


def test_fees_past_their_waive_window_are_invoiced_by_the_sweep(member, manager):
    CommercePolicy.objects.update_or_create(key=1, defaults={"no_show_fee_amount": 1200, "fee_waive_hours": 12})
    appointment = AppointmentFactory(client=member, starts_at=NOW - timedelta(hours=1))
    services.booking_no_show(
        actor=manager,
        ref=services.BookingRef(
            client=member,
            starts_at=appointment.starts_at,
            label="PT",
            appointment_id=appointment.pk,
            appointment_type_id=appointment.appointment_type_id,
        ),
        now=NOW,
    )
    assert commerce_due_work(now=NOW + timedelta(hours=11)).fees_charged == 0
    assert commerce_due_work(now=NOW + timedelta(hours=12)).fees_charged == 1
    fee = BookingFee.objects.get()
    assert (fee.status, fee.invoice.total_amount, fee.invoice.status) == ("charged", 1200, "open")


def test_a_sale_at_the_desk_emails_the_invoice_and_payment_emails_the_receipt(
    member, pack, manager, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sale = services.package_purchase(actor=manager, client_id=member.pk, package_id=pack.pk, now=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        services.payment_record_manual(actor=manager, invoice_id=sale.invoice.pk, amount=10000, method="cash", now=NOW)
    assert [m.subject.split("] ", 1)[1] for m in mail.outbox] == [
        f"Invoice {sale.invoice.number}",
        f"Receipt for invoice {sale.invoice.number}",
    ]
    assert all(m.attachments[0][2] == "application/pdf" for m in mail.outbox)
    assert mail.outbox[0].alternatives[0][1] == "text/html"  # the branded HTML part


def test_the_beat_sweep_queues_the_due_work_in_every_active_studio(studio, other_studio):
    from billing.payments.tasks import due_work_sweep
    from tenants.models import Studio

    assert due_work_sweep() == Studio.objects.filter(status=Studio.Status.ACTIVE).count() >= 2


def test_an_overdue_invoice_gets_three_reminders_each_once(
    member, pack, manager, django_capture_on_commit_callbacks, tenant
):
    from billing.payments.models import InvoiceReminder

    sale = services.package_purchase(actor=manager, client_id=member.pk, package_id=pack.pk, now=NOW)
    due = sale.invoice.due_at
    mail.outbox.clear()
    for days, expected in ((1, 1), (2, 0), (8, 1), (8, 0), (15, 1), (40, 0)):
        with django_capture_on_commit_callbacks(execute=True):
            assert commerce_due_work(now=due + timedelta(days=days)).reminded == expected, days
    assert list(InvoiceReminder.objects.filter(invoice=sale.invoice).values_list("number", flat=True)) == [1, 2, 3]
    assert [m.extra_headers["X-Idempotency-Key"][-9:] for m in mail.outbox] == ["reminder1", "reminder2", "reminder3"]
