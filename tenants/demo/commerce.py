"""The shop's history: packs and memberships sold on the first day, paid at the desk (cash or bank
transfer recorded by staff, no card network involved), and the memberships' monthly renewals paid too,
except one left open so the owner's dashboard has something to chase.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from billing.payments.models import ClientPack, ClientSubscription, Invoice, Package
from billing.payments.services import package_create, package_purchase, payment_record_manual, subscription_renew
from domain.scheduling.models import AppointmentType, ClassType
from tenants.demo.clock import Calendar, at
from tenants.demo.people import Cast

MEMBERSHIP = "Unlimited classes"
CLASS_PACK = "10-class pack"
PT_PACK = "Personal training, 5 sessions"


def packages_ensure(*, cast: Cast, calendar: Calendar) -> dict[str, Package]:
    """The studio's price list (made once, by the owner, before the history starts)."""
    classes = list(ClassType.objects.values_list("pk", flat=True))
    one_to_one = list(AppointmentType.objects.values_list("pk", flat=True))
    wanted: dict[str, dict[str, Any]] = {
        MEMBERSHIP: {
            "kind": "membership",
            "price_amount": 7900,
            "billing_period": "month",
            "covers_appointments": False,
            "description": "Every class, every week. Monthly, cancel any time.",
            "class_type_ids": classes,
        },
        CLASS_PACK: {
            "kind": "pack",
            "price_amount": 9500,
            "credits": 10,
            "expiry_days": 120,
            "covers_appointments": False,
            "description": "Ten classes of your choice, valid for four months.",
            "class_type_ids": classes,
        },
        PT_PACK: {
            "kind": "pack",
            "price_amount": 25000,
            "credits": 5,
            "expiry_days": 90,
            "covers_classes": False,
            "description": "Five one-to-one sessions with your trainer.",
            "appointment_type_ids": one_to_one,
        },
        "Drop-in class": {"kind": "drop_in", "price_amount": 1200, "covers_appointments": False},
    }
    found = {package.name: package for package in Package.objects.filter(name__in=wanted, is_active=True)}
    for name, values in wanted.items():
        if name not in found:
            with at(calendar.moment(calendar.first - timedelta(days=8), 9)):
                found[name] = package_create(actor=cast.owner, name=name, **values)
    return found


def _pay(*, cast: Cast, invoice: Invoice, method: str) -> None:
    if invoice.status == Invoice.Status.OPEN and invoice.amount_due > 0:
        payment_record_manual(actor=cast.owner, invoice_id=invoice.pk, amount=invoice.amount_due, method=method)


def sales_record(*, cast: Cast, calendar: Calendar) -> None:
    """Half the clients are members, the other half hold a class pack; every third also buys personal
    training. Each sale is paid when made; memberships renew every month, all paid but the last client's."""
    packages = packages_ensure(cast=cast, calendar=calendar)
    opening = calendar.first - timedelta(days=1)
    for position, client in enumerate(cast.clients):
        if (
            ClientPack.objects.filter(client=client).exists()
            or ClientSubscription.objects.filter(client=client).exists()
        ):
            continue
        bought = [MEMBERSHIP if position % 2 == 0 else CLASS_PACK]
        if position % 3 == 0:
            bought.append(PT_PACK)
        for offset, name in enumerate(bought):
            with at(calendar.moment(opening, 10 + position % 8, 5 * offset)):
                sale = package_purchase(actor=cast.owner, client_id=client.pk, package_id=packages[name].pk)
                _pay(cast=cast, invoice=sale.invoice, method="cash" if position % 4 else "bank_transfer")
    last_member = max(
        (position for position in range(len(cast.clients)) if position % 2 == 0), default=0
    )  # pays late: one open invoice for the dashboard
    for membership in ClientSubscription.objects.filter(client__in=cast.clients).select_related("client"):
        due = membership.next_bill_at
        while due is not None and due.date() < calendar.today:
            with at(due + timedelta(hours=1)):
                invoice = subscription_renew(subscription_id=membership.pk)
                if invoice is not None and membership.client != cast.clients[last_member]:
                    _pay(cast=cast, invoice=invoice, method="bank_transfer")
            membership.refresh_from_db()
            due = membership.next_bill_at if membership.next_bill_at != due else None
