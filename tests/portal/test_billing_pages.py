"""The owner's billing page: plan, cancel with a click, and the Connect onboarding round trip."""

from __future__ import annotations

import urllib.parse
import urllib.request

import pytest

from billing.platform.models import ConnectedAccount
from core.models import Role
from tests.fakes.stripe_webhooks import events_since, webhook_post


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _submit_onboarding(url: str) -> str:
    """What the owner does on Stripe's hosted page: submit it; returns where Stripe sends them back."""
    opener = urllib.request.build_opener(_NoRedirect)
    assert b"Set up payouts" in urllib.request.urlopen(url).read()  # noqa: S310 (the local fake)
    request = urllib.request.Request(url, data=b"choice=complete", method="POST")  # noqa: S310
    with pytest.raises(urllib.error.HTTPError) as redirect:
        opener.open(request)
    assert redirect.value.code == 303
    return redirect.value.headers["Location"]


@pytest.fixture
def owner_client(signed_in):
    client, _owner = signed_in(Role.OWNER)
    return client


def test_the_owner_sees_the_plan_and_cancels_with_a_click(active, owner_client):
    page = owner_client.get("/billing/")
    assert page.status_code == 200
    assert 'data-plan="studio"' in page.content.decode()

    response = owner_client.post("/billing/cancel/")

    assert response.status_code == 302
    active.refresh_from_db()
    assert active.cancel_at_period_end is True
    assert "Keep my subscription" in owner_client.get("/billing/").content.decode()


@pytest.mark.parametrize("role", [Role.MANAGER, Role.TRAINER, Role.CLIENT])
def test_only_the_owner_manages_billing(trialing, signed_in, role):
    client, _person = signed_in(role)
    assert client.get("/billing/").status_code == 403
    assert client.post("/billing/cancel/").status_code == 403
    trialing.refresh_from_db()
    assert trialing.cancel_at_period_end is False


def test_connect_onboarding_round_trip(
    studio, plan, owner_client, fake_stripe, public_client, django_capture_on_commit_callbacks
):
    # the owner starts onboarding from the studio and is sent to Stripe's hosted page
    response = owner_client.post("/billing/connect/")
    assert response.status_code == 302
    link = response["Location"]
    assert link.startswith(fake_stripe.base_url + "/_fake/onboarding/acct_")
    account = ConnectedAccount.objects.get(studio=studio)
    assert (account.charges_enabled, account.payouts_enabled) == (False, False)
    mark = len(fake_stripe.events)

    # they finish there and come back to the return URL on the studio's host
    back = urllib.parse.urlsplit(_submit_onboarding(link))
    assert (back.hostname, back.path) == ("alpha.localhost", "/billing/connect/return/")
    landing = owner_client.get(back.path)
    assert landing.status_code == 302
    account.refresh_from_db()
    assert (account.charges_enabled, account.payouts_enabled, account.requirements_due) == (True, True, [])

    # account.updated arrives on the Connect endpoint and agrees; the checklist step is done
    (updated,) = events_since(fake_stripe, mark, types=("account.updated",))
    assert updated["account"] == account.stripe_account_id
    with django_capture_on_commit_callbacks(execute=True):
        assert webhook_post(public_client, updated).status_code == 200
    dashboard = owner_client.get("/dashboard/").content.decode()
    assert 'data-item="payments" data-done="true"' in dashboard
    assert 'data-connect="ready"' in owner_client.get("/billing/").content.decode()


def test_a_second_start_reuses_the_studios_account(studio, plan, owner_client, fake_stripe):
    owner_client.post("/billing/connect/")
    owner_client.get("/billing/connect/")  # Stripe's refresh_url: a fresh link for the same account

    assert ConnectedAccount.objects.filter(studio=studio).count() == 1
    assert (
        len(
            [
                o
                for o in fake_stripe.objects.values()
                if o.get("object") == "account" and o["metadata"].get("studio") == studio.schema_name
            ]
        )
        == 1
    )


def test_after_the_plan_ended_the_owner_is_told_and_chooses_a_plan_again(ended, owner_client):
    page = owner_client.get("/billing/").content.decode()
    assert "data-ended" in page
    assert "Start this plan" in page
    response = owner_client.post("/billing/plan/", {"price": ended.price_id})
    assert response.status_code == 302
    ended.refresh_from_db()
    assert ended.status == "active"
    assert "data-ended" not in owner_client.get("/billing/").content.decode()
