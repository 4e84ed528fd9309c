"""The fake's subscriptions, subscription schedules and invoices, and the clock that renews them.

Shapes follow the pinned API version: a subscription's period lives on its item
(`items.data[0].current_period_end`), an invoice names its subscription under
`parent.subscription_details.subscription`. Payment uses the customer's default payment method
(`pm_card_visa` pays, `pm_card_chargeCustomerFail` and none do not); a failed renewal makes the
subscription `past_due` and is retried every 3 days up to 4 attempts, as Stripe's default schedule does.
Proration (Stripe's documented rule): unused time of the old price is credited and the remaining time of
the new price charged, each `round(amount x remaining seconds / period seconds)`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from dateutil.relativedelta import relativedelta

from tests.fakes.stripe_resources import card_succeeds
from tests.fakes.stripe_server import FakeStripe, StripeFakeError, as_bool

route = FakeStripe.route
RETRY_EVERY = 3 * 86400
MAX_ATTEMPTS = 4


def add_interval(timestamp: int, interval: str) -> int:
    start = datetime.fromtimestamp(timestamp, tz=UTC)
    step = relativedelta(years=1) if interval == "year" else relativedelta(months=1)
    return int((start + step).timestamp())


def _item(sub: dict[str, Any]) -> dict[str, Any]:
    return sub["items"]["data"][0]


def _owner(fake: FakeStripe, object_id: str) -> str | None:
    return fake.owner.get(object_id)


# --- invoices -------------------------------------------------------------------------------------------
def invoice_attempt(fake: FakeStripe, invoice: dict[str, Any]) -> bool:
    """Try to collect an open invoice with the customer's default payment method; emits paid or failed."""
    account = _owner(fake, invoice["id"])
    customer = fake.get(invoice["customer"], account=account, kind="customer")
    invoice["attempt_count"] += 1
    invoice["attempted"] = True
    if card_succeeds(customer["invoice_settings"].get("default_payment_method")):
        invoice.update(status="paid", amount_paid=invoice["amount_due"], amount_remaining=0, next_payment_attempt=None)
        invoice["status_transitions"]["paid_at"] = fake.now()
        fake.emit("invoice.paid", invoice, account=account)
        fake.emit("invoice.payment_succeeded", invoice, account=account)
        return True
    retry = fake.now() + RETRY_EVERY if invoice["attempt_count"] < MAX_ATTEMPTS else None
    invoice["next_payment_attempt"] = retry
    fake.emit("invoice.payment_failed", invoice, account=account)
    return False


def invoice_create(
    fake: FakeStripe, sub: dict[str, Any], lines: list[tuple[str, int, bool]], *, reason: str
) -> dict[str, Any]:
    """Finalize an invoice of `lines` (description, amount, proration) and try to collect it."""
    account = _owner(fake, sub["id"])
    item = _item(sub)
    amount = max(0, sum(amount for _d, amount, _p in lines))
    invoice_id = fake.new_id("in")
    invoice = fake.add(
        {
            "id": invoice_id,
            "object": "invoice",
            "customer": sub["customer"],
            "status": "open",
            "currency": item["price"]["currency"],
            "amount_due": amount,
            "amount_paid": 0,
            "amount_remaining": amount,
            "attempt_count": 0,
            "attempted": False,
            "next_payment_attempt": None,
            "billing_reason": reason,
            "hosted_invoice_url": f"{fake.base_url}/_fake/invoice/{invoice_id}",
            "period_start": item["current_period_start"],
            "period_end": item["current_period_end"],
            "status_transitions": {"finalized_at": fake.now(), "paid_at": None},
            "lines": {
                "object": "list",
                "data": [{"description": d, "amount": a, "proration": p} for d, a, p in lines],
                "has_more": False,
            },
            "parent": {
                "type": "subscription_details",
                "subscription_details": {"subscription": sub["id"], "metadata": dict(sub["metadata"])},
            },
        },
        account=account,
    )
    sub["latest_invoice"] = invoice_id
    fake.emit("invoice.created", invoice, account=account)
    fake.emit("invoice.finalized", invoice, account=account)
    if amount == 0:
        invoice.update(status="paid", amount_remaining=0)
        invoice["status_transitions"]["paid_at"] = fake.now()
        fake.emit("invoice.paid", invoice, account=account)
    else:
        invoice_attempt(fake, invoice)
    return invoice


