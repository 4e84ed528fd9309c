"""Under real concurrency (threads with their own connections, committed rows): gapless invoice numbers,
one renewal per period."""

from __future__ import annotations

from datetime import timedelta

import pytest

from billing.payments import services
from billing.payments.models import Invoice
from tests.billing.payments.committed import delete_commerce_of
from tests.concurrency import in_own_connection, run_concurrently
from tests.factories.core import ClientFactory, ManagerFactory
from tests.factories.payments import MembershipFactory, PackFactory


@pytest.fixture
def people(_studios, db):
    studio = _studios[0]
    made = in_own_connection(studio, lambda: (ManagerFactory(), ClientFactory.create_batch(3)))
    yield studio, made[0], made[1]
    from core.models import User

    in_own_connection(
        studio,
        lambda: (
            delete_commerce_of([made[0], *made[1]]),
            User.objects.filter(pk__in=[made[0].pk] + [c.pk for c in made[1]]).delete(),
        ),
    )


def test_concurrent_finalisations_take_consecutive_numbers_without_gaps(people):
    studio, manager, clients = people

    def drafts():
        pack = PackFactory(currency=studio.currency)
        return [
            services.invoice_draft(
                client=clients[i % 3],
                currency=studio.currency,
                actor=manager,
                lines=[services.LineData(description="Pack", unit_amount=1000, package=pack)],
            ).pk
            for i in range(12)
        ]

    ids = in_own_connection(studio, drafts)
    results = run_concurrently(studio, [lambda i=i: services.invoice_finalise(invoice_id=i) for i in ids])
    assert all(isinstance(r, Invoice) for r in results), [r for r in results if not isinstance(r, Invoice)]
    sequences = sorted(r.sequence for r in results)
    assert sequences == list(range(sequences[0], sequences[0] + 12))
    assert len({r.number for r in results}) == 12


def test_parallel_renewals_of_one_membership_bill_the_period_once(people):
    studio, manager, clients = people

    def sold():
        package = MembershipFactory(currency=studio.currency)
        sale = services.package_purchase(actor=manager, client_id=clients[0].pk, package_id=package.pk)
        services.payment_record_manual(
            actor=manager, invoice_id=sale.invoice.pk, amount=sale.invoice.total_amount, method="cash"
        )
        sale.membership.refresh_from_db()
        return sale.membership

    membership = in_own_connection(studio, sold)
    due = membership.next_bill_at + timedelta(minutes=1)
    results = run_concurrently(
        studio, [lambda: services.subscription_renew(subscription_id=membership.pk, now=due)] * 8
    )
    made = [r for r in results if isinstance(r, Invoice)]
    assert len(made) == 1, results
    assert results.count(None) == 7
    count = in_own_connection(studio, lambda: Invoice.objects.filter(subscription_id=membership.pk).count())
    assert count == 2  # the first period's and this one
