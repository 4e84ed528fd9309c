"""Prometheus metrics: HTTP by route and studio tier, Celery task outcomes, provisioning, webhooks.

Labels are bounded on purpose: a route is its URL pattern (`api/v1/clients/<int:client_id>`), a tier the
studio's plan code (`public` on the platform's own host, `none` without a plan), a status its class (`2xx`
... `5xx`): never one series per studio or per id. Per-studio health is the console's job (Redis counters
below, `studio_health_counts`), not Prometheus'.

Several processes (gunicorn or uvicorn workers, Celery's pool) share one exposition through files in
PROMETHEUS_MULTIPROC_DIR (prometheus-client's multiprocess mode; the image sets it and the entry point
empties it at start). Values computed when scraped (queue depth, webhook backlog) come from the collectors
named in settings.METRICS_COLLECTORS.

`/metrics` is refused (403) unless the caller shows `Authorization: Bearer <METRICS_TOKEN>` or connects
straight from a network in METRICS_INTERNAL_NETWORKS with no proxy in between (no X-Forwarded-For).
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
import time
from collections.abc import Callable, Iterable
from contextvars import Token
from datetime import UTC, datetime
from functools import cache
from typing import Any

import redis
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from core.context import request_id_var, studio_var
from core.db import tenant_connection
from core.error_codes import ErrorCode

logger = logging.getLogger(__name__)

LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

HTTP_REQUESTS = Counter(
    "fitwell_http_requests", "HTTP requests answered, by route, studio tier and status class.",
    ["method", "route", "tier", "status"],
)  # fmt: skip
HTTP_LATENCY = Histogram(
    "fitwell_http_request_duration_seconds", "Time to answer an HTTP request, seconds.", ["route", "tier"],
    buckets=LATENCY_BUCKETS,
)  # fmt: skip
TASKS = Counter("fitwell_celery_tasks", "Celery tasks run, by outcome (success, failure, retry).", ["task", "outcome"])
TASK_DURATION = Histogram(
    "fitwell_celery_task_duration_seconds", "Time a Celery task ran, seconds.", ["task"], buckets=LATENCY_BUCKETS
)
PROVISIONING = Histogram(
    "fitwell_studio_provisioning_seconds", "Time to provision a studio (schema, domain, owner, defaults), seconds.",
    ["source"], buckets=(0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0),
)  # fmt: skip
WEBHOOK_LAG = Histogram(
    "fitwell_webhook_lag_seconds", "From the provider creating an event to our handling it, seconds.",
    ["endpoint", "status"], buckets=(1.0, 5.0, 15.0, 60.0, 300.0, 900.0, 3600.0, 21600.0, 86400.0),
)  # fmt: skip

METRICS_PATH = "/metrics"
HEALTH_TTL_SECONDS = 8 * 24 * 3600  # per-studio counters of the last 7 days (plus today)


def status_class(status: int) -> str:
    return f"{status // 100}xx"


@cache
def _tier_function() -> Callable[[HttpRequest], str]:
    return import_string(settings.METRICS_TIER_FUNCTION)


class RequestMetricsMiddleware:
    """Counts and times every request by route pattern and studio tier; remembers a studio's 5xx answers."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not settings.METRICS_ENABLED:
            return self.get_response(request)
        if request.path_info == METRICS_PATH:
            # Answered here, before host routing: a scraper reaches a pod by its address, not a studio's host.
            return metrics(request)
        started = time.perf_counter()
        response = self.get_response(request)
        elapsed = time.perf_counter() - started
        try:
            self._record(request, response.status_code, elapsed)
        except Exception:  # a metric must never break a request (a full or read-only metrics directory...)
            logger.warning("metrics: this request was not recorded", exc_info=True)
        return response

    @staticmethod
    def _record(request: HttpRequest, status: int, elapsed: float) -> None:
        match = getattr(request, "resolver_match", None)
        route = match.route if match is not None and match.route else "<unmatched>"
        tier = _tier_function()(request)
        HTTP_REQUESTS.labels(request.method or "-", route, tier, status_class(status)).inc()
        HTTP_LATENCY.labels(route, tier).observe(elapsed)
        if status >= 500:
            studio_health_note(schema=getattr(getattr(request, "tenant", None), "schema_name", ""), kind="errors")


# --- per-studio health counters (Redis; read by the operator console) --------------------------------------
HEALTH_KINDS = ("errors", "failed_tasks")


def _health_client() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)


def _health_key(schema: str, kind: str, day: str) -> str:
    return f"fitwell:health:{kind}:{day}:{schema}"


