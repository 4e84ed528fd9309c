"""The entitlement engine: what a booking uses, what comes back, what is forfeited, and who is refused."""

from __future__ import annotations

from datetime import timedelta

import pytest

from billing.payments import selectors, services
from billing.payments.errors import EntitlementRequired
from billing.payments.models import BookingFee, BookingUse, ClientPack, CommercePolicy, Strike
from core.models import AuditEvent
from tests.billing.payments.conftest import NOW
from tests.factories.payments import MembershipFactory, PackFactory
from tests.factories.scheduling import AppointmentFactory, AppointmentTypeFactory, ClassTypeFactory


def _ref(appointment, **extra):
    return services.BookingRef(
        client=appointment.client,
        starts_at=appointment.starts_at,
        label="PT",
        appointment_id=appointment.pk,
        appointment_type_id=appointment.appointment_type_id,
        **extra,
    )


@pytest.fixture
def kind(tenant):
    return AppointmentTypeFactory()


def _appointment(member, kind, days=2):
    return AppointmentFactory(client=member, appointment_type=kind, starts_at=NOW + timedelta(days=days))


def test_a_booking_nobody_sells_a_pass_for_is_free(member, kind):
    appointment = _appointment(member, kind)
    assert services.booking_consume(actor=member, ref=_ref(appointment), now=NOW) is None
    assert not BookingUse.objects.exists()


def test_without_a_pass_a_covered_booking_is_refused_with_a_way_to_the_shop(member, kind, pack):
    appointment = _appointment(member, kind)
    with pytest.raises(EntitlementRequired) as refused:
        services.booking_consume(actor=member, ref=_ref(appointment), now=NOW)
    assert (refused.value.status_code, refused.value.code) == (402, "no_entitlement")
    assert "shop_url" in refused.value.extra
    assert not BookingUse.objects.exists()


def test_credits_are_consumed_at_booking_and_returned_on_an_in_window_cancel(member, kind, pack, buy):
    sale = buy(member, pack, now=NOW)
    appointment = _appointment(member, kind)
    use = services.booking_consume(actor=member, ref=_ref(appointment), now=NOW)
    sale.pack.refresh_from_db()
    assert (use.source, use.pack_id, sale.pack.credits_remaining) == ("pack", sale.pack.pk, 9)

    services.booking_cancelled(actor=member, ref=_ref(appointment), late=False, now=NOW)
    sale.pack.refresh_from_db()
    use.refresh_from_db()
    assert (use.state, sale.pack.credits_remaining) == ("returned", 10)
    ledger = list(selectors.credit_ledger(client=member).order_by("id").values_list("delta", "reason", "balance_after"))
    assert ledger == [(10, "purchase", 10), (-1, "booking", 9), (1, "return", 10)]
    assert not Strike.objects.exists()


def test_a_late_cancel_forfeits_the_credit_and_charges_the_fee_after_the_waive_window(
    member, kind, pack, buy, currency
):
    CommercePolicy.objects.update_or_create(key=1, defaults={"late_cancel_fee_amount": 1500, "fee_waive_hours": 24})
    sale = buy(member, pack, now=NOW)
    appointment = _appointment(member, kind, days=1)
    services.booking_consume(actor=member, ref=_ref(appointment), now=NOW)
    # the client sees what it will cost before confirming
    preview = services.cancel_preview(ref=_ref(appointment), late=True, now=NOW)
    assert (preview.late, preview.fee_amount, preview.currency, preview.credit_returned) == (
        True,
        1500,
        currency,
        False,
    )
    assert "15.00" in preview.message

    fee = services.booking_cancelled(actor=member, ref=_ref(appointment), late=True, now=NOW)
    sale.pack.refresh_from_db()
    assert sale.pack.credits_remaining == 9
    assert BookingUse.objects.get().state == "forfeited"
    assert Strike.objects.get().kind == "late_cancel"
    assert (fee.amount, fee.status, fee.charge_after) == (1500, "pending", NOW + timedelta(hours=24))
    # inside the waive window nothing is charged
    assert services.fee_charge(fee_id=fee.pk, now=NOW + timedelta(hours=23)) is None
    # after it, without a card on file, an open invoice for exactly the fee
    invoice = services.fee_charge(fee_id=fee.pk, now=NOW + timedelta(hours=25))
    assert (invoice.status, invoice.total_amount, invoice.tax_amount, invoice.client_id) == ("open", 1500, 0, member.pk)
    assert services.fee_charge(fee_id=fee.pk, now=NOW + timedelta(hours=26)) is None  # once
    fee.refresh_from_db()
    assert (fee.status, fee.invoice_id) == ("charged", invoice.pk)


def test_staff_may_waive_a_fee_in_the_window(member, kind, manager):
    CommercePolicy.objects.update_or_create(key=1, defaults={"no_show_fee_amount": 2000})
    appointment = _appointment(member, kind)
    fee = services.booking_no_show(actor=manager, ref=_ref(appointment), now=NOW)
    services.fee_waive(actor=manager, fee_id=fee.pk, now=NOW)
    assert services.fee_charge(fee_id=fee.pk, now=NOW + timedelta(days=2)) is None
    fee.refresh_from_db()
    assert (fee.status, fee.waived_by_id) == (BookingFee.Status.WAIVED, manager.pk)
    assert AuditEvent.objects.filter(action="booking_fee.waive").exists()


def test_a_type_s_own_fee_overrides_the_studio_s(member, kind, manager):
    from billing.payments.models import BookingFeeRule

    CommercePolicy.objects.update_or_create(key=1, defaults={"no_show_fee_amount": 2000})
    BookingFeeRule.objects.create(appointment_type=kind, late_cancel_fee_amount=0, no_show_fee_amount=3500)
    fee = services.booking_no_show(actor=manager, ref=_ref(_appointment(member, kind)), now=NOW)
    assert fee.amount == 3500