@route("GET", "/v1/invoices/(?P<iid>[^/]+)")
def invoice_get(fake: FakeStripe, params: dict[str, Any], account: str | None, iid: str) -> dict[str, Any]:
    return fake.get(iid, account=account, kind="invoice")


@route("GET", "/v1/invoices")
def invoice_list(fake: FakeStripe, params: dict[str, Any], account: str | None) -> dict[str, Any]:
    invoices = [
        i
        for i in fake.of_kind("invoice", account=account)
        if (not params.get("customer") or i["customer"] == params["customer"])
        and (not params.get("status") or i["status"] == params["status"])
        and (
            not params.get("subscription")
            or i["parent"]["subscription_details"]["subscription"] == params["subscription"]
        )
    ]
    return fake.listing(invoices, params, "/v1/invoices")


@route("POST", "/v1/invoices/(?P<iid>[^/]+)/pay")
def invoice_pay(fake: FakeStripe, params: dict[str, Any], account: str | None, iid: str) -> dict[str, Any]:
    invoice = fake.get(iid, account=account, kind="invoice")
    if invoice["status"] != "open":
        raise StripeFakeError("Invoice is already paid.", code="invoice_not_open")
    if not invoice_attempt(fake, invoice):
        raise StripeFakeError("Your card was declined.", status=402, code="card_declined", type_="card_error")
    _subscription_after_payment(fake, invoice)
    return invoice


def _subscription_after_payment(fake: FakeStripe, invoice: dict[str, Any]) -> None:
    sub = fake.objects.get(invoice["parent"]["subscription_details"]["subscription"])
    if sub and invoice["status"] == "paid" and sub["status"] in ("past_due", "unpaid", "incomplete"):
        _set(fake, sub, status="active")


def customer_card_set(fake: FakeStripe, customer_id: str, payment_method: str, *, account: str | None) -> None:
    """Set the customer's default card, then retry its open invoices (as paying from the portal does)."""
    customer = fake.get(customer_id, account=account, kind="customer")
    previous = dict(customer["invoice_settings"])
    customer["invoice_settings"]["default_payment_method"] = payment_method
    fake.emit("customer.updated", customer, account=account, previous={"invoice_settings": previous})
    for invoice in fake.of_kind("invoice", account=account):
        if invoice["customer"] == customer_id and invoice["status"] == "open" and invoice_attempt(fake, invoice):
            _subscription_after_payment(fake, invoice)


# --- subscriptions --------------------------------------------------------------------------------------
def _set(fake: FakeStripe, sub: dict[str, Any], **changes: Any) -> None:
    previous = {k: sub[k] for k in changes if sub.get(k) != changes[k]}
    sub.update(changes)
    if previous:
        fake.emit("customer.subscription.updated", sub, account=_owner(fake, sub["id"]), previous=previous)


@route("POST", "/v1/subscriptions")
def subscription_create(fake: FakeStripe, params: dict[str, Any], account: str | None) -> dict[str, Any]:
    customer = fake.get(params["customer"], account=account, kind="customer")
    price = fake.get(params["items"][0]["price"], account=account, kind="price")
    now = fake.now()
    trial_end = None
    if params.get("trial_end"):
        trial_end = int(params["trial_end"])
    elif params.get("trial_period_days"):
        trial_end = now + int(params["trial_period_days"]) * 86400
    period_end = trial_end or add_interval(now, price["recurring"]["interval"])
    if params.get("default_payment_method"):
        customer["invoice_settings"]["default_payment_method"] = params["default_payment_method"]
    sub = fake.add(
        {
            "id": fake.new_id("sub"),
            "object": "subscription",
            "customer": customer["id"],
            "status": "trialing" if trial_end else "incomplete",
            "items": {
                "object": "list",
                "data": [
                    {
                        "id": fake.new_id("si"),
                        "object": "subscription_item",
                        "price": dict(price),
                        "quantity": 1,
                        "current_period_start": now,
                        "current_period_end": period_end,
                    }
                ],
            },
            "cancel_at_period_end": False,
            "canceled_at": None,
            "ended_at": None,
            "trial_start": now if trial_end else None,
            "trial_end": trial_end,
            "start_date": now,
            "latest_invoice": None,
            "schedule": None,
            "metadata": params.get("metadata", {}),
        },
        account=account,
    )
    fake.emit("customer.subscription.created", sub, account=account)
    invoice = invoice_create(
        fake, sub, [(price["id"], 0 if trial_end else price["unit_amount"], False)], reason="subscription_create"
    )
    if not trial_end:
        _set(fake, sub, status="active" if invoice["status"] == "paid" else "incomplete")
    return sub


