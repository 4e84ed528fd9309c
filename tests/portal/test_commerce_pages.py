"""Commerce pages: the client's shop and wallet, the staff's sales desk, the owner's billing settings."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation

from billing.payments.models import ClientPack, CommercePolicy, Invoice, Payment
from core.models import Role
from tests.factories.payments import PackFactory


def test_a_client_buys_from_the_shop_and_the_wallet_shows_the_open_invoice(signed_in, tenant):
    pack = PackFactory(currency=tenant.currency, name="Ten classes")
    browser, client = signed_in(Role.CLIENT)
    page = browser.get("/shop/")
    assert page.status_code == 200
    assert "Ten classes" in page.content.decode()
    assert "100.00" in page.content.decode()
    response = browser.post(f"/shop/buy/{pack.pk}/")
    invoice = Invoice.objects.get(client=client)
    assert response.status_code == 302
    assert response["Location"] == f"/wallet/#invoice-{invoice.pk}"
    wallet = browser.get("/wallet/").content.decode()
    assert invoice.number in wallet
    assert "Pay by card" in wallet
    assert ClientPack.objects.get(client=client).status == "pending"


def test_the_sales_desk_sells_and_records_cash_then_the_credits_are_there(signed_in, tenant):
    pack = PackFactory(currency=tenant.currency)
    desk, _manager = signed_in(Role.MANAGER)
    _browser, client = signed_in(Role.CLIENT)
    assert desk.get(f"/sales/?client={client.pk}").status_code == 200
    desk.post("/sales/sell/", {"client": client.pk, "package": pack.pk})
    invoice = Invoice.objects.get(client=client)
    desk.post(f"/sales/invoices/{invoice.pk}/payment/", {"amount": "100.00", "method": "cash", "reference": "till 2"})
    invoice.refresh_from_db()
    assert (invoice.status, Payment.objects.get().reference) == ("paid", "till 2")
    assert ClientPack.objects.get(client=client).credits_remaining == 10
    # a bad amount is refused with a message and records nothing more
    response = desk.post(f"/sales/invoices/{invoice.pk}/payment/", {"amount": "x", "method": "cash"}, follow=True)
    assert f"Enter an amount in {tenant.currency}, such as 79.00." in response.content.decode()
    assert Payment.objects.count() == 1


@pytest.fixture
def language_restored() -> Iterator[None]:
    """A page in another language leaves it active on the test's thread; later tests speak English again."""
    with translation.override(translation.get_language()):
        yield


def test_the_sales_desk_takes_money_as_money_in_the_staffs_language(signed_in, tenant, language_restored):
    pack = PackFactory(currency=tenant.currency, price_amount=7900)
    desk, _manager = signed_in(Role.MANAGER)
    _browser, client = signed_in(Role.CLIENT)
    desk.cookies["django_language"] = "de"
    desk.post("/sales/sell/", {"client": client.pk, "package": pack.pk})
    invoice = Invoice.objects.get(client=client)
    # the form offers what is due as money, written the German way
    page = desk.get(f"/sales/?client={client.pk}").content.decode()
    assert 'name="amount" inputmode="decimal" value="79,00"' in page
    url = f"/sales/invoices/{invoice.pk}/payment/"
    # more decimals than the currency has are refused, and nothing is recorded
    refused = desk.post(url, {"amount": "29,001", "method": "cash"}, follow=True).content.decode()
    assert f"{tenant.currency}-Beträge haben höchstens 2 Nachkommastellen." in refused
    assert not Payment.objects.exists()
    # 29,29 and then 49.71 are exact cents (29.29 as a float is 2928.9999... cents)
    desk.post(url, {"amount": "29,29", "method": "cash"})
    desk.post(url, {"amount": "49.71", "method": "cash"})
    assert sorted(Payment.objects.values_list("amount", flat=True)) == [2929, 4971]
    invoice.refresh_from_db()
    assert invoice.status == "paid"
    # a refund is typed the same way; empty refunds all that is left
    payment = Payment.objects.get(amount=4971)
    desk.post(f"/sales/payments/{payment.pk}/refund/", {"amount": "0,71"})
    payment.refresh_from_db()
    assert payment.amount_refunded == 71


