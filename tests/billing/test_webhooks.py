"""Webhooks: verified, stored first keyed by event id, handled once in the right schema; forgeries refused."""

from __future__ import annotations

import time

import pytest
from celery.exceptions import Retry
from django.db import connection

from billing import webhooks
from billing.platform.models import ConnectedAccount, StripeEvent
from tests.fakes.stripe_resources import account_onboard
from tests.fakes.stripe_webhooks import events_since, webhook_post

SEEN: list[tuple[str, str]] = []


@webhooks.stripe_handler("test.thing.*", endpoint=webhooks.CONNECT)
def _record(*, event, studio) -> None:
    SEEN.append((event.id, connection.schema_name))


def _event(event_type: str = "test.thing.happened", *, account: str | None = None, livemode: bool = False) -> dict:
    event = {
        "id": f"evt_{time.time_ns()}",
        "object": "event",
        "type": event_type,
        "created": int(time.time()),
        "livemode": livemode,
        "api_version": "2026-10-28.endive",
        "data": {"object": {"id": "obj_1", "object": "thing"}},
    }
    if account:
        event["account"] = account
    return event


@pytest.fixture
def account_id(connected_studio) -> str:
    return connected_studio.connected_account.stripe_account_id


def test_a_connect_event_is_handled_once_in_the_studios_schema_however_often_it_is_replayed(
    public_client, account_id, connected_studio, django_capture_on_commit_callbacks
):
    SEEN.clear()
    event = _event(account=account_id)

    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            response = webhook_post(public_client, event)
        assert response.status_code == 200

    assert [(event["id"], connected_studio.schema_name)] == SEEN
    row = StripeEvent.objects.get(pk=event["id"])
    assert (row.status, row.attempts, row.studio_id, row.endpoint) == ("processed", 1, connected_studio.pk, "connect")


def test_account_updated_syncs_the_studios_connect_state(
    public_client, account_id, fake_stripe, django_capture_on_commit_callbacks
):
    ConnectedAccount.objects.filter(stripe_account_id=account_id).update(charges_enabled=False, payouts_enabled=False)
    mark = len(fake_stripe.events)
    account_onboard(fake_stripe, account_id, complete=False)  # charges on, payouts still need a bank account

    (event,) = events_since(fake_stripe, mark, types=("account.updated",))
    with django_capture_on_commit_callbacks(execute=True):
        assert webhook_post(public_client, event).status_code == 200

    row = ConnectedAccount.objects.get(stripe_account_id=account_id)
    assert (row.charges_enabled, row.payouts_enabled, row.requirements_due) == (True, False, ["external_account"])


@pytest.mark.parametrize(
    ("tamper", "code"),
    [
        ({"secret": "whsec_not_ours"}, "invalid_signature"),
        ({"timestamp": -301}, "invalid_signature"),  # seconds before the test's now: stale
        ({"signature": ""}, "invalid_signature"),
        ({"signature": "t=1,v0=abc"}, "invalid_signature"),
    ],
)
def test_a_forged_or_stale_event_is_refused_and_stores_nothing(public_client, account_id, tamper, code):
    SEEN.clear()
    if "timestamp" in tamper:  # relative to the test's clock, read when the test runs (not at collection)
        tamper = {**tamper, "timestamp": int(time.time()) + tamper["timestamp"]}
    response = webhook_post(public_client, _event(account=account_id), **tamper)

    assert response.status_code == 400
    assert response.json()["code"] == code
    assert not StripeEvent.objects.exists()
    assert SEEN == []


def test_a_tampered_body_fails_the_signature(public_client, account_id):
    from tests.fakes.stripe_webhooks import signed

    body, header = signed(_event(account=account_id), secret="whsec_fake_connect")
    response = public_client.post(
        "/stripe/webhooks/connect",
        data=body.replace("test.thing.happened", "test.thing.forged"),
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=header,
    )

    assert response.status_code == 400
    assert not StripeEvent.objects.exists()


def test_livemode_must_match_the_deployment(public_client, account_id):
    response = webhook_post(public_client, _event(account=account_id, livemode=True))

    assert (response.status_code, response.json()["code"]) == (400, "livemode_mismatch")
    assert not StripeEvent.objects.exists()


def test_an_event_on_the_wrong_endpoint_is_refused(public_client, account_id):
    response = webhook_post(
        public_client, _event(account=account_id), endpoint="platform", secret="whsec_fake_platform"
    )

    assert (response.status_code, response.json()["code"]) == (400, "wrong_endpoint")
    assert not StripeEvent.objects.exists()


def test_a_body_that_is_not_json_answers_400(public_client):
    from tests.fakes.stripe_webhooks import signed

    _body, header = signed({"x": 1}, secret="whsec_fake_platform")
    response = public_client.post(
        "/stripe/webhooks/platform", data="not json", content_type="application/json", HTTP_STRIPE_SIGNATURE=header
    )

    assert response.status_code == 400


def test_an_event_without_a_handler_is_stored_and_marked_ignored(public_client, django_capture_on_commit_callbacks):
    event = _event("customer.tax_id.created")

    with django_capture_on_commit_callbacks(execute=True):
        assert webhook_post(public_client, event).status_code == 200

    assert StripeEvent.objects.get(pk=event["id"]).status == "ignored"


def test_a_failing_handler_is_recorded_and_succeeds_when_processed_again(
    public_client, account_id, django_capture_on_commit_callbacks
):
    calls = []

    @webhooks.stripe_handler("test.flaky", endpoint=webhooks.CONNECT)
    def flaky(*, event, studio) -> None:
        calls.append(event.id)
        if len(calls) == 1:
            raise RuntimeError("database hiccup")

    event = _event("test.flaky", account=account_id)
    # The task records the failure, then asks Celery to retry it later (eager here: Retry is raised).
    with pytest.raises(Retry), django_capture_on_commit_callbacks(execute=True):
        webhook_post(public_client, event)
    row = StripeEvent.objects.get(pk=event["id"])
    assert (row.status, "database hiccup" in row.last_error) == ("failed", True)

    assert webhooks.event_process(event_id=event["id"]) == "processed"
    assert webhooks.event_process(event_id=event["id"]) == "processed"
    assert calls == [event["id"], event["id"]]
