"""Selling packages: an invoice first, numbered at finalisation; what it sells is usable once paid."""

from __future__ import annotations

from datetime import timedelta

import pytest

from billing.money import money_format
from billing.payments import selectors, services
from billing.payments.models import ClientPack, CreditMovement, Invoice, Package, Payment
from core.exceptions import ConflictError, PermissionDeniedError, ValidationError
from core.models import AuditEvent
from tests.billing.payments.conftest import NOW
from tests.factories.core import ClientFactory


def test_a_pack_is_sold_on_a_numbered_invoice_and_its_credits_count_once_paid(manager, member, pack, currency):
    # when a manager sells a 10-credit pack (100.00 incl. 20 % tax)
    sale = services.package_purchase(actor=manager, client_id=member.pk, package_id=pack.pk, now=NOW)
    # then an open invoice carries the studio's next number and exact amounts; no credits yet
    invoice = sale.invoice
    assert invoice.status == Invoice.Status.OPEN
    assert invoice.number == f"INV-{invoice.sequence:06d}"
    assert (invoice.subtotal_amount, invoice.tax_amount, invoice.total_amount, invoice.currency) == (
        8333,
        1667,
        10000,
        currency,
    )
    assert invoice.due_at == NOW + timedelta(days=14)
    assert sale.pack.status == ClientPack.Status.PENDING
    assert sale.pack.credits_remaining == 0

    # when 40.00 is paid in cash, then 60.00 by bank transfer
    services.payment_record_manual(actor=manager, invoice_id=invoice.pk, amount=4000, method="cash", now=NOW)
    invoice.refresh_from_db()
    assert (invoice.status, invoice.amount_paid, invoice.amount_due) == (Invoice.Status.OPEN, 4000, 6000)
    services.payment_record_manual(
        actor=manager, invoice_id=invoice.pk, amount=6000, method="bank_transfer", reference="TX-1", now=NOW
    )
    # then the invoice is paid and the pack holds 10 credits valid for 90 days from the purchase
    invoice.refresh_from_db()
    sale.pack.refresh_from_db()
    assert (invoice.status, invoice.amount_paid, invoice.paid_at) == (Invoice.Status.PAID, 10000, NOW)
    assert (sale.pack.status, sale.pack.credits_remaining) == (ClientPack.Status.ACTIVE, 10)
    assert sale.pack.expires_at == NOW + timedelta(days=90)
    assert list(CreditMovement.objects.filter(pack=sale.pack).values_list("delta", "reason")) == [(10, "purchase")]
    assert AuditEvent.objects.filter(action="payment.record").count() == 2


def test_paying_more_than_is_due_changes_nothing(manager, member, pack):
    sale = services.package_purchase(actor=manager, client_id=member.pk, package_id=pack.pk, now=NOW)
    with pytest.raises(ValidationError) as refused:
        services.payment_record_manual(actor=manager, invoice_id=sale.invoice.pk, amount=10001, method="cash")
    assert refused.value.code == "amount_exceeds_due"
    # and the refusal names what is due as money, not as minor units
    assert refused.value.message == f"That is more than the {money_format(10000, sale.invoice.currency)} still due."
    assert not Payment.objects.filter(invoice=sale.invoice).exists()


def test_a_client_buys_only_for_themself_and_a_trainer_does_not_sell(pack, member):
    from core.exceptions import NotFoundError
    from tests.factories.clients import assigned_client
    from tests.factories.core import TrainerFactory

    other = ClientFactory()
    with pytest.raises(NotFoundError):  # another client is as unknown as another studio's
        services.package_purchase(actor=other, client_id=member.pk, package_id=pack.pk)
    trainer = TrainerFactory()
    theirs = assigned_client(trainer)
    with pytest.raises(PermissionDeniedError):
        services.package_purchase(actor=trainer, client_id=theirs.pk, package_id=pack.pk)
    assert not Invoice.objects.exists()


def test_a_live_package_is_never_edited_in_place_buyers_keep_their_terms(manager, member, pack, buy):
    # given a client who bought the pack at 100.00
    bought = buy(member, pack, now=NOW)
    # when the manager raises the price
    successor = services.package_replace(actor=manager, package_id=pack.pk, price_amount=12000)
    # then the old package is closed, the new one replaces it, and the buyer's pack is untouched
    pack.refresh_from_db()
    assert (pack.is_active, pack.price_amount) == (False, 10000)
    assert (successor.is_active, successor.price_amount, successor.replaces_id, successor.credits) == (
        True,
        12000,
        pack.pk,
        10,
    )
    bought.pack.refresh_from_db()
    assert bought.pack.package_id == pack.pk
    assert bought.pack.credits_remaining == 10
    # and the closed one cannot be bought any more
    with pytest.raises(ConflictError) as refused:
        services.package_purchase(actor=manager, client_id=member.pk, package_id=pack.pk)
    assert refused.value.code == "package_closed"
    on_sale = list(selectors.package_list())
    assert successor in on_sale
    assert pack not in on_sale


def test_bad_package_terms_are_refused_with_fields(manager):
    with pytest.raises(ValidationError) as refused:
        services.package_create(actor=manager, kind="pack", name="", price_amount=-1, credits=0)
    assert set(refused.value.extra["fields"]) == {"name", "price_amount", "credits"}
    assert not Package.objects.exists()


def test_voiding_an_unpaid_sale_voids_its_pack_and_keeps_the_number(manager, member, pack):
    sale = services.package_purchase(actor=manager, client_id=member.pk, package_id=pack.pk, now=NOW)
    services.invoice_void(actor=manager, invoice_id=sale.invoice.pk, now=NOW)
    sale.invoice.refresh_from_db()
    sale.pack.refresh_from_db()
    assert (sale.invoice.status, sale.invoice.number is not None) == (Invoice.Status.VOID, True)
    assert sale.pack.status == ClientPack.Status.VOID


def test_a_program_bought_is_assigned(manager, member, tenant):
    from domain.programs.models import ClientProgram
    from tests.factories.programs import template as program_template

    template = program_template(actor=manager)
    package = services.package_create(
        actor=manager, kind="program", name="12-week strength", price_amount=4900, program_template_id=template.pk
    )
    sale = services.package_purchase(actor=manager, client_id=member.pk, package_id=package.pk)
    assert not ClientProgram.objects.filter(client=member).exists()
    services.payment_record_manual(actor=manager, invoice_id=sale.invoice.pk, amount=4900, method="cash")
    assert ClientProgram.objects.filter(client=member).count() == 1


def test_the_invoice_email_links_to_the_wallet_on_the_platforms_port(manager, member, pack, settings):
    """`make run` serves on a port: the invoice email's wallet link lost it (its own copy of the studio's
    address, without PLATFORM_URL_PORT), a dead link."""
    from django.core import mail
    from django.db import connection

    from billing.payments.documents import invoice_send

    settings.PLATFORM_URL_PORT = "8107"
    sale = services.package_purchase(actor=manager, client_id=member.pk, package_id=pack.pk, now=NOW)
    mail.outbox.clear()
    assert invoice_send(invoice_id=sale.invoice.pk, kind="invoice")
    (message,) = mail.outbox
    assert f"http://{connection.tenant.slug}.localhost:8107/wallet/" in message.body
