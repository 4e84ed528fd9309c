from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("client_fixture", ["public_client", "studio_client"])
def test_healthz_answers_alive_on_every_host(request, client_fixture):
    response = request.getfixturevalue(client_fixture).get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok"}


@pytest.mark.parametrize("client_fixture", ["public_client", "studio_client"])
def test_readyz_checks_database_redis_and_migrations(request, client_fixture):
    response = request.getfixturevalue(client_fixture).get("/readyz")
    assert response.status_code == 200
    checks = response.json()["checks"]
    assert checks["database"] == {"ok": True}
    assert checks["redis"] == {"ok": True}
    assert checks["migrations"]["ok"] is True
    assert checks["migrations"]["pending"] == []


def test_readyz_is_503_when_redis_is_unreachable(studio_client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = studio_client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["checks"]["redis"]["ok"] is False


def test_readyz_reports_pending_migrations(studio_client, monkeypatch):
    from django.db.migrations.executor import MigrationExecutor

    original = MigrationExecutor.migration_plan

    def plan_with_one_pending(self, targets, clean_start=False):
        plan = original(self, targets, clean_start)
        node = self.loader.graph.leaf_nodes()[0]
        return [*plan, (self.loader.graph.nodes[node], False)]

    monkeypatch.setattr(MigrationExecutor, "migration_plan", plan_with_one_pending)
    response = studio_client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"]["pending"]


def test_every_response_carries_a_request_id(studio_client):
    generated = studio_client.get("/healthz")["X-Request-ID"]
    assert len(generated) == 32
    assert studio_client.get("/healthz", HTTP_X_REQUEST_ID="edge-1234abcd")["X-Request-ID"] == "edge-1234abcd"
    assert studio_client.get("/healthz", HTTP_X_REQUEST_ID="bad id;drop")["X-Request-ID"] != "bad id;drop"