def test_clients_cannot_open_the_sales_desk_or_the_settings(signed_in):
    browser, _client = signed_in(Role.CLIENT)
    assert browser.get("/sales/").status_code == 404
    assert browser.get("/settings/billing/").status_code == 404


def test_the_owner_sets_fees_and_invoice_details(signed_in):
    browser, _owner = signed_in(Role.OWNER)
    assert browser.get("/settings/billing/").status_code == 200
    form = {
        "late_cancel_fee_amount": 1000,
        "no_show_fee_amount": 1500,
        "fee_waive_hours": 24,
        "strike_limit": 3,
        "strike_window_days": 30,
        "strike_block_days": 7,
        "past_due_grace_days": 3,
        "invoice_due_days": 14,
        "invoice_prefix": "AS-",
        "legal_name": "Alpha Strength Ltd",
        "address": "1 Gym Lane",
        "tax_id": "GB1",
        "invoice_footer": "",
    }
    assert browser.post("/settings/billing/", form).status_code == 302
    policy = CommercePolicy.objects.get()
    assert (policy.no_show_fee_amount, policy.legal_name, policy.invoice_prefix) == (1500, "Alpha Strength Ltd", "AS-")
    # a legal name or tax id with a line break is refused by its field, as a studio's name is, and nothing changes
    for field in ("legal_name", "tax_id"):
        page = browser.post("/settings/billing/", {**form, field: "Alpha\nBcc: x@example.com", "no_show_fee_amount": 9})
        assert page.status_code == 200
        assert page.context["form"].errors[field] == ["Use one line of text, without line breaks."]
    policy.refresh_from_db()
    assert (policy.no_show_fee_amount, policy.legal_name, policy.tax_id) == (1500, "Alpha Strength Ltd", "GB1")


def test_the_wallet_lists_the_card_on_file_and_its_client_removes_it(signed_in, tenant):
    from billing.payments.models import SavedCard

    browser, client = signed_in(Role.CLIENT)
    card = SavedCard.objects.create(
        client=client, stripe_customer_id="cus_1", stripe_payment_method_id="pm_1", brand="visa", last4="4242"
    )
    wallet = browser.get("/wallet/").content.decode()
    assert "Visa •••• 4242" in wallet
    response = browser.post(f"/wallet/cards/{card.pk}/remove/", follow=True)
    assert "The card ending 4242 was removed" in response.content.decode()
    assert not SavedCard.objects.filter(client=client).exists()
    assert "No card on file" in response.content.decode()


def test_staff_see_overdue_invoices_with_their_reminders_and_every_payment_and_clients_their_own(signed_in, tenant):
    from datetime import timedelta

    from django.utils import timezone

    from billing.payments import services

    pack = PackFactory(currency=tenant.currency)
    desk, manager = signed_in(Role.MANAGER)
    browser, client = signed_in(Role.CLIENT)
    sold = services.package_purchase(actor=manager, client_id=client.pk, package_id=pack.pk)
    paid = services.package_purchase(actor=manager, client_id=client.pk, package_id=pack.pk)
    services.payment_record_manual(actor=manager, invoice_id=paid.invoice.pk, amount=10000, method="cash")
    Invoice.objects.filter(pk=sold.invoice.pk).update(due_at=timezone.now() - timedelta(days=1))
    assert services.invoice_remind(invoice_id=sold.invoice.pk)
    page = desk.get("/sales/").content.decode()
    assert sold.invoice.number in page
    assert "reminded once" in page
    assert "Recent payments" in page
    assert paid.invoice.number in page
    wallet = browser.get("/wallet/").content.decode()
    assert "Payments" in wallet
    assert "Cash" in wallet
