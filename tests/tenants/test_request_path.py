"""The request path keeps its promises while doing less: the host cache, and search_path only on change."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection, transaction
from django.test import Client, override_settings

from tenants import routing
from tenants.models import Domain, Studio
from tests.concurrency import in_own_connection
from tests.conftest import host_of
from tests.querycount import count_queries


@pytest.fixture
def cached_routing(monkeypatch) -> Iterator[list[float]]:
    """The host cache on (1 s), empty, on a clock the test moves: `now[0] += 0.5`."""
    now = [1000.0]
    monkeypatch.setattr(routing, "clock", lambda: now[0])
    routing.routing_cache_clear()
    with override_settings(ROUTING_CACHE_SECONDS=1):
        yield now
    routing.routing_cache_clear()


def search_path_sets(queries) -> list[str]:
    return [q["sql"] for q in queries._context.captured_queries if q["sql"].startswith("SET search_path")]


def current_schema() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        return cursor.fetchone()[0]


def test_a_known_host_costs_no_query_until_its_second_is_up(cached_routing, studio):
    client = Client(HTTP_HOST=host_of(studio))
    assert client.get("/healthz").status_code == 200
    with count_queries() as queries:
        assert client.get("/healthz").status_code == 200
    assert len(queries) == 0
    assert search_path_sets(queries) == []

    cached_routing[0] += 1.01
    with count_queries() as queries:
        client.get("/healthz")
    assert len(queries) == 1
    assert "tenants_domain" in queries.sql[0]


def test_a_suspension_reaches_the_host_within_the_cache_second(cached_routing, studio):
    client = Client(HTTP_HOST=host_of(studio))
    assert client.get("/api/v1/auth/me").status_code == 401  # active: asks for a sign-in
    Studio.objects.filter(pk=studio.pk).update(status=Studio.Status.SUSPENDED)

    cached_routing[0] += 0.9
    assert client.get("/api/v1/auth/me").status_code == 401  # still what this process knew
    cached_routing[0] += 0.11
    response = client.get("/api/v1/auth/me")
    assert response.status_code == 403
    assert response.json()["code"] == "studio_suspended"


def test_a_new_domain_is_served_and_an_unknown_host_is_asked_again_after_its_second(cached_routing, studio):
    client = Client(HTTP_HOST="alpha-alias.localhost")
    assert client.get("/healthz").status_code == 404
    Domain.objects.create(domain="alpha-alias.localhost", tenant=studio, is_primary=False)
    assert client.get("/healthz").status_code == 404  # remembered as unknown
    cached_routing[0] += 1.01
    assert client.get("/healthz").status_code == 200


def test_a_change_made_in_this_process_is_forgotten_at_commit(
    cached_routing, studio, django_capture_on_commit_callbacks
):
    Client(HTTP_HOST=host_of(studio)).get("/healthz")
    assert routing._remembered
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        routing.routing_forget()
    assert routing._remembered  # nothing forgotten before the commit
    for callback in callbacks:
        callback()
    assert not routing._remembered


def test_each_request_gets_its_own_studio_object(cached_routing, studio):
    first = routing.studio_for_host(host_of(studio))
    first.name = "Edited but never saved"
    second = routing.studio_for_host(host_of(studio))
    assert second is not first
    assert second.name == studio.name
    assert second.pk == studio.pk
    assert not second._state.adding


def test_search_path_is_set_once_when_the_schema_changes_and_not_again(
    cached_routing, studio, other_studio, studio_owner, api_client
):
    alpha, beta = api_client(studio_owner), Client(HTTP_HOST=host_of(other_studio))
    alpha.get("/api/v1/auth/me")
    beta.get("/api/v1/auth/me")  # both hosts remembered; the connection is on beta's schema
    with count_queries() as queries:
        alpha.get("/api/v1/auth/me")
    assert search_path_sets(queries) == [f'SET search_path = "{studio.schema_name}","public"']
    with count_queries() as queries:
        response = alpha.get("/api/v1/auth/me")
    assert search_path_sets(queries) == []
    assert len(queries) == 1  # the token's person, nothing else
    assert response.json()["email"] == studio_owner.email
    assert current_schema() == studio.schema_name


def test_after_a_savepoint_rollback_the_schema_is_set_again(studio, other_studio):
    connection.set_tenant(studio)
    assert current_schema() == studio.schema_name
    with transaction.atomic():  # a savepoint inside the test's transaction
        connection.set_tenant(other_studio)
        assert current_schema() == other_studio.schema_name
        transaction.set_rollback(True)
    # PostgreSQL undid the SET with the savepoint; setting the same tenant again must not trust it.
    connection.set_tenant(other_studio)
    assert current_schema() == other_studio.schema_name


def test_a_new_connection_gets_its_schema_set_again(studio):
    def reconnect_and_look() -> tuple[str, str]:
        connection.set_tenant(studio)
        before = current_schema()
        connection.close()
        connection.set_tenant(studio)
        return before, current_schema()

    assert in_own_connection(studio, reconnect_and_look) == (studio.schema_name, studio.schema_name)
