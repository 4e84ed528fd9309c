"""Test studios are provisioned once per session; each test runs in a transaction rolled back after it.

`studio` and `other_studio` are real provisioned studios (schema, domain, owner) committed before
the first test. Tests that touch studio data use the `tenant` fixture (connection on the studio's
schema) and the `studio_client` (a Django test client whose Host is the studio's subdomain).

Every test is a database test unless marked `@pytest.mark.pure` (pure maths: no database, no cache).
Every test starts at the pinned instant of tests/clock.py (`clock` fixture; FITWELL_TEST_NOW chooses it).
Tests that need Chromium, Redis, ffmpeg or PgBouncer carry `needs(...)` from tests/needs.py (they fail in CI).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.utils import translation
from django_tenants.utils import schema_context

from core.models import User
from core.tokens import access_token_issue
from tenants.models import Studio
from tenants.services import studio_provision
from tests import needs
from tests.clock import pinned_now
from tests.factories.tenants import STRONG_PASSWORD

pytest_plugins = ["tests.fakes.stripe_fixtures"]

STUDIO_SLUG = "alpha"
OTHER_STUDIO_SLUG = "beta"


def _provision(slug: str, name: str) -> Studio:
    existing = Studio.objects.filter(slug=slug).first()
    if existing:  # --reuse-db
        return existing
    return studio_provision(
        slug=slug, name=name, owner_email=f"owner@{slug}.test", owner_password=STRONG_PASSWORD, timezone="Europe/London"
    ).studio


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test may touch the database (the session studios are autouse), so every test but a pure one
    is a db test. Under pytest-xdist the slow modules (`slow`, `browser`) are handed out first, so no worker
    is left running one alone at the end (`--dist loadfile` deals modules in collection order)."""
    for item in items:
        if item.get_closest_marker("django_db") is None and item.get_closest_marker("pure") is None:
            item.add_marker(pytest.mark.django_db)
    if os.environ.get("PYTEST_XDIST_WORKER"):
        items.sort(key=lambda item: not (item.get_closest_marker("slow") or item.get_closest_marker("browser")))


def pytest_runtest_setup(item: pytest.Item) -> None:
    needs.check(item)


@pytest.fixture(scope="session", autouse=True)
def _session_clock() -> Iterator[time_machine.Coordinates]:
    """The whole session runs on the pinned clock (ticking), provisioning included."""
    with time_machine.travel(pinned_now(), tick=True) as coordinates:
        yield coordinates


@pytest.fixture(autouse=True)
def clock(_session_clock: time_machine.Coordinates, request: pytest.FixtureRequest) -> time_machine.Coordinates:
    """Each test starts at the pinned instant (or, marked `real_clock`, at the machine's time); ticks on.

    Move it with `clock.move_to(datetime)` or `clock.shift(timedelta)`.
    """
    if request.node.get_closest_marker("real_clock"):
        _session_clock.move_to(datetime.fromtimestamp(time_machine.escape_hatch.time.time(), UTC))
    else:
        _session_clock.move_to(pinned_now())
    return _session_clock


@pytest.fixture(scope="session", autouse=True)
def _studios(
    _session_clock: time_machine.Coordinates, request: pytest.FixtureRequest, django_db_blocker
) -> tuple[Studio, Studio] | None:
    """Autouse and session-scoped so it runs before any test's transaction opens (and is committed).

    A session of pure tests only never creates the test database.
    """
    if all(item.get_closest_marker("django_db") is None for item in request.session.items):
        return None
    request.getfixturevalue("django_db_setup")
    with django_db_blocker.unblock():
        # Never provision into a real database (pytest-django only creates the test database
        # when a collected test asks for it; pytest_collection_modifyitems makes sure one does).
        assert connection.settings_dict["NAME"].startswith("test_"), "tests must run on the test database"
        connection.set_schema_to_public()
        return _provision(STUDIO_SLUG, "Alpha Strength"), _provision(OTHER_STUDIO_SLUG, "Beta Barbell")


@pytest.fixture
def studio(_studios: tuple[Studio, Studio], db: None) -> Studio:
    return Studio.objects.get(pk=_studios[0].pk)


@pytest.fixture
def other_studio(_studios: tuple[Studio, Studio], db: None) -> Studio:
    return Studio.objects.get(pk=_studios[1].pk)


@pytest.fixture
def tenant(studio: Studio) -> Iterator[Studio]:
    """The connection on the studio's schema for the test's duration."""
    connection.set_tenant(studio)
    yield studio
    connection.set_schema_to_public()


@pytest.fixture
def studio_in_zone(tenant: Studio) -> Callable[[str], Studio]:
    """`studio_in_zone("Europe/Berlin")`: the studio, and the connection serving it, in that zone (rolled back)."""

    def move(zone: str) -> Studio:
        tenant.timezone = zone
        tenant.save(update_fields=["timezone"])
        connection.tenant.timezone = zone
        return tenant

    return move


@pytest.fixture(autouse=True)
def _back_to_public() -> Iterator[None]:
    yield
    if hasattr(connection, "set_schema_to_public"):
        connection.set_schema_to_public()


@pytest.fixture(autouse=True)
def _back_to_the_default_language() -> Iterator[None]:
    """A request leaves its language active in the thread (core.preferences activates it, as Django's
    LocaleMiddleware does; each request of a server activates its own): the next test starts in English."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _clean_cache(request: pytest.FixtureRequest) -> Iterator[None]:
    """Rate-limit and lockout counters live in Redis, outside the rolled-back transaction."""
    if request.node.get_closest_marker("pure"):
        yield
        return
    cache.clear()
    yield
    cache.clear()


def host_of(studio: Studio) -> str:
    return f"{studio.slug}.{settings.PLATFORM_DOMAIN}"


@pytest.fixture
def studio_client(studio: Studio) -> Client:
    return Client(HTTP_HOST=host_of(studio))


@pytest.fixture
def other_studio_client(other_studio: Studio) -> Client:
    return Client(HTTP_HOST=host_of(other_studio))


@pytest.fixture
def public_client(db: None) -> Client:
    return Client(HTTP_HOST=settings.PLATFORM_DOMAIN)


@pytest.fixture
def studio_owner(studio: Studio) -> User:
    with schema_context(studio.schema_name):
        return User.objects.get(email=f"owner@{studio.slug}.test")


@pytest.fixture
def api_client(studio: Studio) -> Callable[[User], Client]:
    """`api_client(user)`: a client on the studio host sending a Bearer token minted for `user`."""

    def make(user: User, *, on: Studio | None = None) -> Client:
        with schema_context((on or studio).schema_name):
            token = access_token_issue(user)
        return Client(HTTP_HOST=host_of(on or studio), HTTP_AUTHORIZATION=f"Bearer {token}")

    return make
