"""Memberships: first period on payment, freeze dates, cancel with commitment, upgrade and downgrade, renewals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from billing.payments import services
from billing.payments.models import ClientSubscription, Invoice, Refund
from core.exceptions import ConflictError, ValidationError
from tests.billing.payments.conftest import NOW
from tests.factories.payments import MembershipFactory


@pytest.fixture
def monthly(currency):
    return MembershipFactory(currency=currency, price_amount=6000, signup_fee_amount=2500, minimum_term_periods=3)


def test_a_membership_starts_when_its_first_invoice_with_the_signup_fee_is_paid(member, monthly, buy):
    sale = buy(member, monthly, now=NOW)
    assert [(line.description, line.total_amount) for line in sale.invoice.lines.all()] == [
        (monthly.name, 6000),
        (f"Sign-up fee: {monthly.name}", 2500),
    ]
    assert sale.invoice.total_amount == 8500
    m = sale.membership
    assert m.status == ClientSubscription.Status.ACTIVE
    assert (m.current_period_start, m.current_period_end) == (NOW, datetime(2026, 4, 2, 8, 0, tzinfo=UTC))
    assert m.next_bill_at == m.current_period_end  # London moved to summer time: same wall clock, 09:00 BST
    assert m.commitment_ends_at == datetime(2026, 6, 2, 8, 0, tzinfo=UTC)


def test_a_freeze_moves_the_period_end_the_next_bill_and_the_commitment_by_its_length(member, monthly, buy, manager):
    m = buy(member, monthly, now=NOW).membership
    before = (m.current_period_end, m.next_bill_at, m.commitment_ends_at)
    start = NOW + timedelta(days=5)
    services.subscription_pause(
        actor=member, subscription_id=m.pk, starts_at=start, ends_at=start + timedelta(days=14), now=NOW
    )
    m.refresh_from_db()
    assert (m.current_period_end, m.next_bill_at, m.commitment_ends_at) == tuple(b + timedelta(days=14) for b in before)
    # a booking inside the freeze is refused; one after it is fine
    from billing.payments.services import Bookable, entitlement_decide
    from tests.factories.scheduling import AppointmentTypeFactory

    kind = AppointmentTypeFactory()
    inside = entitlement_decide(
        client=member, bookable=Bookable(appointment_type_id=kind.pk, starts_at=start + timedelta(days=1)), now=NOW
    )
    after = entitlement_decide(
        client=member, bookable=Bookable(appointment_type_id=kind.pk, starts_at=start + timedelta(days=15)), now=NOW
    )
    assert (inside.code, after.source) == ("membership_paused", "membership")
    # overlapping freezes and backwards dates are refused, and change nothing
    with pytest.raises(ConflictError):
        services.subscription_pause(
            actor=member, subscription_id=m.pk, starts_at=start, ends_at=start + timedelta(days=1), now=NOW
        )
    with pytest.raises(ValidationError):
        services.subscription_pause(actor=member, subscription_id=m.pk, starts_at=start, ends_at=start, now=NOW)
    m.refresh_from_db()
    assert m.next_bill_at == before[1] + timedelta(days=14)


def test_the_client_sees_the_remaining_commitment_and_cancels_at_its_end(member, monthly, buy):
    m = buy(member, monthly, now=NOW).membership
    terms = services.subscription_cancel_preview(subscription=m)
    # paid until 2 April; the 3-month minimum runs to 2 June: two more months of 60.00 are owed
    assert (terms.ends_at, terms.remaining_periods, terms.remaining_amount) == (m.commitment_ends_at, 2, 12000)
    services.subscription_cancel_at_period_end(actor=member, subscription_id=m.pk)
    m.refresh_from_db()
    assert m.cancel_at == m.commitment_ends_at
    # it renews through the commitment, then ends instead of renewing
    first = services.subscription_renew(subscription_id=m.pk, now=m.next_bill_at)
    m.refresh_from_db()
    second = services.subscription_renew(subscription_id=m.pk, now=m.next_bill_at)
    m.refresh_from_db()
    assert (first.total_amount, second.total_amount) == (6000, 6000)
    assert services.subscription_renew(subscription_id=m.pk, now=m.next_bill_at) is None
    m.refresh_from_db()
    assert m.status == ClientSubscription.Status.CANCELLED


def test_renewal_bills_each_period_once(member, currency, buy):
    m = buy(member, MembershipFactory(currency=currency), now=NOW).membership
    due = m.next_bill_at
    assert services.subscription_renew(subscription_id=m.pk, now=due - timedelta(seconds=1)) is None
    invoice = services.subscription_renew(subscription_id=m.pk, now=due)
    assert services.subscription_renew(subscription_id=m.pk, now=due) is None
    assert Invoice.objects.filter(subscription=m, period_start=due).count() == 1
    assert invoice.period_end == datetime(2026, 5, 2, 8, 0, tzinfo=UTC)


def test_upgrade_now_invoices_the_prorated_difference_to_the_minor_unit(member, currency, buy):
    basic = MembershipFactory(currency=currency, price_amount=3000, billing_period="month", tax_rate_bp=0)
    premium = MembershipFactory(currency=currency, price_amount=6000, billing_period="month", tax_rate_bp=0)
    start = datetime(2026, 4, 1, 0, 0, tzinfo=UTC)  # a 30-day April (London: 23:00 the day before)
    m = buy(member, basic, now=start).membership
    length = m.current_period_end - m.current_period_start
    ten_days = start + timedelta(days=10)
    m, invoice = services.subscription_change(actor=member, subscription_id=m.pk, package_id=premium.pk, now=ten_days)
    used, period = 10 * 86400, length.total_seconds()
    expected_charge = round(6000 * (period - used) / period)
    expected_credit = round(3000 * (period - used) / period)
    lines = [(line.description, line.total_amount) for line in invoice.lines.all()]
    assert lines == [
        (f"Remaining time on {premium.name}", expected_charge),
        (f"Unused time on {basic.name}", -expected_credit),
    ]
    assert invoice.total_amount == expected_charge - expected_credit == 2000  # 30 days: exactly 20/30 of 30.00
    assert (m.package_id, m.price_amount, m.current_period_end) == (premium.pk, 6000, start + length)


def test_downgrade_waits_for_the_period_end(member, currency, buy):
    premium = MembershipFactory(currency=currency, price_amount=6000)
    basic = MembershipFactory(currency=currency, price_amount=3000)
    m = buy(member, premium, now=NOW).membership
    m, invoice = services.subscription_change(actor=member, subscription_id=m.pk, package_id=basic.pk, now=NOW)
    assert invoice is None
    assert (m.package_id, m.pending_package_id) == (premium.pk, basic.pk)
    renewal = services.subscription_renew(subscription_id=m.pk, now=m.next_bill_at)
    m.refresh_from_db()
    assert (m.package_id, m.price_amount, renewal.total_amount) == (basic.pk, 3000, 3000)


def test_staff_cancel_now_with_a_prorated_refund_or_without(member, currency, buy, manager):
    package = MembershipFactory(currency=currency, price_amount=3000, tax_rate_bp=0)
    april = datetime(2026, 4, 1, 0, 0, tzinfo=UTC)
    m = buy(member, package, now=april).membership
    m, refunded = services.subscription_cancel_now(
        actor=manager, subscription_id=m.pk, refund=True, now=april + timedelta(days=20)
    )
    assert refunded == 1000  # 10 of 30 days unused
    assert Refund.objects.get().amount == 1000
    assert m.status == ClientSubscription.Status.CANCELLED

    other = buy(member, MembershipFactory(currency=currency, price_amount=3000), now=april).membership
    other, refunded = services.subscription_cancel_now(actor=manager, subscription_id=other.pk, refund=False, now=april)
    assert refunded == 0
    assert Refund.objects.count() == 1


def test_a_client_cannot_cancel_someone_else_s_membership(member, monthly, buy):
    from core.exceptions import NotFoundError
    from tests.factories.core import ClientFactory

    m = buy(member, monthly, now=NOW).membership
    with pytest.raises(NotFoundError):
        services.subscription_cancel_at_period_end(actor=ClientFactory(), subscription_id=m.pk)
    m.refresh_from_db()
    assert m.cancel_at is None
