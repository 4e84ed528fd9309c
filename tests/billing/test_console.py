"""The console's billing: each studio's plan, status, MRR and failed payments; platform MRR and churn; plans."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from billing.platform.metrics import platform_metrics
from billing.platform.models import Plan, PlanPrice, StudioSubscription
from core.models import User
from tests.fakes.stripe_fixtures import pay_with
from tests.fakes.stripe_subscriptions import run_clock


@pytest.fixture
def staff_client(public_client) -> Client:
    staff = User.objects.create_superuser(email="ops@fitwell.test", password="Ops-platform-2026")
    public_client.force_login(staff)
    return public_client


def test_each_studio_shows_plan_status_mrr_and_failed_payments(
    active, fake_stripe, billing_clock, deliver, staff_client
):
    pay_with(fake_stripe, active, "pm_card_chargeCustomerFail")
    mark = len(fake_stripe.events)
    billing_clock.move_to(active.current_period_end)
    run_clock(fake_stripe)
    deliver(mark)
    staff_client.force_login(User.objects.get(email="ops@fitwell.test"))  # a month on: a fresh session

    body = staff_client.get("/console/").content.decode()

    assert 'data-billing-status="past_due">Past due</td>' in body  # the label, not the stored code
    assert 'data-mrr="4900"' in body
    assert "49.00 GBP" in body
    assert 'data-failed="1"' in body
    assert 'data-metric="mrr"' in body
    detail = staff_client.get(f"/console/studios/{active.studio.slug}/").content.decode()
    assert 'data-plan="studio"' in detail
    assert "<td>Open · payment failed" in detail


def test_platform_mrr_counts_paying_studios_and_churn_counts_the_lost(active, other_studio, plan, billing_clock):
    annual = plan.prices.get(interval="year")
    now = timezone.now()
    lost = StudioSubscription.objects.create(studio=other_studio, price=annual, status="canceled")
    StudioSubscription.objects.filter(pk=lost.pk).update(
        canceled_at=now - timedelta(days=3), created_at=now - timedelta(days=200)
    )

    metrics = platform_metrics()

    # MRR: only the paying monthly studio (49.00); churn: 1 lost of the 2 paying 30 days ago (the active one
    # started paying within the window, so it does not count at the start: 1 - 1 + 1 = 1 -> 100 %)
    assert metrics.mrr == {"GBP": 4900}
    assert (metrics.paying, metrics.churned_30d) == (1, 1)
    assert metrics.churn_rate_30d == 100.0


def test_an_annual_price_counts_a_twelfth_as_mrr(plan):
    annual = plan.prices.get(interval="year")
    assert annual.monthly_amount == 4083  # 490.00 / 12 = 40.833..., rounded half up to the minor unit


def test_staff_create_a_plan_and_give_it_a_new_price_that_old_subscribers_do_not_get(
    staff_client, active, plan, fake_stripe
):
    response = staff_client.post(
        "/console/plans/",
        {
            "code": "team",
            "name": "Team",
            "client_limit": "200",
            "platform_fee_bps": "200",
            "trial_days": "14",
            "monthly_amount": "7900",
            "annual_amount": "79000",
            "currency": "GBP",
            "rank": "4",
        },
    )
    assert response.status_code == 302
    assert Plan.objects.get(code="team").prices.count() == 2

    staff_client.post(f"/console/plans/{plan.code}/prices", {"interval": "month", "amount": "5500", "currency": "GBP"})

    offered = PlanPrice.objects.get(plan=plan, interval="month", active=True)
    assert offered.amount == 5500
    active.refresh_from_db()
    assert active.price.amount == 4900  # grandfathered
    page = staff_client.get("/console/plans/").content.decode()
    assert "no (grandfathered)" in page


def test_a_bad_plan_form_is_refused_and_creates_nothing(staff_client, fake_stripe):
    before = len(fake_stripe.requests)
    response = staff_client.post("/console/plans/", {"code": "x y", "name": "", "monthly_amount": "-1"})
    assert response.status_code == 200
    assert not Plan.objects.exists()
    assert len(fake_stripe.requests) == before


def test_studio_people_cannot_open_the_plans_page(public_client):
    assert public_client.get("/console/plans/").status_code == 302  # to the platform sign-in