@route("GET", "/v1/subscriptions/(?P<sid>[^/]+)")
def subscription_get(fake: FakeStripe, params: dict[str, Any], account: str | None, sid: str) -> dict[str, Any]:
    return fake.get(sid, account=account, kind="subscription")


def _prorate(fake: FakeStripe, sub: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, int, bool]]:
    item = _item(sub)
    old, now = item["price"], fake.now()
    start, end = item["current_period_start"], item["current_period_end"]
    remaining = max(0, end - now) / max(1, end - start)
    credit = -round(old["unit_amount"] * remaining)
    if old["recurring"]["interval"] != new["recurring"]["interval"]:  # the billing cycle restarts now
        item.update(current_period_start=now, current_period_end=add_interval(now, new["recurring"]["interval"]))
        return [(f"Unused time on {old['id']}", credit, True), (new["id"], new["unit_amount"], False)]
    return [
        (f"Unused time on {old['id']}", credit, True),
        (f"Remaining time on {new['id']}", round(new["unit_amount"] * remaining), True),
    ]


@route("POST", "/v1/subscriptions/(?P<sid>[^/]+)")
def subscription_update(fake: FakeStripe, params: dict[str, Any], account: str | None, sid: str) -> dict[str, Any]:
    sub = fake.get(sid, account=account, kind="subscription")
    if sub["status"] == "canceled":
        raise StripeFakeError("A canceled subscription can only update its metadata.", code="resource_missing")
    if "metadata" in params:
        sub["metadata"].update(params["metadata"])
    if "cancel_at_period_end" in params:
        if sub["schedule"]:
            raise StripeFakeError("The subscription is managed by a subscription schedule; release it first.")
        _set(fake, sub, cancel_at_period_end=as_bool(params["cancel_at_period_end"]))
    new_price = (params.get("items") or [{}])[0].get("price")
    if new_price and new_price != _item(sub)["price"]["id"]:
        if sub["schedule"]:
            raise StripeFakeError("The subscription is managed by a subscription schedule; release it first.")
        price = fake.get(new_price, account=account, kind="price")
        behavior = params.get("proration_behavior", "create_prorations")
        lines = [] if sub["status"] == "trialing" or behavior == "none" else _prorate(fake, sub, price)
        previous_price = _item(sub)["price"]
        _item(sub)["price"] = dict(price)
        fake.emit("customer.subscription.updated", sub, account=account, previous={"items": previous_price["id"]})
        if lines and behavior == "always_invoice":
            invoice = invoice_create(fake, sub, lines, reason="subscription_update")
            if invoice["status"] != "paid" and params.get("payment_behavior") == "error_if_incomplete":
                invoice["status"] = "void"  # as Stripe: the update is not applied and the card error returned
                _item(sub)["price"] = previous_price
                raise StripeFakeError("Your card was declined.", status=402, code="card_declined", type_="card_error")
            if invoice["status"] != "paid":
                _set(fake, sub, status="past_due")
    return sub


@route("DELETE", "/v1/subscriptions/(?P<sid>[^/]+)")
def subscription_cancel(fake: FakeStripe, params: dict[str, Any], account: str | None, sid: str) -> dict[str, Any]:
    sub = fake.get(sid, account=account, kind="subscription")
    _end(fake, sub)
    return sub


def _end(fake: FakeStripe, sub: dict[str, Any]) -> None:
    sub.update(status="canceled", canceled_at=fake.now(), ended_at=fake.now())
    fake.emit("customer.subscription.deleted", sub, account=_owner(fake, sub["id"]))


