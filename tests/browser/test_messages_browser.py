"""A trainer and their client, each in their own browser, exchange messages live over the socket and see
each other's read receipts. Headless Chromium, two contexts, the real ASGI server (uvicorn) and Redis."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import connection
from playwright.sync_api import sync_playwright

from core.models import AuditEvent, User
from domain.messaging.models import Notification, Thread
from tenants.models import Studio
from tests.browser.asgi import live_asgi_server
from tests.browser.live import CHROMIUM, CHROMIUM_ARGS, CspWatch, browser_context
from tests.concurrency import in_own_connection
from tests.conftest import STUDIO_SLUG
from tests.factories.clients import assigned_client
from tests.factories.core import DEFAULT_PASSWORD, TrainerFactory
from tests.needs import needs

pytestmark = [pytest.mark.browser, pytest.mark.django_db, needs("chromium", "redis")]


@dataclass(frozen=True)
class World:
    port: int
    trainer_email: str
    client_email: str
    people: tuple[int, int]

    @property
    def url(self) -> str:
        return f"http://{STUDIO_SLUG}.localhost:{self.port}"


def _on_studio() -> None:
    connection.set_tenant(Studio.objects.get(slug=STUDIO_SLUG))


def _make(suffix: str) -> dict[str, object]:
    _on_studio()
    trainer = TrainerFactory(email=f"coach-{suffix}@browser.test", first_name="Theo", last_name="Coach")
    client = assigned_client(trainer, email=f"client-{suffix}@browser.test", first_name="Chloe", last_name="Lifter")
    return {"trainer_email": trainer.email, "client_email": client.email, "people": (trainer.pk, client.pk)}


def _remove(people: tuple[int, int]) -> None:
    _on_studio()
    Thread.objects.filter(participants__user_id__in=people).delete()
    AuditEvent.objects.filter(actor_id__in=people).delete()  # their sign-ins
    for session in Session.objects.all():
        if session.get_decoded().get(SESSION_KEY) in {str(pk) for pk in people}:
            session.delete()
    User.objects.filter(pk__in=people).delete()


@pytest.fixture
def world(django_db_blocker) -> Iterator[World]:
    suffix = uuid.uuid4().hex[:8]
    with django_db_blocker.unblock():
        made = in_own_connection(lambda: _make(suffix))
        try:
            with live_asgi_server() as port:
                yield World(port=port, **made)  # type: ignore[arg-type]
        finally:
            in_own_connection(lambda: _remove(made["people"]))  # type: ignore[arg-type]


def _sign_in(page, world: World, email: str) -> None:
    page.set_default_timeout(60_000)
    page.goto(f"{world.url}/accounts/login/?next=/messages/")
    page.fill("#id_login", email)
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/messages/")


def _unread_for(people: tuple[int, int]) -> int:
    _on_studio()
    return Notification.objects.filter(user_id=people[1], kind="message.new").count()


def test_two_people_exchange_messages_live_with_read_receipts(world):
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            coach_context = browser_context(browser, viewport={"width": 1200, "height": 900})
            phone_context = browser_context(browser, viewport={"width": 390, "height": 844}, is_mobile=True)
            watch = CspWatch(coach_context)
            coach, phone = coach_context.new_page(), phone_context.new_page()
            _sign_in(coach, world, world.trainer_email)
            _sign_in(phone, world, world.client_email)
            # given the trainer starts a conversation with the client
            coach.select_option("#new-person", label="Chloe Lifter (Client)")
            coach.click("#new-thread button[type=submit]")
            coach.wait_for_selector("#composer:not([hidden])")
            # and the client's page is open on the list, connected (no polling notice)
            phone.wait_for_function("() => document.querySelector('#live-status').hidden")
            # when the trainer sends a message
            coach.fill("#composer-text", "Great session today! Stretch tonight.")
            coach.click("#composer-send")
            # then it appears in the client's list without a reload, unread
            phone.wait_for_selector("#thread-list .unread-count:has-text('1')", timeout=15_000)
            assert _in_own(world) == 1  # and the bell has it: one in-app notification
            # when the client opens the thread and replies
            phone.click("#thread-list a")
            phone.wait_for_selector("#message-list li:has-text('Stretch tonight')")
            # then the trainer sees "Seen" under their message, live
            coach.wait_for_selector("#message-list li.mine .receipt:not([hidden])", timeout=15_000)
            phone.fill("#composer-text", "Will do, thanks!")
            phone.click("#composer-send")
            # and the reply reaches the trainer live, and the client sees the trainer read it
            coach.wait_for_selector("#message-list li:has-text('Will do, thanks!')", timeout=15_000)
            phone.wait_for_selector("#message-list li.mine .receipt:not([hidden])", timeout=15_000)
            assert watch.problems(coach) == []
        finally:
            browser.close()


def _in_own(world: World) -> int:
    return in_own_connection(lambda: _unread_for(world.people))
