"""A studio at its plan's active-client limit cannot add a client: a clear 403 with the limit and the way up."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from billing.platform.limits import ClientLimitReached
from billing.platform.models import StudioSubscription
from billing.platform.services import plan_create
from core.models import Role, User
from core.people import studio_user_create
from domain.clients.services import client_archive, client_restore
from tests.factories.core import ClientFactory
from tests.factories.tenants import STRONG_PASSWORD


@pytest.fixture
def at_limit(studio, fake_stripe, studio_owner):
    plan = plan_create(
        code="solo",
        name="Solo",
        client_limit=2,
        platform_fee_bps=300,
        trial_days=14,
        monthly_amount=1900,
        annual_amount=19000,
        currency="GBP",
    )
    StudioSubscription.objects.create(studio=studio, price=plan.prices.get(interval="month"), status="active")
    with schema_context(studio.schema_name):
        return [ClientFactory(), ClientFactory()]


def _clients(studio) -> int:
    with schema_context(studio.schema_name):
        return User.objects.filter(role=Role.CLIENT).count()


def test_staff_cannot_add_a_client_past_the_limit(at_limit, studio, api_client, studio_owner):
    response = api_client(studio_owner).post(
        "/api/v1/clients", {"email": "third@alpha.test", "first_name": "Third"}, content_type="application/json"
    )

    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "client_limit_reached"
    assert (body["limit"], body["active_clients"], body["plan"], body["upgrade_url"]) == (2, 2, "solo", "/billing/")
    assert "Solo plan allows 2 active clients" in body["detail"]
    assert _clients(studio) == 2


def test_a_client_cannot_sign_themself_up_past_the_limit(at_limit, studio):
    with pytest.raises(ClientLimitReached):
        studio_user_create(studio=studio, email="walkin@alpha.test", password=STRONG_PASSWORD, role="client")
    assert _clients(studio) == 2


def test_archived_clients_free_a_place_and_cannot_come_back_into_a_full_plan(at_limit, studio, tenant, studio_owner):
    first, _second = at_limit
    client_archive(actor=studio_owner, client_id=first.pk)
    ClientFactory()  # the freed place is taken

    with pytest.raises(ClientLimitReached):
        client_restore(actor=studio_owner, client_id=first.pk)


def test_trainers_are_not_clients(at_limit, studio):
    studio_user_create(studio=studio, email="coach@alpha.test", password=STRONG_PASSWORD, role="trainer")
    assert _clients(studio) == 2


def test_a_studio_without_a_subscription_is_not_limited(studio, tenant, studio_owner):
    for _ in range(3):
        ClientFactory()
    from billing.platform.limits import client_limit_check

    client_limit_check(studio=studio)  # no exception
