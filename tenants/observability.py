"""What the platform tells its operators: the studio tier of a request, scrape-time metrics, studio health.

`request_tier` labels request metrics with the studio's plan code (a handful of values, never one per
studio); `PlatformCollector` adds, at each scrape, Celery queue depth and the Stripe webhook backlog;
`studios_health` feeds the console's operator page (last activity, errors, storage, failed tasks).
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import redis
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection
from django.db.models import Count, Min
from django.http import HttpRequest
from django.utils import timezone
from django_tenants.utils import schema_context
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from billing.platform.models import StripeEvent, StudioSubscription
from core.metrics import studio_health_counts
from core.models import AuditEvent, User
from core.storage import storage_walk
from tenants.models import Studio

TIER_SECONDS = 300.0  # how long a process trusts a studio's plan code
_tiers: dict[int, tuple[float, str]] = {}


def request_tier(request: HttpRequest) -> str:
    """`public` on the platform's host, else the studio's plan code (`none` without a subscription)."""
    studio = getattr(request, "tenant", None)
    if not isinstance(studio, Studio):
        return "public"
    now = time.monotonic()
    known = _tiers.get(studio.pk)
    if known is not None and known[0] > now:
        return known[1]
    code = StudioSubscription.objects.filter(studio_id=studio.pk).values_list("price__plan__code", flat=True).first()
    if len(_tiers) > 50_000:
        _tiers.clear()
    _tiers[studio.pk] = (now + TIER_SECONDS, code or "none")
    return code or "none"


class PlatformCollector(Collector):
    """Scrape-time gauges: Celery queue depth, Stripe webhook backlog, studios by status."""

    def collect(self) -> Iterator[Any]:
        yield from self._queues()
        yield from self._webhooks()
        studios = GaugeMetricFamily("fitwell_studios", "Studios by status.", labels=["status"])
        counts = dict(Studio.objects.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
        for status in Studio.Status.values:
            studios.add_metric([status], counts.get(status, 0))
        yield studios

    @staticmethod
    def _queues() -> Iterator[Any]:
        depth = GaugeMetricFamily("fitwell_celery_queue_length", "Tasks waiting in a Celery queue.", labels=["queue"])
        unacked = GaugeMetricFamily("fitwell_celery_unacked_tasks", "Tasks taken by workers and not yet done.")
        queues = sorted({settings.CELERY_TASK_DEFAULT_QUEUE, *getattr(settings, "METRICS_CELERY_QUEUES", [])})
        try:
            client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=1, socket_timeout=1)
            with client.pipeline(transaction=False) as pipe:
                for queue in queues:
                    pipe.llen(queue)
                pipe.hlen("unacked")
                *lengths, taken = pipe.execute()
        except redis.RedisError:
            return  # the broker is down: no value rather than a wrong one (an alert on absent() catches it)
        for queue, length in zip(queues, lengths, strict=True):
            depth.add_metric([queue], length)
        unacked.add_metric([], taken)
        yield depth
        yield unacked

    @staticmethod
    def _webhooks() -> Iterator[Any]:
        events = GaugeMetricFamily("fitwell_webhook_events", "Stripe events not handled yet.", labels=["status"])
        oldest = GaugeMetricFamily(
            "fitwell_webhook_oldest_pending_seconds", "Age of the oldest Stripe event waiting to be handled."
        )
        waiting = [StripeEvent.Status.PENDING, StripeEvent.Status.FAILED]
        rows = (
            StripeEvent.objects.filter(status__in=waiting)
            .values("status")
            .annotate(n=Count("pk"), first=Min("received_at"))
        )
        by_status: dict[str, dict[str, Any]] = {row["status"]: dict(row) for row in rows}
        for status in waiting:
            events.add_metric([status], by_status.get(status, {}).get("n", 0))
        pending_since = by_status.get(StripeEvent.Status.PENDING, {}).get("first")
        oldest.add_metric([], (timezone.now() - pending_since).total_seconds() if pending_since else 0.0)
        yield events
        yield oldest


# --- the operator page -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class StudioHealth:
    last_activity: datetime | None = None
    database_bytes: int = 0
    errors_7d: int = 0
    failed_tasks_7d: int = 0


LAST_ACTIVITY_SQL = (
    "SELECT %s::bigint, GREATEST((SELECT MAX(last_login) FROM {users}), (SELECT MAX(created_at) FROM {audit}))"
)


def studios_health(*, studios: Sequence[Studio]) -> dict[int, StudioHealth]:
    """Health of each studio: two SQL queries and one Redis round trip, whatever the number of studios.

    Last activity is the latest sign-in or audited action in the studio's schema; database bytes are its
    tables with their indexes and TOAST (pg_total_relation_size); errors and failed tasks are the last
    seven UTC days' 5xx answers and failed Celery tasks (core.metrics counters).
    """
    live = [studio for studio in studios if studio.status != Studio.Status.PROVISIONING]
    if not live:
        return {}
    quote = connection.ops.quote_name
    parts, params = [], []
    for studio in live:
        schema = quote(studio.schema_name)
        users, audit = f"{schema}.{quote(User._meta.db_table)}", f"{schema}.{quote(AuditEvent._meta.db_table)}"
        parts.append(LAST_ACTIVITY_SQL.format(users=users, audit=audit))
        params.append(studio.pk)
    schemas = [studio.schema_name for studio in live]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        last = dict(cursor.fetchall())
        cursor.execute(
            "SELECT n.nspname, COALESCE(SUM(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ANY(%s) AND c.relkind IN ('r', 'm') "
            "GROUP BY n.nspname",
            [schemas],
        )
        sizes = dict(cursor.fetchall())
    counts = studio_health_counts(schemas=schemas)
    return {
        studio.pk: StudioHealth(
            last_activity=last.get(studio.pk),
            database_bytes=int(sizes.get(studio.schema_name, 0)),
            errors_7d=counts[studio.schema_name]["errors"],
            failed_tasks_7d=counts[studio.schema_name]["failed_tasks"],
        )
        for studio in live
    }


def studio_media_bytes(*, studio: Studio) -> tuple[int, int]:
    """(files, bytes) of the studio's media (its schema's prefix in the storage). Walks every file: one studio."""
    files = size = 0
    with schema_context(studio.schema_name):  # media paths are prefixed by the connection's schema
        for name in storage_walk(""):
            files += 1
            size += default_storage.size(name)
    return files, size
