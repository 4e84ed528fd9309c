"""The owner's platform billing on the public host's API (/api/v1/billing/...), in the public OpenAPI."""

from __future__ import annotations

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from core.models import Role, User
from core.tokens import access_token_issue
from tests.factories.core import TrainerFactory


def _bearer(studio, user) -> Client:
    with schema_context(studio.schema_name):
        token = access_token_issue(user)
    return Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.fixture
def owner_api(studio, studio_owner) -> Client:
    return _bearer(studio, studio_owner)


def test_the_owner_reads_plan_status_and_invoices(active, owner_api):
    sub = owner_api.get("/api/v1/billing/subscription").json()
    assert (sub["studio"], sub["status"], sub["price"]["plan"], sub["price"]["amount"]) == (
        "alpha",
        "active",
        "studio",
        4900,
    )
    assert sub["price"]["client_limit"] == 50

    invoices = owner_api.get("/api/v1/billing/invoices").json()
    assert [i["amount_due"] for i in invoices["items"]] == [4900, 0]
    assert invoices["items"][0]["status"] == "paid"


def test_the_owner_upgrades_cancels_and_reactivates(active, pro_plan, owner_api):
    pro = pro_plan.prices.get(interval="month")
    assert (
        owner_api.post(
            "/api/v1/billing/subscription/plan", {"price_id": pro.pk}, content_type="application/json"
        ).json()["price"]["plan"]
        == "pro"
    )
    assert owner_api.post("/api/v1/billing/subscription/cancel").json()["cancel_at_period_end"] is True
    assert owner_api.post("/api/v1/billing/subscription/reactivate").json()["cancel_at_period_end"] is False
    again = owner_api.post("/api/v1/billing/subscription/reactivate")
    assert (again.status_code, again.json()["code"]) == (409, "not_cancelling")


def test_the_card_page_is_stripe_hosted_and_returns_to_the_studio(active, owner_api, fake_stripe):
    url = owner_api.post("/api/v1/billing/payment-method-session").json()["url"]

    assert url.startswith(fake_stripe.base_url + "/_fake/portal/")
    assert "return_url=http%3A%2F%2Falpha.localhost%2Fbilling%2F" in url


@pytest.mark.parametrize("payload", [{"price_id": 999999}, {"price_id": "x"}, {}])
def test_a_bad_plan_change_is_a_clear_4xx_and_changes_nothing(active, owner_api, payload):
    response = owner_api.post("/api/v1/billing/subscription/plan", payload, content_type="application/json")
    assert response.status_code in (404, 422)
    assert "code" in response.json()
    active.refresh_from_db()
    assert active.plan.code == "studio"


def test_only_the_owner_with_their_own_studios_token(active, studio, owner_api):
    with schema_context(studio.schema_name):
        trainer = TrainerFactory()
    assert _bearer(studio, trainer).get("/api/v1/billing/subscription").status_code == 403
    anonymous = Client(HTTP_HOST="localhost").get("/api/v1/billing/subscription")
    assert anonymous.status_code == 401
    forged = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION="Bearer not-a-token").get("/api/v1/billing/subscription")
    assert forged.status_code == 401


def test_another_studios_owner_sees_only_their_own(active, other_studio):
    with schema_context(other_studio.schema_name):
        owner = User.objects.get(role=Role.OWNER)
    response = _bearer(other_studio, owner).get("/api/v1/billing/subscription")
    assert (response.status_code, response.json()["code"]) == (404, "no_subscription")


def test_the_public_openapi_documents_billing(public_client):
    paths = public_client.get("/api/v1/openapi.json").json()["paths"]
    assert {
        "/api/v1/billing/subscription",
        "/api/v1/billing/subscription/plan",
        "/api/v1/billing/subscription/cancel",
        "/api/v1/billing/subscription/reactivate",
        "/api/v1/billing/invoices",
        "/api/v1/billing/payment-method-session",
        "/api/v1/billing/connect/onboarding-link",
    } <= set(paths)
