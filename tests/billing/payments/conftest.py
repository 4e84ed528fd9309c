"""Commerce test helpers: the studio's currency, a client, a staff member, and selling + paying in one step."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from billing.payments import services
from billing.payments.models import Package
from core.models import User
from tests.factories.core import ClientFactory, ManagerFactory
from tests.factories.payments import MembershipFactory, PackFactory

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday


@pytest.fixture
def currency(tenant) -> str:
    return tenant.currency


@pytest.fixture
def manager(tenant) -> User:
    return ManagerFactory()


@pytest.fixture
def member(tenant) -> User:
    return ClientFactory()


@pytest.fixture
def pack(tenant, manager) -> Package:
    return PackFactory(currency=tenant.currency)


@pytest.fixture
def membership_package(tenant) -> Package:
    return MembershipFactory(currency=tenant.currency)


@pytest.fixture
def buy(manager) -> Callable[..., services.Sale]:
    """`buy(client, package, now=...)`: sell and pay it in cash in full; returns the paid sale."""

    def make(client: User, package: Package, *, now: datetime | None = None, **_: Any) -> services.Sale:
        sale = services.package_purchase(actor=manager, client_id=client.pk, package_id=package.pk, now=now)
        if sale.invoice.amount_due:
            services.payment_record_manual(
                actor=manager, invoice_id=sale.invoice.pk, amount=sale.invoice.amount_due, method="cash", now=now
            )
        sale.invoice.refresh_from_db()
        for held in (sale.pack, sale.membership):
            if held is not None:
                held.refresh_from_db()
        return sale

    return make