def studio_health_note(*, schema: str, kind: str) -> None:
    """Count one server error or failed task against a studio's schema (today, UTC). Never raises."""
    if not schema or schema == "public":
        return
    key = _health_key(schema, kind, datetime.now(UTC).strftime("%Y%m%d"))
    try:
        with _health_client().pipeline() as pipe:
            pipe.incr(key)
            pipe.expire(key, HEALTH_TTL_SECONDS)
            pipe.execute()
    except redis.RedisError:
        logger.warning("metrics: could not count a %s for %s", kind, schema)


def studio_health_counts(*, schemas: Iterable[str], days: int = 7) -> dict[str, dict[str, int]]:
    """{schema: {"errors": n, "failed_tasks": n}} over the last `days` UTC days (today included).

    One Redis round trip whatever the number of studios; zeros when Redis cannot be reached.
    """
    schemas = list(schemas)
    today = datetime.now(UTC).toordinal()
    dates = [datetime.fromordinal(today - back).strftime("%Y%m%d") for back in range(days)]
    keys = [
        (schema, kind, _health_key(schema, kind, day)) for schema in schemas for kind in HEALTH_KINDS for day in dates
    ]
    counts = {schema: dict.fromkeys(HEALTH_KINDS, 0) for schema in schemas}
    if not keys:
        return counts
    try:
        values = _health_client().mget([key for _s, _k, key in keys])
    except redis.RedisError:
        return counts
    for (schema, kind, _key), value in zip(keys, values, strict=True):
        counts[schema][kind] += int(value or 0)
    return counts


# --- Celery: outcomes, durations, the studio and task id on each log line ----------------------------------
# task id -> (start, the context tokens to restore: an eager task runs inside a request's context)
_running: dict[str, tuple[float, Token[str], Token[str]]] = {}


def task_prerun(task_id: str = "", task: Any = None, **_kwargs: Any) -> None:
    schema = getattr(tenant_connection, "schema_name", "") or "-"
    _running[task_id] = (time.perf_counter(), request_id_var.set(task_id or "-"), studio_var.set(schema))


def task_postrun(task_id: str = "", task: Any = None, state: str | None = None, **_kwargs: Any) -> None:
    name = getattr(task, "name", "unknown")
    outcome = {"SUCCESS": "success", "FAILURE": "failure", "RETRY": "retry"}.get(state or "", "other")
    TASKS.labels(name, outcome).inc()
    running = _running.pop(task_id, None)
    if running is None:
        return
    started, id_token, studio_token = running
    TASK_DURATION.labels(name).observe(time.perf_counter() - started)
    if outcome == "failure":
        studio_health_note(schema=studio_var.get(), kind="failed_tasks")
    request_id_var.reset(id_token)
    studio_var.reset(studio_token)


def worker_metrics_serve(port: int) -> None:
    """Expose this worker's metrics (all its pool processes) on `port` (the worker has no web server)."""
    from prometheus_client import start_http_server

    try:
        start_http_server(port, registry=scrape_registry())
    except OSError as exc:  # the port is taken (another worker on this host): run on, without an exposition
        logger.warning("metrics: cannot serve on port %s (%s); set METRICS_PORT per worker", port, exc)


# --- exposition ---------------------------------------------------------------------------------------------
class _Forward(Collector):
    """What the default (single-process) registry holds, for a registry built per scrape."""

    def collect(self) -> Iterable[Any]:
        return REGISTRY.collect()


def scrape_registry() -> CollectorRegistry:
    """A registry with this pod's metrics (all processes in multiprocess mode) and the scrape-time collectors."""
    registry = CollectorRegistry(auto_describe=False)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)
    else:
        registry.register(_Forward())
    for path in getattr(settings, "METRICS_COLLECTORS", []):
        registry.register(import_string(path)())
    return registry


def metrics_allowed(request: HttpRequest) -> bool:
    """A bearer token equal to METRICS_TOKEN, or a direct (unproxied) connection from an internal network."""
    token = settings.METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer ") and hmac.compare_digest(header[7:].encode(), token.encode()):
        return True
    if request.headers.get("X-Forwarded-For") or request.headers.get("Forwarded"):
        return False  # came through the load balancer: the public
    try:
        peer = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(peer in ipaddress.ip_network(network, strict=False) for network in settings.METRICS_INTERNAL_NETWORKS)


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    if not metrics_allowed(request):
        return JsonResponse(
            {"detail": _("Metrics are only for the platform's monitoring."), "code": ErrorCode.FORBIDDEN}, status=403
        )
    return HttpResponse(generate_latest(scrape_registry()), content_type=CONTENT_TYPE_LATEST)
