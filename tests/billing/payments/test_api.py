"""The commerce API: seed paths, who sees what, 4xx for bad input with nothing changed, a real PDF."""

from __future__ import annotations

from billing.money import money_format
from billing.payments.models import Invoice, Package, Payment
from tests.billing.payments.conftest import NOW
from tests.domain.api_helpers import send
from tests.factories.core import ClientFactory, OwnerFactory, TrainerFactory
from tests.factories.payments import MembershipFactory


def test_managers_create_packages_and_clients_see_those_on_sale(api_client, manager, member, currency):
    status, body = send(
        api_client(manager),
        "post",
        "/api/v1/packages",
        {
            "kind": "pack",
            "name": "5 classes",
            "price_amount": 5500,
            "credits": 5,
            "expiry_days": 60,
            "tax_rate_bp": 2000,
        },
    )
    assert status == 201, body
    assert (body["price_amount"], body["currency"], body["credits"], body["is_active"]) == (5500, currency, 5, True)
    status, listed = send(api_client(member), "get", "/api/v1/packages")
    assert status == 200
    assert [p["name"] for p in listed] == ["5 classes"]
    # a client cannot create one
    status, _refused = send(
        api_client(member), "post", "/api/v1/packages", {"kind": "pack", "name": "x", "price_amount": 1, "credits": 1}
    )
    assert status == 403
    assert Package.objects.count() == 1


def test_bad_package_input_is_a_4xx_and_creates_nothing(api_client, manager):
    status, body = send(
        api_client(manager), "post", "/api/v1/packages", {"kind": "pack", "name": "x", "price_amount": -5}
    )
    assert status == 422
    status, body = send(
        api_client(manager), "post", "/api/v1/packages", {"kind": "pack", "name": "x", "price_amount": 5}
    )
    assert (status, body["code"]) == (400, "package_invalid")
    assert "credits" in body["fields"]
    assert not Package.objects.exists()


def test_a_package_name_is_one_line_as_a_studios_name_is(api_client, manager, pack):
    one_line = "Use one line of text, without line breaks."
    # when a package is created, or replaced, with a line break (or another control character) in its name
    for name in ("5 classes\nBcc: x@example.com", "5 classes\u2028", "5\tclasses"):
        body = {"kind": "pack", "name": name, "price_amount": 5, "credits": 5}
        status, answer = send(api_client(manager), "post", "/api/v1/packages", body)
        # then it is refused by the field, with the studio name's words
        assert (status, answer["code"], answer["fields"]) == (400, "package_invalid", {"name": one_line})
        status, answer = send(api_client(manager), "post", f"/api/v1/packages/{pack.pk}/replace", {"name": name})
        assert (status, answer["fields"]) == (400, {"name": one_line})
    # and nothing changed: the pack is still on sale, alone
    assert list(Package.objects.values_list("pk", "is_active")) == [(pack.pk, True)]


def test_the_legal_name_and_tax_id_on_invoices_are_one_line(api_client, tenant):
    owner = OwnerFactory()
    body = {"late_cancel_fee_amount": 0, "no_show_fee_amount": 0, "fee_waive_hours": 0, "strike_limit": 0}
    body |= {"strike_window_days": 1, "strike_block_days": 1, "past_due_grace_days": 0, "invoice_due_days": 0}
    body |= {"invoice_prefix": "", "address": "1 Gym Lane\nLondon", "invoice_footer": "Thanks\nSee you"}
    for field in ("legal_name", "tax_id"):
        sent = {"legal_name": "Alpha Ltd", "tax_id": "GB1", field: "Alpha\r\nLtd"}
        status, answer = send(api_client(owner), "put", "/api/v1/commerce/policy", body | sent)
        assert (status, answer["code"], answer["fields"]) == (
            400,
            "policy_invalid",
            {field: "Use one line of text, without line breaks."},
        )
    # an address and a footer are many lines by nature
    status, saved = send(api_client(owner), "put", "/api/v1/commerce/policy", body | {"legal_name": "A", "tax_id": ""})
    assert (status, saved["address"]) == (200, "1 Gym Lane\nLondon")


