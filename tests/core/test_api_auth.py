"""/api/v1/auth/: tokens that belong to one studio, rotate, lock out, and are rate limited."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context

from core import ratelimit
from core.models import AuditEvent, RefreshToken, Role
from core.tokens import access_token_issue
from tests.conftest import host_of
from tests.factories.core import DEFAULT_PASSWORD, ClientFactory, TrainerFactory
from tests.needs import needs

pytestmark = pytest.mark.django_db


def login(client: Client, email: str, password: str, **extra):
    return client.post(
        "/api/v1/auth/login", {"email": email, "password": password}, content_type="application/json", **extra
    )


def test_login_returns_tokens_and_the_user(studio_client, tenant):
    trainer = TrainerFactory(email="coach@alpha.test")
    response = login(studio_client, "Coach@Alpha.test", DEFAULT_PASSWORD)
    assert response.status_code == 200
    body = response.json()
    assert body["user"] == {
        "id": trainer.pk,
        "email": "coach@alpha.test",
        "role": "trainer",
        "first_name": trainer.first_name,
        "last_name": trainer.last_name,
    }
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 900
    me = studio_client.get("/api/v1/auth/me", HTTP_AUTHORIZATION=f"Bearer {body['access']}")
    assert me.status_code == 200
    assert me.json()["id"] == trainer.pk
    assert AuditEvent.objects.filter(action="account.sign_in", actor=trainer).count() == 1


def test_wrong_password_is_401_and_audited_and_issues_nothing(studio_client, tenant):
    trainer = TrainerFactory(email="coach@alpha.test")
    response = login(studio_client, "coach@alpha.test", "not-the-password")
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_credentials"
    assert not RefreshToken.objects.filter(user=trainer).exists()
    assert AuditEvent.objects.filter(action="account.sign_in_fail", actor_email="coach@alpha.test").count() == 1


def test_unknown_email_and_inactive_account_get_the_same_401(studio_client, tenant):
    ClientFactory(email="gone@alpha.test", is_active=False)
    for email in ("nobody@alpha.test", "gone@alpha.test"):
        response = login(studio_client, email, DEFAULT_PASSWORD)
        assert response.status_code == 401
        assert response.json()["code"] == "invalid_credentials"


def test_malformed_login_payload_is_422_with_fields(studio_client):
    response = studio_client.post("/api/v1/auth/login", {"email": "x"}, content_type="application/json")
    assert response.status_code == 422
    assert "password" in response.json()["fields"]


def test_ten_failures_lock_the_account_for_that_address_only(studio_client, tenant):
    TrainerFactory(email="coach@alpha.test")
    for _ in range(10):
        assert login(studio_client, "coach@alpha.test", "wrong").status_code == 401
    # even the right password is refused from this address, with a Retry-After of ~15 minutes
    locked = login(studio_client, "coach@alpha.test", DEFAULT_PASSWORD)
    assert locked.status_code == 429
    assert locked.json()["code"] == "signin_locked"
    assert 14 * 60 < int(locked["Retry-After"]) <= 15 * 60
    # another address can still sign in
    elsewhere = login(studio_client, "coach@alpha.test", DEFAULT_PASSWORD, REMOTE_ADDR="203.0.113.9")
    assert elsewhere.status_code == 200


def test_nine_failures_then_success_resets_the_count(studio_client, tenant):
    TrainerFactory(email="coach@alpha.test")
    for _ in range(9):
        login(studio_client, "coach@alpha.test", "wrong")
    assert login(studio_client, "coach@alpha.test", DEFAULT_PASSWORD).status_code == 200
    for _ in range(9):
        login(studio_client, "coach@alpha.test", "wrong")
    assert login(studio_client, "coach@alpha.test", DEFAULT_PASSWORD).status_code == 200


def test_refresh_rotates_and_a_replayed_refresh_token_revokes_the_family(studio_client, tenant, time_machine):
    time_machine.move_to("2026-03-02 09:00:00+00:00", tick=False)
    TrainerFactory(email="coach@alpha.test")
    first = login(studio_client, "coach@alpha.test", DEFAULT_PASSWORD).json()
    second = studio_client.post("/api/v1/auth/refresh", {"refresh": first["refresh"]}, content_type="application/json")
    assert second.status_code == 200
    assert second.json()["refresh"] != first["refresh"]
    # replaying the rotated token after the grace window: refused, and the newer token dies with it
    time_machine.shift(settings.JWT_REFRESH_GRACE_SECONDS + 1)
    replay = studio_client.post("/api/v1/auth/refresh", {"refresh": first["refresh"]}, content_type="application/json")
    assert replay.status_code == 401
    assert replay.json()["code"] == "token_revoked"
    newer = studio_client.post(
        "/api/v1/auth/refresh", {"refresh": second.json()["refresh"]}, content_type="application/json"
    )
    assert newer.status_code == 401


def test_garbage_refresh_token_is_401(studio_client):
    response = studio_client.post("/api/v1/auth/refresh", {"refresh": "nope"}, content_type="application/json")
    assert response.status_code == 401
    assert response.json()["code"] == "token_invalid"


def test_logout_revokes_the_refresh_token(studio_client, tenant):
    TrainerFactory(email="coach@alpha.test")
    tokens = login(studio_client, "coach@alpha.test", DEFAULT_PASSWORD).json()
    out = studio_client.post(
        "/api/v1/auth/logout",
        {"refresh": tokens["refresh"]},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {tokens['access']}",
    )
    assert out.status_code == 204
    again = studio_client.post("/api/v1/auth/refresh", {"refresh": tokens["refresh"]}, content_type="application/json")
    assert again.status_code == 401


def test_token_from_studio_a_is_refused_at_studio_b_even_when_ids_coincide(studio, other_studio, other_studio_client):
    # given the owner of each studio has id 1 in their own schema
    with schema_context(studio.schema_name):
        owner_a = connection_user(studio)
        token_a = access_token_issue(owner_a)
    with schema_context(other_studio.schema_name):
        assert connection_user(other_studio).pk == owner_a.pk
    # when studio A's token is presented at studio B
    response = other_studio_client.get("/api/v1/auth/me", HTTP_AUTHORIZATION=f"Bearer {token_a}")
    # then it is refused
    assert response.status_code == 401
    assert response.json()["code"] == "token_wrong_studio"


def connection_user(studio):
    from core.models import User

    assert connection.schema_name == studio.schema_name
    return User.objects.get(role=Role.OWNER)


def test_missing_or_tampered_token_is_401(studio_client, studio_owner):
    assert studio_client.get("/api/v1/auth/me").status_code == 401
    with schema_context("studio_alpha"):
        token = access_token_issue(studio_owner)
    tampered = token[:-3] + ("abc" if not token.endswith("abc") else "xyz")
    assert studio_client.get("/api/v1/auth/me", HTTP_AUTHORIZATION=f"Bearer {tampered}").status_code == 401


def test_expired_access_token_is_401(studio_client, studio_owner, settings):
    settings.JWT_ACCESS_TTL_SECONDS = -1
    with schema_context("studio_alpha"):
        token = access_token_issue(studio_owner)
    response = studio_client.get("/api/v1/auth/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 401
    assert response.json()["code"] == "token_expired"


def test_api_allows_100_requests_a_minute_per_user_then_429(api_client, studio_owner, monkeypatch, tenant):
    monkeypatch.setattr(ratelimit, "clock", lambda: 1_800_000_010.0)  # 10 s into a window
    client = api_client(studio_owner)
    statuses = [client.get("/api/v1/auth/me").status_code for _ in range(100)]
    assert statuses == [200] * 100
    limited = client.get("/api/v1/auth/me")
    assert limited.status_code == 429
    assert limited.json()["code"] == "rate_limited"
    assert limited["Retry-After"] == "50"
    # another user is not affected
    other = TrainerFactory()
    assert api_client(other).get("/api/v1/auth/me").status_code == 200
    # the next minute opens a new window
    monkeypatch.setattr(ratelimit, "clock", lambda: 1_800_000_070.0)
    assert client.get("/api/v1/auth/me").status_code == 200


def test_portal_session_works_for_reads_and_needs_csrf_for_writes(studio, tenant):
    trainer = TrainerFactory()
    client = Client(HTTP_HOST=host_of(studio), enforce_csrf_checks=True)
    client.force_login(trainer)
    assert client.get("/api/v1/auth/me").json()["id"] == trainer.pk
    refused = client.post("/api/v1/auth/logout", {}, content_type="application/json")
    assert refused.status_code == 403


def test_openapi_schema_and_docs_are_served(studio_client):
    schema = studio_client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in ("login", "logout", "refresh", "register", "forgot-password", "reset-password"):
        assert f"/api/v1/auth/{path}" in paths
    assert "BearerAuth" in str(schema.json()["components"]) or "bearer" in str(schema.json()["components"]).lower()
    assert studio_client.get("/api/v1/docs").status_code == 200


@needs("redis")
def test_the_api_throttle_costs_one_redis_round_trip(api_client, studio_owner, monkeypatch, tenant):
    """INCR + EXPIRE NX pipelined on the cache backend itself (`cache` is a proxy: an isinstance check on it
    never matched, and every request paid Django's add + exists + incr, three round trips)."""
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache
    from redis.connection import Connection

    assert isinstance(caches["default"], RedisCache)
    # one redis.Redis per pool (core.cache), not one built per operation (~170 callbacks registered each time)
    assert caches["default"]._cache.get_client() is caches["default"]._cache.get_client(write=True)
    client = api_client(studio_owner)
    assert client.get("/api/v1/auth/me").status_code == 200
    sent: list[object] = []
    real_send = Connection.send_packed_command
    monkeypatch.setattr(
        Connection, "send_packed_command", lambda conn, *a, **k: sent.append(a) or real_send(conn, *a, **k)
    )
    assert client.get("/api/v1/auth/me").status_code == 200
    assert len(sent) == 1


@pytest.fixture
def cached_people(monkeypatch):
    """The token path's person cache on (1 s), empty, on a clock the test moves: `now[0] += 0.5`."""
    from django.test import override_settings

    from core import tokens

    now = [5000.0]
    monkeypatch.setattr(tokens, "clock", lambda: now[0])
    tokens._people.clear()
    with override_settings(PERSON_CACHE_SECONDS=1):
        yield now
    tokens._people.clear()


def test_the_tokens_person_is_read_once_a_second_per_process(cached_people, api_client, studio_owner, tenant):
    from tests.querycount import count_queries

    client = api_client(studio_owner)
    assert client.get("/api/v1/auth/me").status_code == 200
    with count_queries() as queries:
        assert client.get("/api/v1/auth/me").status_code == 200
    assert not [sql for sql in queries.sql if "core_user" in sql]
    cached_people[0] += 1.01
    with count_queries() as queries:
        assert client.get("/api/v1/auth/me").status_code == 200
    assert len([sql for sql in queries.sql if "core_user" in sql]) == 1


def test_a_deactivation_elsewhere_reaches_the_token_within_the_second(cached_people, api_client, tenant):
    from core.models import User

    trainer = TrainerFactory()
    client = api_client(trainer)
    assert client.get("/api/v1/auth/me").status_code == 200
    User.objects.filter(pk=trainer.pk).update(is_active=False)  # another process: no signal reaches this one
    cached_people[0] += 0.9
    assert client.get("/api/v1/auth/me").status_code == 200  # still what this process knew
    cached_people[0] += 0.11
    refused = client.get("/api/v1/auth/me")
    assert refused.status_code == 401
    assert refused.json()["code"] == "account_inactive"


def test_a_change_through_this_process_is_seen_at_once(cached_people, api_client, studio_owner, tenant):
    from domain.clients.services import client_archive

    person = ClientFactory()
    client = api_client(person)
    assert client.get("/api/v1/auth/me").status_code == 200
    trainer = TrainerFactory()
    trainer.first_name = "Renamed"
    trainer.save()  # a saved person: forgotten at commit (the test's transaction runs on_commit at once below)
    from core import tokens

    assert tokens._people  # nothing forgotten before the commit
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.db.transaction.on_commit", lambda callback, *a, **k: callback())
        client_archive(actor=studio_owner, client_id=person.pk)  # a bulk update inside: forgotten by hand
    assert not tokens._people
    assert client.get("/api/v1/auth/me").status_code == 401


def test_each_request_gets_its_own_person(cached_people, studio_owner, tenant):
    from core import tokens

    first = tokens._active_person(studio_owner.pk)
    first.first_name = "Edited but never saved"
    second = tokens._active_person(studio_owner.pk)
    assert second is not first
    assert second.first_name == studio_owner.first_name
    assert not second._state.adding
