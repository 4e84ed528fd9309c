"""A client buys a class pack in the browser, pays on the (fake) Stripe Checkout page, and books a class
with it. Stripe's events reach the webhook over HTTP, signed, as they would in production."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone
from playwright.sync_api import sync_playwright

from billing.platform.models import ConnectedAccount, StripeEvent
from core.models import AuditEvent, User
from domain.scheduling.models import ClassType, GroupSession, SessionParticipant
from tenants.models import Studio
from tests.billing.payments.committed import delete_commerce_of
from tests.browser.live import CHROMIUM, CHROMIUM_ARGS, live_server_thread
from tests.concurrency import in_own_connection
from tests.conftest import STUDIO_SLUG
from tests.factories.core import DEFAULT_PASSWORD, ClientFactory, TrainerFactory
from tests.factories.payments import PackFactory
from tests.fakes.stripe_resources import account_create, account_onboard
from tests.needs import needs

pytestmark = [pytest.mark.browser, pytest.mark.django_db, needs("chromium")]


@dataclass(frozen=True)
class World:
    port: int
    client_id: int
    trainer_id: int
    email: str
    session_id: int
    class_type_id: int
    account_id: str

    @property
    def url(self) -> str:
        return f"http://{STUDIO_SLUG}.localhost:{self.port}"


def _on_studio() -> Studio:
    studio = Studio.objects.get(slug=STUDIO_SLUG)
    connection.set_tenant(studio)
    return studio


def _make(suffix: str, account_id: str) -> dict[str, object]:
    studio = _on_studio()
    ConnectedAccount.objects.create(
        studio=studio, stripe_account_id=account_id, charges_enabled=True, payouts_enabled=True
    )
    client = ClientFactory(email=f"buyer-{suffix}@browser.test", first_name="Bea")
    trainer = TrainerFactory(email=f"coach-{suffix}@browser.test")
    PackFactory(currency=studio.currency, name=f"Five classes {suffix}", credits=5, price_amount=4500)
    kind = ClassType.objects.create(name=f"Spin {suffix}")
    start = (timezone.now() + timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    session = GroupSession.objects.create(
        class_type=kind, instructor=trainer, capacity=8, starts_at=start, ends_at=start + timedelta(minutes=45)
    )
    return {
        "client_id": client.pk,
        "trainer_id": trainer.pk,
        "email": client.email,
        "session_id": session.pk,
        "class_type_id": kind.pk,
    }


def _remove(world: World) -> None:
    _on_studio()
    people = [world.client_id, world.trainer_id]
    SessionParticipant.objects.filter(session_id=world.session_id).delete()
    delete_commerce_of(list(User.objects.filter(pk__in=people)))
    GroupSession.objects.filter(pk=world.session_id).delete()
    ClassType.objects.filter(pk=world.class_type_id).delete()
    AuditEvent.objects.filter(actor_id__in=people).delete()
    for session in Session.objects.all():
        if session.get_decoded().get(SESSION_KEY) in {str(pk) for pk in people}:
            session.delete()
    User.objects.filter(pk__in=people).delete()
    connection.set_schema_to_public()
    StripeEvent.objects.filter(account=world.account_id).delete()
    ConnectedAccount.objects.filter(stripe_account_id=world.account_id).delete()


def _state(world: World) -> tuple[str, int, str]:
    from billing.payments.models import ClientPack, Invoice

    _on_studio()
    invoice = Invoice.objects.filter(client_id=world.client_id).first()
    pack = ClientPack.objects.filter(client_id=world.client_id).first()
    seat = SessionParticipant.objects.filter(session_id=world.session_id, client_id=world.client_id).first()
    return (invoice.status if invoice else "", pack.credits_remaining if pack else -1, seat.status if seat else "")


@pytest.fixture
def world(django_db_blocker, fake_stripe) -> Iterator[World]:
    suffix = uuid.uuid4().hex[:8]
    account = account_create(fake_stripe, {"type": "express"}, None)
    account_onboard(fake_stripe, account["id"])
    with django_db_blocker.unblock():
        made = in_own_connection(lambda: _make(suffix, account["id"]))
        with live_server_thread() as port:
            hook = {
                "url": f"http://localhost:{port}/stripe/webhooks/connect",
                "secret": settings.STRIPE_CONNECT_WEBHOOK_SECRET,
                "connect": True,
            }
            fake_stripe.webhook_endpoints.append(hook)
            world = World(port=port, account_id=account["id"], **made)  # type: ignore[arg-type]
            try:
                yield world
            finally:
                fake_stripe.webhook_endpoints.remove(hook)
                in_own_connection(lambda: _remove(world))


def test_a_client_buys_a_pack_pays_by_card_and_books_a_class_with_it(world):
    if shutil.which(CHROMIUM) is None:
        pytest.fail("Debian's chromium is needed for the browser tests")
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.set_default_timeout(20_000)
            # given the client signs in and opens the shop
            page.goto(f"{world.url}/accounts/login/?next=/shop/")
            page.fill("#id_login", world.email)
            page.fill("#id_password", DEFAULT_PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url("**/shop/")
            item = page.locator("li", has_text="Five classes")
            assert "45.00" in item.inner_text()
            # the class page says a pass is needed
            page.goto(f"{world.url}/schedule/classes/")
            assert "You need a pass" in page.locator("li", has_text="Spin").inner_text()
            # when they buy the pack, an invoice waits in the wallet
            page.goto(f"{world.url}/shop/")
            page.locator("li", has_text="Five classes").get_by_role("button", name="Buy").click()
            page.wait_for_url("**/wallet/**")
            row = page.locator("tr", has_text="Open")
            assert "45.00" in row.inner_text()
            # and they pay by card on Stripe's hosted page
            row.get_by_role("button", name="Pay by card").click()
            page.wait_for_selector("text=Pay 45.00 USD")
            page.get_by_role("button", name="Pay with 4242 4242 4242 4242").click()
            page.wait_for_url("**/wallet/?paid=*")
            # then, once Stripe's events arrive, the invoice is paid and the credits are there
            for _ in range(40):
                if in_own_connection(lambda: _state(world))[0] == "paid":
                    break
                page.wait_for_timeout(250)
            page.reload()
            assert "5 credits" in page.inner_text("#credits")
            # when they book the class, it says what it uses and takes one credit
            page.goto(f"{world.url}/schedule/classes/")
            spin = page.locator("li", has_text="Spin")
            assert "Uses 1 credit" in spin.inner_text()
            spin.get_by_role("button", name="Book").click()
            page.wait_for_selector("text=You have a seat")
        finally:
            browser.close()
    assert in_own_connection(lambda: _state(world)) == ("paid", 4, "booked")