def test_a_client_buys_a_pack_and_staff_record_the_cash(api_client, manager, member, pack):
    status, sale = send(api_client(member), "post", f"/api/v1/clients/{member.pk}/purchases", {"package_id": pack.pk})
    assert status == 201, sale
    invoice = sale["invoice"]
    assert (invoice["status"], invoice["total_amount"], invoice["tax_amount"], invoice["amount_due"]) == (
        "open",
        10000,
        1667,
        10000,
    )
    assert sale["pack"]["credits_remaining"] == 0
    status, payment = send(
        api_client(manager),
        "post",
        "/api/v1/payments",
        {"invoice_id": invoice["id"], "amount": 10000, "method": "cash"},
    )
    assert status == 201, payment
    status, credits = send(api_client(member), "get", f"/api/v1/clients/{member.pk}/credits")
    assert (status, credits["credits_remaining"]) == (200, 10)
    status, ledger = send(api_client(member), "get", f"/api/v1/clients/{member.pk}/credits/ledger")
    assert [(row["delta"], row["reason"]) for row in ledger["items"]] == [(10, "purchase")]
    status, got = send(api_client(member), "get", f"/api/v1/invoices/{invoice['id']}")
    assert (status, got["status"], got["amount_paid"]) == (200, "paid", 10000)
    status, mine = send(api_client(member), "get", "/api/v1/payments")
    assert [p["amount"] for p in mine["items"]] == [10000]


def test_a_client_never_sees_another_client_s_invoice_or_wallet(api_client, member, pack, buy):
    sale = buy(member, pack, now=NOW)
    stranger = ClientFactory()
    assert send(api_client(stranger), "get", f"/api/v1/invoices/{sale.invoice.pk}")[0] == 404
    assert send(api_client(stranger), "get", f"/api/v1/invoices/{sale.invoice.pk}/pdf")[0] == 404
    assert send(api_client(stranger), "get", f"/api/v1/clients/{member.pk}/credits")[0] == 404
    assert send(api_client(stranger), "get", "/api/v1/payments")[1]["items"] == []
    # a trainer not assigned to the client does not see them either
    assert send(api_client(TrainerFactory()), "get", f"/api/v1/clients/{member.pk}/credits")[0] == 404


