"""A mobile app refreshing from several requests at once with one token is not signed out (issue 9 §5)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from core.models import RefreshToken, Role, User
from core.tokens import token_pair_issue
from tenants.models import Studio
from tests.concurrency import in_own_connection, in_threads
from tests.conftest import host_of

pytestmark = pytest.mark.django_db

EMAIL = "phone-user@example.test"


@pytest.fixture
def phone(studio: Studio, django_db_blocker) -> Iterator[tuple[Studio, str]]:
    """A committed client with one refresh token, as the app holds it."""

    def setup() -> str:
        with schema_context(studio.schema_name):
            user = User.objects.create_user(email=EMAIL, role=Role.CLIENT)
            return token_pair_issue(user=user).refresh

    def teardown() -> None:
        with schema_context(studio.schema_name):
            User.objects.filter(email=EMAIL).delete()

    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        refresh = in_own_connection(setup)
        try:
            yield studio, refresh
        finally:
            in_own_connection(teardown)


def _refresh(studio: Studio, token: str):
    return Client(HTTP_HOST=host_of(studio)).post(
        "/api/v1/auth/refresh", {"refresh": token}, content_type="application/json"
    )


def _live_tokens(studio: Studio) -> int:
    with schema_context(studio.schema_name):
        return RefreshToken.objects.filter(user__email=EMAIL, revoked_at__isnull=True).count()


def test_twenty_parallel_refreshes_all_get_the_same_working_successor(phone):
    studio, token = phone
    responses = in_threads([lambda: _refresh(studio, token)] * 20)
    assert [r.status_code for r in responses] == [200] * 20
    successors = {r.json()["refresh"] for r in responses}
    assert len(successors) == 1  # one rotation, whoever got there first
    assert all(r.json()["access"] for r in responses)
    assert in_own_connection(lambda: _live_tokens(studio)) == 1
    # and every caller's token works: the app carries on with it
    (successor,) = successors
    assert in_own_connection(lambda: _refresh(studio, successor)).status_code == 200


def test_a_replay_after_the_grace_window_still_revokes_the_family(phone, time_machine):
    studio, token = phone
    time_machine.move_to(timezone.now(), tick=False)
    rotated = in_own_connection(lambda: _refresh(studio, token))
    assert rotated.status_code == 200
    successor = rotated.json()["refresh"]
    # a replay moments later is a parallel request: same successor, nothing revoked
    again = in_own_connection(lambda: _refresh(studio, token))
    assert (again.status_code, again.json()["refresh"]) == (200, successor)
    # a replay after the window is theft: 401, and the successor dies with the family
    time_machine.shift(timedelta(seconds=settings.JWT_REFRESH_GRACE_SECONDS + 1))
    replay = in_own_connection(lambda: _refresh(studio, token))
    assert (replay.status_code, replay.json()["code"]) == (401, "token_revoked")
    assert in_own_connection(lambda: _live_tokens(studio)) == 0
    assert in_own_connection(lambda: _refresh(studio, successor)).status_code == 401


def test_a_late_parallel_request_after_the_successor_moved_on_gets_a_401_that_revokes_nothing(phone):
    studio, token = phone
    successor = in_own_connection(lambda: _refresh(studio, token)).json()["refresh"]
    newest = in_own_connection(lambda: _refresh(studio, successor)).json()["refresh"]
    late = in_own_connection(lambda: _refresh(studio, token))
    assert (late.status_code, late.json()["code"]) == (401, "token_revoked")
    assert in_own_connection(lambda: _refresh(studio, newest)).status_code == 200