# --- subscription schedules (a downgrade at the period end) ----------------------------------------------
@route("POST", "/v1/subscription_schedules")
def schedule_create(fake: FakeStripe, params: dict[str, Any], account: str | None) -> dict[str, Any]:
    sub = fake.get(params["from_subscription"], account=account, kind="subscription")
    if sub["schedule"]:
        raise StripeFakeError("The subscription already has a schedule.")
    item = _item(sub)
    schedule = fake.add(
        {
            "id": fake.new_id("sub_sched"),
            "object": "subscription_schedule",
            "subscription": sub["id"],
            "status": "active",
            "end_behavior": "release",
            "current_phase": {"start_date": item["current_period_start"], "end_date": item["current_period_end"]},
            "phases": [
                {
                    "items": [{"price": item["price"]["id"], "quantity": 1}],
                    "start_date": item["current_period_start"],
                    "end_date": item["current_period_end"],
                }
            ],
        },
        account=account,
    )
    _set(fake, sub, schedule=schedule["id"])
    return schedule


@route("GET", "/v1/subscription_schedules/(?P<sid>[^/]+)")
def schedule_get(fake: FakeStripe, params: dict[str, Any], account: str | None, sid: str) -> dict[str, Any]:
    return fake.get(sid, account=account, kind="subscription_schedule")


@route("POST", "/v1/subscription_schedules/(?P<sid>[^/]+)")
def schedule_update(fake: FakeStripe, params: dict[str, Any], account: str | None, sid: str) -> dict[str, Any]:
    schedule = fake.get(sid, account=account, kind="subscription_schedule")
    if schedule["status"] != "active":
        raise StripeFakeError("You cannot update a released schedule.")
    for phase in params.get("phases", []):
        fake.get(phase["items"][0]["price"], account=account, kind="price")
    schedule["phases"] = params.get("phases", schedule["phases"])
    schedule["end_behavior"] = params.get("end_behavior", schedule["end_behavior"])
    return schedule


@route("POST", "/v1/subscription_schedules/(?P<sid>[^/]+)/release")
def schedule_release(fake: FakeStripe, params: dict[str, Any], account: str | None, sid: str) -> dict[str, Any]:
    schedule = fake.get(sid, account=account, kind="subscription_schedule")
    schedule["status"] = "released"
    sub = fake.objects[schedule["subscription"]]
    _set(fake, sub, schedule=None)
    return schedule


def _next_phase_price(fake: FakeStripe, sub: dict[str, Any]) -> str | None:
    """At a period end: the price of the schedule's next phase (then the schedule is released)."""
    schedule = fake.objects.get(sub["schedule"] or "")
    if not schedule or schedule["status"] != "active" or len(schedule["phases"]) < 2:
        return None
    price = schedule["phases"][1]["items"][0]["price"]
    schedule["status"] = "released"
    sub["schedule"] = None
    return price


# --- the clock ------------------------------------------------------------------------------------------
def run_clock(fake: FakeStripe) -> None:
    """Renew every subscription whose period (or trial) has ended by now, and retry due invoices."""
    now = fake.now()
    for sub in [o for o in fake.objects.values() if o.get("object") == "subscription"]:
        while sub["status"] not in ("canceled", "incomplete") and _item(sub)["current_period_end"] <= now:
            _renew(fake, sub)
    for invoice in [o for o in fake.objects.values() if o.get("object") == "invoice"]:
        due = invoice["next_payment_attempt"]
        if invoice["status"] == "open" and due is not None and due <= now and invoice_attempt(fake, invoice):
            _subscription_after_payment(fake, invoice)


def _renew(fake: FakeStripe, sub: dict[str, Any]) -> None:
    item = _item(sub)
    if sub["cancel_at_period_end"]:
        _end(fake, sub)
        return
    account = _owner(fake, sub["id"])
    next_price = _next_phase_price(fake, sub)
    if next_price:
        item["price"] = dict(fake.get(next_price, account=account, kind="price"))
    start = item["current_period_end"]
    item.update(
        current_period_start=start, current_period_end=add_interval(start, item["price"]["recurring"]["interval"])
    )
    invoice = invoice_create(
        fake, sub, [(item["price"]["id"], item["price"]["unit_amount"], False)], reason="subscription_cycle"
    )
    status = "active" if invoice["status"] == "paid" else "past_due"
    previous = {"status": sub["status"]} if sub["status"] != status else {}
    sub["status"] = status
    fake.emit("customer.subscription.updated", sub, account=account, previous={**previous, "items": "renewed"})