def test_the_invoice_pdf_is_a_real_pdf_with_the_studio_s_legal_details(api_client, member, pack, buy, tenant):
    from billing.payments.models import CommercePolicy

    CommercePolicy.objects.update_or_create(
        key=1, defaults={"legal_name": "Alpha Strength Ltd", "tax_id": "GB123456789", "address": "1 Gym Lane"}
    )
    sale = buy(member, pack, now=NOW)
    response = api_client(member).get(f"/api/v1/invoices/{sale.invoice.pk}/pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    from billing.payments.documents import invoice_html

    html = invoice_html(Invoice.objects.get(pk=sale.invoice.pk))
    for text in ("Alpha Strength Ltd", "GB123456789", sale.invoice.number, "100.00", "16.67"):
        assert text in html


def test_subscribe_pause_and_cancel_terms_through_the_api(api_client, member, manager, currency):
    package = MembershipFactory(currency=currency, minimum_term_periods=2)
    client = api_client(member)
    status, sale = send(client, "post", f"/api/v1/clients/{member.pk}/subscribe", {"package_id": package.pk})
    assert status == 201, sale
    send(
        api_client(manager),
        "post",
        "/api/v1/payments",
        {"invoice_id": sale["invoice"]["id"], "amount": 6000, "method": "cash"},
    )
    status, memberships = send(client, "get", f"/api/v1/clients/{member.pk}/subscription")
    assert (status, memberships[0]["status"]) == (200, "active")
    membership_id = memberships[0]["id"]
    status, terms = send(client, "get", f"/api/v1/memberships/{membership_id}/cancel-terms")
    assert (terms["remaining_periods"], terms["remaining_amount"]) == (1, 6000)
    # a client may not cancel "now" (a staff action with refunds)
    status, _body = send(client, "post", f"/api/v1/memberships/{membership_id}/cancel", {"when": "now"})
    assert status == 403
    status, cancelled = send(client, "post", f"/api/v1/memberships/{membership_id}/cancel", {"when": "period_end"})
    assert (status, cancelled["cancel_at"] is not None, cancelled["status"]) == (200, True, "active")


def test_a_pack_is_not_a_membership_for_subscribe(api_client, member, pack):
    status, body = send(api_client(member), "post", f"/api/v1/clients/{member.pk}/subscribe", {"package_id": pack.pk})
    assert (status, body["code"]) == (400, "not_a_membership")
    assert not Invoice.objects.exists()


def test_refunds_are_for_managers_and_never_exceed_the_payment(api_client, manager, member, pack, buy):
    buy(member, pack, now=NOW)
    payment = Payment.objects.get()
    assert send(api_client(member), "post", f"/api/v1/payments/{payment.pk}/refund", {"amount": 100})[0] == 403
    status, body = send(api_client(manager), "post", f"/api/v1/payments/{payment.pk}/refund", {"amount": 10001})
    assert (status, body["code"]) == (400, "amount_exceeds_due")
    assert body["detail"] == f"That is more than the {money_format(payment.amount, payment.currency)} left to refund."
    status, refund = send(api_client(manager), "post", f"/api/v1/payments/{payment.pk}/refund", {"amount": 2500})
    assert (status, refund["amount"]) == (201, 2500)
    payment.refresh_from_db()
    assert payment.amount_refunded == 2500


def test_only_the_owner_changes_the_billing_policy(api_client, manager):
    owner = OwnerFactory()
    body = {
        "late_cancel_fee_amount": 1000,
        "no_show_fee_amount": 1500,
        "fee_waive_hours": 24,
        "strike_limit": 3,
        "strike_window_days": 30,
        "strike_block_days": 7,
        "past_due_grace_days": 3,
        "invoice_due_days": 14,
        "invoice_prefix": "AS-",
        "legal_name": "Alpha Ltd",
        "address": "",
        "tax_id": "",
        "invoice_footer": "",
    }
    assert send(api_client(manager), "put", "/api/v1/commerce/policy", body)[0] == 403
    status, saved = send(api_client(owner), "put", "/api/v1/commerce/policy", body)
    assert (status, saved["invoice_prefix"], saved["no_show_fee_amount"]) == (200, "AS-", 1500)


def test_cards_on_file_are_listed_and_removed_by_their_client_or_staff_who_see_them(api_client, member, manager):
    from billing.payments.models import SavedCard

    card = SavedCard.objects.create(
        client=member, stripe_customer_id="cus_1", stripe_payment_method_id="pm_1", brand="visa", last4="4242"
    )
    status, body = send(api_client(member), "get", f"/api/v1/clients/{member.pk}/cards")
    assert (status, [(c["brand"], c["last4"], c["is_default"]) for c in body]) == (200, [("visa", "4242", True)])
    assert send(api_client(ClientFactory()), "get", f"/api/v1/clients/{member.pk}/cards")[0] == 404
    assert send(api_client(ClientFactory()), "delete", f"/api/v1/cards/{card.pk}")[0] == 404
    assert send(api_client(TrainerFactory()), "delete", f"/api/v1/cards/{card.pk}")[0] == 404  # not their client
    assert send(api_client(manager), "delete", f"/api/v1/cards/{card.pk}")[0] == 204
    assert not SavedCard.objects.exists()


def test_refunding_a_fully_refunded_payment_is_a_conflict_of_its_own(api_client, manager, member, pack, buy):
    buy(member, pack, now=NOW)
    payment = Payment.objects.get()
    url = f"/api/v1/payments/{payment.pk}/refund"
    # given a payment refunded in full
    assert send(api_client(manager), "post", url, {})[0] == 201
    # when it is refunded again, in full or in part
    for body in ({}, {"amount": 1}):
        status, answer = send(api_client(manager), "post", url, body)
        # then a 409 that says there is nothing left, and no second refund
        assert (status, answer["code"]) == (409, "nothing_to_refund"), answer
        assert answer["detail"] == "Nothing is left to refund on this payment."
    payment.refresh_from_db()
    assert (payment.amount_refunded, payment.refunds.count()) == (payment.amount, 1)
