"""Commerce test helpers: the studio's currency, a client, a staff member, and selling + paying in one step."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from django.db import connection

from billing.payments import services
from billing.payments.models import Package
from core.models import User
from tests.factories.core import ClientFactory, ManagerFactory
from tests.factories.payments import MembershipFactory, PackFactory
from tests.fakes.stripe_webhooks import events_since, webhook_post

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


@pytest.fixture
def shop(connected_studio, tenant) -> str:
    """The studio with a connected account (the connection on its schema); its Stripe account id."""
    from billing.platform.models import ConnectedAccount

    connection.set_tenant(connected_studio)
    return ConnectedAccount.objects.get(studio=connected_studio).stripe_account_id


@pytest.fixture
def deliver_all(public_client, studio, fake_stripe, django_capture_on_commit_callbacks) -> Callable[[int], None]:
    """Deliver every event since `mark`, newest first and each twice (replayed, out of order)."""

    def run(mark: int) -> None:
        events = events_since(fake_stripe, mark)
        for event in [e for e in reversed(events) for _ in range(2)]:
            with django_capture_on_commit_callbacks(execute=True):
                assert webhook_post(public_client, event).status_code == 200
        connection.set_tenant(studio)

    return run
