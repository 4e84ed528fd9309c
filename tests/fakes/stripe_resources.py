"""The fake's plain resources: customers, products, prices, payment intents, refunds, Checkout Sessions,
Connect accounts and account links, billing-portal sessions, events; plus the hosted pages a person
clicks through (Checkout, Connect onboarding, the card page), as tiny HTML forms.

Each handler is `(fake, params, account, **path_groups) -> dict | (status, dict | html | url)`.
"""

from __future__ import annotations

import html
from typing import Any
from urllib.parse import urlencode

from tests.fakes.stripe_server import FakeStripe, StripeFakeError, as_bool

route = FakeStripe.route
FAILING_CARDS = ("pm_card_chargeCustomerFail", "pm_card_chargeDeclined", "pm_card_visa_chargeDeclined")


def card_succeeds(payment_method: str | None) -> bool:
    """Stripe's test payment methods: `pm_card_visa` pays; the `...Fail`/`...Declined` ones and none do not."""
    return bool(payment_method) and payment_method not in FAILING_CARDS


def _update(obj: dict[str, Any], params: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    previous = {}
    for field in fields:
        if field in params and obj.get(field) != params[field]:
            previous[field] = obj.get(field)
            obj[field] = params[field]
    if "metadata" in params:
        previous["metadata"] = dict(obj["metadata"])
        obj["metadata"].update(params["metadata"])
    return previous


# --- customers, products, prices ---------------------------------------------------------------------
@route("POST", "/v1/customers")
def customer_create(fake: FakeStripe, params: dict[str, Any], account: str | None) -> dict[str, Any]:
    customer = fake.add(
        {
            "id": fake.new_id("cus"),
            "object": "customer",
            "email": params.get("email"),
            "name": params.get("name"),
            "metadata": params.get("metadata", {}),
            "invoice_settings": {"default_payment_method": params.get("payment_method")},
        },
        account=account,
    )
    fake.emit("customer.created", customer, account=account)
    return customer


@route("GET", "/v1/customers/(?P<cid>[^/]+)")
def customer_get(fake: FakeStripe, params: dict[str, Any], account: str | None, cid: str) -> dict[str, Any]:
    return fake.get(cid, account=account, kind="customer")


@route("POST", "/v1/customers/(?P<cid>[^/]+)")
def customer_update(fake: FakeStripe, params: dict[str, Any], account: str | None, cid: str) -> dict[str, Any]:
    customer = fake.get(cid, account=account, kind="customer")
    previous = _update(customer, params, ("email", "name"))
    if "invoice_settings" in params:
        previous["invoice_settings"] = dict(customer["invoice_settings"])
        customer["invoice_settings"].update(params["invoice_settings"])
    fake.emit("customer.updated", customer, account=account, previous=previous)
    return customer


@route("POST", "/v1/products")
def product_create(fake: FakeStripe, params: dict[str, Any], account: str | None) -> dict[str, Any]:
    return fake.add(
        {"id": params.get("id") or fake.new_id("prod"), "object": "product", "name": params["name"], "active": True},
        account=account,
    )


@route("POST", "/v1/prices")
def price_create(fake: FakeStripe, params: dict[str, Any], account: str | None) -> dict[str, Any]:
    product = params.get("product")
    if not product:
        product = product_create(fake, params["product_data"], account)["id"]
    fake.get(product, account=account, kind="product")
    recurring = params.get("recurring")
    price = fake.add(
        {
            "id": fake.new_id("price"),
            "object": "price",
            "active": True,
            "currency": params["currency"].lower(),
            "unit_amount": int(params["unit_amount"]),
            "product": product,
            "type": "recurring" if recurring else "one_time",
            "recurring": {"interval": recurring["interval"], "interval_count": 1} if recurring else None,
            "metadata": params.get("metadata", {}),
        },
        account=account,
    )
    fake.emit("price.created", price, account=account)
    return price


@route("GET", "/v1/prices/(?P<pid>[^/]+)")
def price_get(fake: FakeStripe, params: dict[str, Any], account: str | None, pid: str) -> dict[str, Any]:
    return fake.get(pid, account=account, kind="price")


@route("POST", "/v1/prices/(?P<pid>[^/]+)")
def price_update(fake: FakeStripe, params: dict[str, Any], account: str | None, pid: str) -> dict[str, Any]:
    price = fake.get(pid, account=account, kind="price")
    if "unit_amount" in params or "currency" in params:  # as Stripe: a price's amount is immutable
        raise StripeFakeError("Received unknown parameter: unit_amount", code="parameter_unknown")
    if "active" in params:
        price["active"] = as_bool(params["active"])
    return price


# --- payment intents, refunds ------------------------------------------------------------------------
def payment_intent_new(fake: FakeStripe, params: dict[str, Any], account: str | None) -> dict[str, Any]:
    intent = {
        "id": fake.new_id("pi"),
        "object": "payment_intent",
        "amount": int(params["amount"]),
        "amount_received": 0,
        "currency": params["currency"].lower(),
        "customer": params.get("customer"),
        "description": params.get("description"),
        "metadata": params.get("metadata", {}),
        "status": "requires_payment_method",
        "client_secret": "",
        "latest_charge": None,
        "payment_method": params.get("payment_method"),
        "setup_future_usage": params.get("setup_future_usage"),
    }
    if "application_fee_amount" in params:
        if not account:
            raise StripeFakeError("application_fee_amount needs a connected account (Stripe-Account header).")
        intent["application_fee_amount"] = int(params["application_fee_amount"])
    intent["client_secret"] = f"{intent['id']}_secret_{fake.new_id('s')[2:]}"
    fake.add(intent, account=account)
    fake.emit("payment_intent.created", intent, account=account)
    return intent


def payment_intent_succeed(fake: FakeStripe, intent: dict[str, Any], *, account: str | None) -> dict[str, Any]:
    charge = fake.add(
        {
            "id": fake.new_id("ch"),
            "object": "charge",
            "amount": intent["amount"],
            "amount_refunded": 0,
            "currency": intent["currency"],
            "payment_intent": intent["id"],
            "paid": True,
            "refunded": False,
            "status": "succeeded",
            "application_fee_amount": intent.get("application_fee_amount"),
            "metadata": intent["metadata"],
        },
        account=account,
    )
    intent.update(status="succeeded", amount_received=intent["amount"], latest_charge=charge["id"])
    fake.emit("charge.succeeded", charge, account=account)
    fake.emit("payment_intent.succeeded", intent, account=account)
    return intent


@route("POST", "/v1/payment_intents")
def payment_intent_create(fake: FakeStripe, params: dict[str, Any], account: str | None) -> dict[str, Any]:
    intent = payment_intent_new(fake, params, account)
    if as_bool(params.get("confirm")):
        payment_intent_confirm(fake, {}, account, intent["id"])
    return intent


@route("GET", "/v1/payment_intents/(?P<pid>[^/]+)")
def payment_intent_get(fake: FakeStripe, params: dict[str, Any], account: str | None, pid: str) -> dict[str, Any]:
    return fake.get(pid, account=account, kind="payment_intent")


@route("POST", "/v1/payment_intents/(?P<pid>[^/]+)/confirm")
def payment_intent_confirm(fake: FakeStripe, params: dict[str, Any], account: str | None, pid: str) -> Any:
    intent = fake.get(pid, account=account, kind="payment_intent")
    method = params.get("payment_method") or intent.get("payment_method") or "pm_card_visa"
    if not card_succeeds(method):
        intent["status"] = "requires_payment_method"
        fake.emit("payment_intent.payment_failed", intent, account=account)
        raise StripeFakeError("Your card was declined.", status=402, code="card_declined", type_="card_error")
    return payment_intent_succeed(fake, intent, account=account)


@route("POST", "/v1/refunds")
def refund_create(fake: FakeStripe, params: dict[str, Any], account: str | None) -> dict[str, Any]:
    intent = fake.get(params["payment_intent"], account=account, kind="payment_intent")
    charge = fake.get(intent["latest_charge"] or "", account=account, kind="charge")
    amount = int(params.get("amount", charge["amount"] - charge["amount_refunded"]))
    if amount <= 0 or amount > charge["amount"] - charge["amount_refunded"]:
        raise StripeFakeError("Refund amount is greater than the unrefunded amount.", code="amount_too_large")
    refund = fake.add(
        {
            "id": fake.new_id("re"),
            "object": "refund",
            "amount": amount,
            "currency": charge["currency"],
            "charge": charge["id"],
            "payment_intent": intent["id"],
            "status": "succeeded",
            "metadata": params.get("metadata", {}),
        },
        account=account,
    )
    charge["amount_refunded"] += amount
    charge["refunded"] = charge["amount_refunded"] == charge["amount"]
    fake.emit("charge.refunded", charge, account=account)
    return refund


# --- Checkout Sessions -----------------------------------------------------------------------------------
@route("POST", "/v1/checkout/sessions")
def checkout_create(fake: FakeStripe, params: dict[str, Any], account: str | None) -> dict[str, Any]:
    items = params.get("line_items") or []
    if params.get("mode", "payment") == "payment" and not items:
        raise StripeFakeError("line_items is required in payment mode.", code="parameter_missing")
    amount = sum(int(i["price_data"]["unit_amount"]) * int(i.get("quantity", 1)) for i in items)
    currency = items[0]["price_data"]["currency"].lower() if items else params.get("currency")
    session_id = fake.new_id("cs_test")
    session = {
        "id": session_id,
        "object": "checkout.session",
        "mode": params.get("mode", "payment"),
        "status": "open",
        "payment_status": "unpaid",
        "amount_total": amount,
        "currency": currency,
        "customer": params.get("customer"),
        "customer_email": params.get("customer_email"),
        "client_reference_id": params.get("client_reference_id"),
        "success_url": params.get("success_url"),
        "cancel_url": params.get("cancel_url"),
        "metadata": params.get("metadata", {}),
        "payment_intent": None,
        "url": f"{fake.base_url}/_fake/checkout/{session_id}",
    }
    if session["mode"] == "payment":
        intent_data = params.get("payment_intent_data", {})
        intent_params = {**intent_data, "amount": amount, "currency": currency, "customer": params.get("customer")}
        session["payment_intent"] = payment_intent_new(fake, intent_params, account)["id"]
    fake.add(session, account=account)
    return session


@route("GET", "/v1/checkout/sessions/(?P<sid>[^/]+)")
def checkout_get(fake: FakeStripe, params: dict[str, Any], account: str | None, sid: str) -> dict[str, Any]:
    return fake.get(sid, account=account, kind="checkout.session")


def checkout_complete(fake: FakeStripe, session_id: str, *, card: str = "4242424242424242") -> dict[str, Any]:
    """What paying on the hosted page does with the card number `card`: the intent succeeds (a card kept for
    off-session use is saved with its fingerprint) and checkout.session.completed is sent."""
    account = fake.owner[session_id]
    session = fake.get(session_id, account=account, kind="checkout.session")
    if session["status"] != "open":
        raise StripeFakeError("This Checkout Session is no longer open.", code="checkout_session_expired")
    if session["payment_intent"]:
        from tests.fakes.stripe_payments import card_save_for

        intent = fake.get(session["payment_intent"], account=account, kind="payment_intent")
        card_save_for(fake, session, intent, account, number=card)
        payment_intent_succeed(fake, intent, account=account)
    session.update(status="complete", payment_status="paid")
    fake.emit("checkout.session.completed", session, account=account)
    return session


def _page(title: str, action: str, buttons: list[tuple[str, str]]) -> str:
    rows = "".join(
        f'<button name="choice" value="{html.escape(v)}">{html.escape(label)}</button> ' for v, label in buttons
    )
    return (
        f"<!doctype html><title>{html.escape(title)}</title><h1>{html.escape(title)}</h1>"
        f'<p>Fake Stripe (test mode)</p><form method="post" action="{html.escape(action)}">{rows}</form>'
    )


@route("GET", "/_fake/checkout/(?P<sid>[^/]+)")
def checkout_page(fake: FakeStripe, params: dict[str, Any], account: str | None, sid: str) -> tuple[int, str]:
    session = fake.get(sid, account=fake.owner.get(sid), kind="checkout.session")
    amount = f"{session['amount_total'] / 100:.2f} {str(session['currency']).upper()}"
    return 200, _page(f"Pay {amount}", f"/_fake/checkout/{sid}", [("pay", "Pay with 4242 4242 4242 4242")])


@route("POST", "/_fake/checkout/(?P<sid>[^/]+)")
def checkout_page_submit(fake: FakeStripe, params: dict[str, Any], account: str | None, sid: str) -> tuple[int, str]:
    session = checkout_complete(fake, sid)
    return 303, str(session["success_url"]).replace("{CHECKOUT_SESSION_ID}", sid)


# --- Connect: accounts and account links ----------------------------------------------------------------
@route("POST", "/v1/accounts")
def account_create(fake: FakeStripe, params: dict[str, Any], account: str | None) -> dict[str, Any]:
    if account:
        raise StripeFakeError("Only the platform can create connected accounts.")
    return fake.add(
        {
            "id": fake.new_id("acct"),
            "object": "account",
            "type": params.get("type", "express"),
            "email": params.get("email"),
            "country": params.get("country", "US"),
            "default_currency": params.get("default_currency", "usd"),
            "business_profile": params.get("business_profile", {}),
            "charges_enabled": False,
            "payouts_enabled": False,
            "details_submitted": False,
            "requirements": {"currently_due": ["external_account", "tos_acceptance.date"], "disabled_reason": None},
            "metadata": params.get("metadata", {}),
        },
        account=None,
    )


@route("GET", "/v1/accounts/(?P<aid>[^/]+)")
def account_get(fake: FakeStripe, params: dict[str, Any], account: str | None, aid: str) -> dict[str, Any]:
    return fake.get(aid, account=None, kind="account")


def account_onboard(fake: FakeStripe, account_id: str, *, complete: bool = True) -> dict[str, Any]:
    """What finishing (or half-finishing) hosted onboarding does; account.updated goes to Connect endpoints."""
    obj = fake.get(account_id, account=None, kind="account")
    previous = {k: obj[k] for k in ("charges_enabled", "payouts_enabled", "details_submitted", "requirements")}
    due = [] if complete else ["external_account"]
    obj.update(
        charges_enabled=True,
        payouts_enabled=complete,
        details_submitted=True,
        requirements={"currently_due": due, "disabled_reason": None},
    )
    fake.emit("account.updated", obj, account=account_id, previous=previous)
    return obj


@route("POST", "/v1/account_links")
def account_link_create(fake: FakeStripe, params: dict[str, Any], account: str | None) -> dict[str, Any]:
    fake.get(params["account"], account=None, kind="account")
    query = urlencode({"return_url": params["return_url"], "refresh_url": params.get("refresh_url", "")})
    return {
        "object": "account_link",
        "created": fake.now(),
        "expires_at": fake.now() + 300,
        "url": f"{fake.base_url}/_fake/onboarding/{params['account']}?{query}",
    }


@route("GET", "/_fake/onboarding/(?P<aid>[^/]+)")
def onboarding_page(fake: FakeStripe, params: dict[str, Any], account: str | None, aid: str) -> tuple[int, str]:
    action = f"/_fake/onboarding/{aid}?{urlencode({'return_url': params['return_url']})}"
    return 200, _page("Set up payouts", action, [("complete", "Submit test business details")])


@route("POST", "/_fake/onboarding/(?P<aid>[^/]+)")
def onboarding_submit(fake: FakeStripe, params: dict[str, Any], account: str | None, aid: str) -> tuple[int, str]:
    account_onboard(fake, aid)
    return 303, params["return_url"]


# --- Billing portal (the card page) ----------------------------------------------------------------------
@route("POST", "/v1/billing_portal/sessions")
def portal_create(fake: FakeStripe, params: dict[str, Any], account: str | None) -> dict[str, Any]:
    fake.get(params["customer"], account=account, kind="customer")
    session_id = fake.new_id("bps")
    query = urlencode({"customer": params["customer"], "return_url": params.get("return_url", "")})
    return fake.add(
        {
            "id": session_id,
            "object": "billing_portal.session",
            "customer": params["customer"],
            "return_url": params.get("return_url"),
            "url": f"{fake.base_url}/_fake/portal/{session_id}?{query}",
        },
        account=account,
    )


@route("GET", "/_fake/portal/(?P<sid>[^/]+)")
def portal_page(fake: FakeStripe, params: dict[str, Any], account: str | None, sid: str) -> tuple[int, str]:
    action = f"/_fake/portal/{sid}?{urlencode(params)}"
    cards = [("pm_card_visa", "Use 4242 4242 4242 4242"), ("pm_card_chargeCustomerFail", "Use a card that declines")]
    return 200, _page("Payment method", action, cards)


@route("POST", "/_fake/portal/(?P<sid>[^/]+)")
def portal_submit(fake: FakeStripe, params: dict[str, Any], account: str | None, sid: str) -> tuple[int, str]:
    from tests.fakes.stripe_subscriptions import customer_card_set

    customer_card_set(fake, params["customer"], params["choice"], account=fake.owner.get(params["customer"]))
    return 303, params["return_url"]


# --- events ---------------------------------------------------------------------------------------------
@route("GET", "/v1/events")
def event_list(fake: FakeStripe, params: dict[str, Any], account: str | None) -> dict[str, Any]:
    created = params.get("created", {})
    events = [
        e
        for e in fake.events
        if e.get("account") == account
        and (not params.get("type") or e["type"] == params["type"])
        and ("gte" not in created or e["created"] >= int(created["gte"]))
        and ("lte" not in created or e["created"] <= int(created["lte"]))
    ]
    return fake.listing(events, params, "/v1/events")


@route("GET", "/v1/events/(?P<eid>[^/]+)")
def event_get(fake: FakeStripe, params: dict[str, Any], account: str | None, eid: str) -> dict[str, Any]:
    for event in fake.events:
        if event["id"] == eid:
            return event
    raise StripeFakeError(f"No such event: '{eid}'", status=404, code="resource_missing")
