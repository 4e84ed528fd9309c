"""A client logs food on a phone-sized headless Chromium: search with an accent-free query, add, go offline,
add again (kept on the phone), come back online: each food is written exactly once."""

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
from domain.nutrition.models import FoodLogEntry
from tenants.models import Studio
from tests.browser.live import CHROMIUM, CHROMIUM_ARGS, browser_context, live_server_thread
from tests.concurrency import in_own_connection
from tests.conftest import STUDIO_SLUG
from tests.factories.clients import assigned_client
from tests.factories.core import DEFAULT_PASSWORD, TrainerFactory
from tests.needs import needs

pytestmark = [pytest.mark.browser, pytest.mark.django_db, needs("chromium")]


@dataclass(frozen=True)
class World:
    port: int
    client_id: int
    trainer_id: int
    email: str

    @property
    def url(self) -> str:
        return f"http://{STUDIO_SLUG}.localhost:{self.port}"


def _on_studio() -> None:
    connection.set_tenant(Studio.objects.get(slug=STUDIO_SLUG))


def _make(suffix: str) -> dict[str, int | str]:
    _on_studio()
    trainer = TrainerFactory(email=f"coach-{suffix}@browser.test")
    client = assigned_client(trainer, email=f"eater-{suffix}@browser.test", first_name="Eve")
    return {"client_id": client.pk, "trainer_id": trainer.pk, "email": client.email}


def _remove(world: World) -> None:
    _on_studio()
    people = [world.client_id, world.trainer_id]
    FoodLogEntry.objects.filter(client_id=world.client_id).delete()
    AuditEvent.objects.filter(actor_id__in=people).delete()
    for session in Session.objects.all():
        if session.get_decoded().get(SESSION_KEY) in {str(pk) for pk in people}:
            session.delete()
    User.objects.filter(pk__in=people).delete()


def _logged(world: World) -> list[str]:
    _on_studio()
    return sorted(FoodLogEntry.objects.filter(client_id=world.client_id).values_list("name", flat=True))


@pytest.fixture
def world(django_db_blocker) -> Iterator[World]:
    suffix = uuid.uuid4().hex[:8]
    with django_db_blocker.unblock():
        made = in_own_connection(lambda: _make(suffix))
        with live_server_thread() as port:
            world = World(port=port, **made)  # type: ignore[arg-type]
            try:
                yield world
            finally:
                in_own_connection(lambda: _remove(world))


def test_a_client_logs_food_online_and_offline_and_each_arrives_once(world):
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser_context(
                browser,
                viewport={"width": 390, "height": 844},
                is_mobile=True,
                has_touch=True,
                timezone_id="Europe/London",
            )
            page = context.new_page()
            page.set_default_timeout(20_000)
            errors: list[str] = []
            page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
            # given the client signs in and opens their nutrition day on the phone
            page.goto(f"{world.url}/accounts/login/?next=/me/nutrition/")
            page.fill("#id_login", world.email)
            page.fill("#id_password", DEFAULT_PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url("**/me/nutrition/")
            page.wait_for_selector("#targets .target")
            # when they search without the accent and add one portion to breakfast
            page.select_option("#meal", "breakfast")
            page.fill("#food-search", "creme fraiche")
            page.wait_for_selector(".result >> text=Crème fraîche")
            page.locator(".result", has_text="Crème fraîche").locator("button.add").click()
            page.wait_for_function(
                "() => document.querySelector('[data-meal=breakfast] .entry:not(.pending)') !== null"
            )
            assert _logged_now(world) == ["Crème fraîche"]
            # and then the connection drops and they quick-add their lunch
            context.set_offline(True)
            page.select_option("#meal", "lunch")
            page.click("details summary")
            page.fill("#quick-add [name=name]", "Canteen lunch")
            page.fill("#quick-add [name=energy_kcal]", "650")
            page.fill("#quick-add [name=protein_g]", "35")
            page.click("#quick-add button[type=submit]")
            page.wait_for_selector("[data-meal=lunch] .entry.pending")
            assert page.locator("#net").inner_text().startswith("Offline")
            assert _logged_now(world) == ["Crème fraîche"]  # only on the phone for now
            # then they are back online: the lunch is sent, exactly once, even if flushed twice
            context.set_offline(False)
            page.evaluate("() => window.fitwellFoodLogger.flush()")
            page.evaluate("() => window.fitwellFoodLogger.flush()")
            page.wait_for_function("() => document.querySelector('[data-meal=lunch] .entry:not(.pending)') !== null")
            assert _logged_now(world) == ["Canteen lunch", "Crème fraîche"]
            outbox = page.evaluate(f"() => localStorage.getItem('fitwell.food-outbox.v1.{world.client_id}')")
            assert outbox == "[]"
            assert not [e for e in errors if "Content Security Policy" in e]
        finally:
            browser.close()


def _logged_now(world: World) -> list[str]:
    return in_own_connection(lambda: _logged(world))
