"""/metrics: the named series, labels bounded by route and tier, refused to the public."""

from __future__ import annotations

import pytest
from django.test import Client
from prometheus_client import REGISTRY

from tenants.observability import request_tier

pytestmark = pytest.mark.django_db
TOKEN = "metrics-token-0123456789abcdef"
SERIES = [
    "fitwell_http_requests_total",
    "fitwell_http_request_duration_seconds_bucket",
    "fitwell_celery_tasks_total",
    "fitwell_celery_task_duration_seconds",
    "fitwell_celery_queue_length",
    "fitwell_celery_unacked_tasks",
    "fitwell_studio_provisioning_seconds",
    "fitwell_webhook_lag_seconds",
    "fitwell_webhook_events",
    "fitwell_webhook_oldest_pending_seconds",
    "fitwell_studios",
]


@pytest.fixture(autouse=True)
def _metrics_on(settings):
    settings.METRICS_ENABLED = True
    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_INTERNAL_NETWORKS = ["10.0.0.0/8"]


def scrape(**extra) -> tuple[int, str]:
    response = Client(HTTP_HOST="10.1.2.3:8000").get("/metrics", **extra)
    return response.status_code, response.content.decode()


def test_the_public_is_refused_with_or_without_a_wrong_token():
    status, body = scrape(REMOTE_ADDR="203.0.113.9")
    assert status == 403
    assert '"code": "forbidden"' in body
    assert scrape(REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer wrong")[0] == 403
    # An internal address that came through the load balancer is the public too.
    assert scrape(REMOTE_ADDR="10.0.0.7", HTTP_X_FORWARDED_FOR="203.0.113.9")[0] == 403


def test_the_token_opens_it_from_anywhere_and_it_names_every_series():
    status, body = scrape(REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert status == 200
    for series in SERIES:
        assert f"\n{series}" in body or f"# TYPE {series.removesuffix('_bucket')}" in body, series


def test_a_scraper_on_the_internal_network_needs_no_token_and_no_studio_host(settings):
    settings.METRICS_TOKEN = ""
    status, body = scrape(REMOTE_ADDR="10.0.0.7")
    assert status == 200
    assert "fitwell_celery_queue_length" in body


def test_requests_are_counted_by_route_and_plan_tier_never_by_studio(studio, studio_client):
    tier = request_tier(type("R", (), {"tenant": studio})())
    labels = {"method": "GET", "route": "healthz", "tier": tier, "status": "2xx"}
    before = REGISTRY.get_sample_value("fitwell_http_requests_total", labels) or 0
    assert studio_client.get("/healthz").status_code == 200
    assert REGISTRY.get_sample_value("fitwell_http_requests_total", labels) == before + 1
    _status, body = scrape(REMOTE_ADDR="10.0.0.7")
    assert studio.slug not in body
    assert studio.schema_name not in body
    assert tier != studio.slug


def test_a_public_host_request_is_the_public_tier(public_client):
    labels = {"route": "readyz", "tier": "public"}
    before = REGISTRY.get_sample_value("fitwell_http_request_duration_seconds_count", labels) or 0
    public_client.get("/readyz")
    assert REGISTRY.get_sample_value("fitwell_http_request_duration_seconds_count", labels) == before + 1


def test_task_outcomes_are_counted_by_task_name():
    from tenants.tasks import studio_pool_refill

    labels = {"task": studio_pool_refill.name, "outcome": "success"}
    before = REGISTRY.get_sample_value("fitwell_celery_tasks_total", labels) or 0
    studio_pool_refill.apply(kwargs={})
    assert REGISTRY.get_sample_value("fitwell_celery_tasks_total", labels) == before + 1


def test_a_metrics_failure_never_fails_the_request(studio_client, monkeypatch):
    def unwritable(*_labels):
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr("core.metrics.HTTP_REQUESTS.labels", unwritable)
    assert studio_client.get("/healthz").status_code == 200
