"""Under real concurrency (threads with their own connections, committed rows): gapless invoice numbers,
one renewal per period."""

from __future__ import annotations

from datetime import timedelta

import pytest

from billing.payments import services
from billing.payments.models import Invoice
from tests.billing.payments.committed import delete_commerce_of
from tests.concurrency import in_own_connection, in_threads
from tests.factories.core import ClientFactory, ManagerFactory
from tests.factories.payments import MembershipFactory, PackFactory


@pytest.fixture
def people(_studios, db):
    studio = _studios[0]
    made = in_own_connection(lambda: (ManagerFactory(), ClientFactory.create_batch(3)), studio=studio)
    yield studio, made[0], made[1]
    from core.models import User

    in_own_connection(
        lambda: (
            delete_commerce_of([made[0], *made[1]]),
            User.objects.filter(pk__in=[made[0].pk] + [c.pk for c in made[1]]).delete(),
        ),
        studio=studio,
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

    ids = in_own_connection(drafts, studio=studio)
    results = in_threads([lambda i=i: services.invoice_finalise(invoice_id=i) for i in ids], studio=studio)
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

    membership = in_own_connection(sold, studio=studio)
    due = membership.next_bill_at + timedelta(minutes=1)
    results = in_threads(
        [lambda: services.subscription_renew(subscription_id=membership.pk, now=due)] * 8, studio=studio
    )
    made = [r for r in results if isinstance(r, Invoice)]
    assert len(made) == 1, results
    assert results.count(None) == 7
    count = in_own_connection(lambda: Invoice.objects.filter(subscription_id=membership.pk).count(), studio=studio)
    assert count == 2  # the first period's and this one


def test_twenty_parallel_class_bookings_with_three_credits_make_exactly_three(people):
    """One client, 20 different classes at once, a pack with 3 credits: 3 seats, 17 clean 402s."""
    from datetime import timedelta

    from billing.payments.errors import EntitlementRequired
    from billing.payments.models import ClientPack
    from domain.scheduling import services as scheduling
    from domain.scheduling.models import ClassType, GroupSession, SessionParticipant
    from tests.billing.payments.conftest import NOW
    from tests.factories.core import TrainerFactory
    from tests.factories.scheduling import ClassTypeFactory

    studio, manager, clients = people
    client = clients[0]

    def setup():
        sale = services.package_purchase(
            actor=manager, client_id=client.pk, package_id=PackFactory(currency=studio.currency, credits=3).pk, now=NOW
        )
        services.payment_record_manual(actor=manager, invoice_id=sale.invoice.pk, amount=10000, method="cash", now=NOW)
        kind = ClassTypeFactory()
        sessions = []
        for hour in range(20):
            start = NOW + timedelta(days=2, hours=hour)
            sessions.append(
                GroupSession.objects.create(
                    class_type=kind,
                    instructor=TrainerFactory(),
                    capacity=5,
                    starts_at=start,
                    ends_at=start + timedelta(minutes=45),
                )
            )
        return sale.pack.pk, [s.pk for s in sessions], kind.pk

    pack_id, session_ids, kind_id = in_own_connection(setup, studio=studio)
    try:
        results = in_threads(
            [
                lambda sid=sid: scheduling.group_session_register(actor=client, session_id=sid, now=NOW)
                for sid in session_ids
            ],
            studio=studio,
        )
        booked = [r for r in results if isinstance(r, SessionParticipant)]
        refused = [r for r in results if isinstance(r, EntitlementRequired)]
        assert len(booked) == 3, [r for r in results if not isinstance(r, SessionParticipant | EntitlementRequired)]
        assert len(refused) == 17
        assert {r.code for r in refused} == {"no_entitlement"}
        left, seats = in_own_connection(
            lambda: (
                ClientPack.objects.get(pk=pack_id).credits_remaining,
                SessionParticipant.objects.filter(session_id__in=session_ids).count(),
            ),
            studio=studio,
        )
        assert (left, seats) == (0, 3)
    finally:

        def cleanup():
            from billing.payments.models import BookingUse, CreditMovement

            CreditMovement.objects.filter(pack_id=pack_id).delete()
            BookingUse.objects.filter(participant__session_id__in=session_ids).delete()
            SessionParticipant.objects.filter(session_id__in=session_ids).delete()
            trainers = list(GroupSession.objects.filter(pk__in=session_ids).values_list("instructor_id", flat=True))
            GroupSession.objects.filter(pk__in=session_ids).delete()
            ClassType.objects.filter(pk=kind_id).delete()
            from core.models import AuditEvent, User

            AuditEvent.objects.filter(actor_id=client.pk).delete()
            User.objects.filter(pk__in=trainers).delete()

        in_own_connection(cleanup, studio=studio)