def test_expiry_after_first_use_starts_at_the_first_booking(member, kind, buy, currency):
    package = PackFactory(currency=currency, expiry_starts="first_use", expiry_days=30, credits=5)
    sale = buy(member, package, now=NOW)
    assert sale.pack.expires_at is None
    later = NOW + timedelta(days=10)
    services.booking_consume(actor=member, ref=_ref(_appointment(member, kind, days=12)), now=later)
    sale.pack.refresh_from_db()
    assert (sale.pack.first_used_at, sale.pack.expires_at) == (later, later + timedelta(days=30))


def test_a_pack_scoped_to_class_types_does_not_pay_for_a_1to1(member, kind, buy, currency):
    package = PackFactory(currency=currency, covers_appointments=False)
    package.class_types.set([ClassTypeFactory()])
    buy(member, package, now=NOW)
    AppointmentTypeFactory()  # another type; the 1:1 below is not covered by anything -> free
    assert services.booking_consume(actor=member, ref=_ref(_appointment(member, kind)), now=NOW) is None


def test_an_expired_pack_pays_for_nothing(member, kind, pack, buy):
    buy(member, pack, now=NOW)
    after_expiry = NOW + timedelta(days=91)
    with pytest.raises(EntitlementRequired):
        services.booking_consume(actor=member, ref=_ref(_appointment(member, kind, days=92)), now=after_expiry)


def test_a_membership_with_two_visits_a_week_allows_two_per_studio_week(member, kind, buy, currency):
    package = MembershipFactory(currency=currency, visits_per_week=2)
    buy(member, package, now=NOW)
    monday = NOW
    refs = [_ref(_appointment(member, kind, days=d)) for d in (1, 2, 3)]  # Tue, Wed, Thu
    assert services.booking_consume(actor=member, ref=refs[0], now=monday).source == "membership"
    assert services.booking_consume(actor=member, ref=refs[1], now=monday).source == "membership"
    with pytest.raises(EntitlementRequired) as refused:
        services.booking_consume(actor=member, ref=refs[2], now=monday)
    assert refused.value.code == "weekly_limit_reached"
    next_week = _ref(_appointment(member, kind, days=8))
    assert services.booking_consume(actor=member, ref=next_week, now=monday).source == "membership"


def test_a_past_due_membership_books_during_grace_then_is_refused_with_a_link_to_pay(member, kind, buy, currency):
    CommercePolicy.objects.update_or_create(key=1, defaults={"past_due_grace_days": 3})
    sale = buy(member, MembershipFactory(currency=currency), now=NOW)
    renewal_time = sale.membership.next_bill_at
    invoice = services.subscription_renew(subscription_id=sale.membership.pk, now=renewal_time)
    assert invoice.status == "open"
    services.subscription_mark_past_due(subscription_id=sale.membership.pk, now=renewal_time)
    in_grace = renewal_time + timedelta(days=2)
    assert (
        services.booking_consume(actor=member, ref=_ref(_appointment(member, kind, days=33)), now=in_grace).source
        == "membership"
    )
    with pytest.raises(EntitlementRequired) as refused:
        services.booking_consume(
            actor=member, ref=_ref(_appointment(member, kind, days=34)), now=renewal_time + timedelta(days=3)
        )
    assert refused.value.code == "membership_past_due"
    assert "pay_url" in refused.value.extra


def test_strikes_warn_then_block_and_staff_can_forgive(member, kind, manager):
    CommercePolicy.objects.update_or_create(
        key=1, defaults={"strike_limit": 2, "strike_window_days": 30, "strike_block_days": 7}
    )
    services.booking_no_show(actor=manager, ref=_ref(_appointment(member, kind)), now=NOW)
    status = selectors.strike_status(client_id=member.pk, now=NOW)
    assert (status.strikes, status.warn, status.blocked_until) == (1, True, None)
    second = NOW + timedelta(days=3)
    services.booking_no_show(actor=manager, ref=_ref(_appointment(member, kind, days=3)), now=second)
    assert selectors.strike_status(client_id=member.pk, now=second).blocked_until == second + timedelta(days=7)
    with pytest.raises(EntitlementRequired) as refused:
        services.booking_consume(actor=member, ref=_ref(_appointment(member, kind, days=5)), now=second)
    assert refused.value.code == "booking_blocked"
    # a block ends by itself
    assert selectors.strike_status(client_id=member.pk, now=second + timedelta(days=7)).blocked_until is None
    # forgiving one strike lifts the block now
    services.strikes_forgive(actor=manager, client_id=member.pk, strike_id=Strike.objects.order_by("id").last().pk)
    assert selectors.strike_status(client_id=member.pk, now=second).blocked_until is None


def test_staff_override_books_without_a_pass_and_is_audited(member, kind, pack, manager):
    appointment = _appointment(member, kind)
    use = services.booking_consume(actor=manager, ref=_ref(appointment), override=True, now=NOW)
    assert (use.source, use.pack_id) == ("override", None)
    audit = AuditEvent.objects.get(action="entitlement.override")
    assert (audit.actor_id, audit.metadata["refused"]) == (manager.pk, "no_entitlement")
    # a client cannot override
    with pytest.raises(EntitlementRequired):
        services.booking_consume(actor=member, ref=_ref(_appointment(member, kind, days=3)), override=True, now=NOW)


def test_a_pack_never_goes_below_zero_in_the_database(member, pack, buy):
    from django.db import IntegrityError, transaction

    sale = buy(member, pack, now=NOW)
    with pytest.raises(IntegrityError), transaction.atomic():
        ClientPack.objects.filter(pk=sale.pack.pk).update(credits_remaining=-1)
