"""Over real HTTP and a REAL Celery worker: the fake Stripe delivers a signed Connect event to a live server,
which stores it and answers 200; the worker (its own process, the running Redis) handles it once, however
many times the event is delivered."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from django.conf import settings

from billing.platform.models import ConnectedAccount, StripeEvent
from tests.browser.live import live_server_thread
from tests.concurrency import in_own_connection
from tests.fakes.stripe_resources import account_create, account_onboard
from tests.fakes.stripe_webhooks import webhook_post_url
from tests.needs import needs
from tests.workers import celery_worker, wait_for

pytestmark = [pytest.mark.slow, needs("redis")]


@pytest.fixture(scope="module")
def worker(django_db_setup, fake_stripe, tmp_path_factory) -> Iterator[object]:
    """A real worker on the test database, its Stripe client pointed at the fake."""
    log = tmp_path_factory.mktemp("billing-worker") / "worker.log"
    with celery_worker(name="billing", log=log, env={"STRIPE_API_BASE": fake_stripe.base_url}) as process:
        yield process


@pytest.fixture
def connected(studio, fake_stripe) -> Iterator[str]:
    """A connected account of the studio, committed (the live server and the worker must see it)."""
    account = account_create(fake_stripe, {}, None)["id"]
    in_own_connection(studio, lambda: ConnectedAccount.objects.create(studio=studio, stripe_account_id=account))
    yield account

    def forget() -> None:
        StripeEvent.objects.filter(account=account).delete()
        ConnectedAccount.objects.filter(stripe_account_id=account).delete()

    in_own_connection(studio, forget)


def test_a_delivered_event_is_handled_once_by_the_worker(worker, connected, fake_stripe, studio):
    with live_server_thread() as port:
        url = f"http://localhost:{port}/stripe/webhooks/connect"
        secret = settings.STRIPE_CONNECT_WEBHOOK_SECRET
        fake_stripe.webhook_endpoints.append({"url": url, "secret": secret, "connect": True})
        try:
            account_onboard(fake_stripe, connected)  # Stripe sends account.updated to the live server
            event = next(e for e in reversed(fake_stripe.events) if e["type"] == "account.updated")
            for _ in range(2):  # and delivers it twice more
                status, body = webhook_post_url(url, event, secret=secret, host=f"localhost:{port}")
                assert status == 200, body
        finally:
            fake_stripe.webhook_endpoints.clear()

        def state() -> tuple[str, int, bool] | None:
            row = StripeEvent.objects.filter(pk=event["id"]).first()
            account = ConnectedAccount.objects.get(stripe_account_id=connected)
            return (row.status, row.attempts, account.charges_enabled) if row else None

        wait_for(lambda: (in_own_connection(studio, state) or ("",))[0] == "processed", what="the worker")
        time.sleep(2)  # let any duplicate task finish
        assert in_own_connection(studio, state) == ("processed", 1, True)
        assert event["account"] == connected
