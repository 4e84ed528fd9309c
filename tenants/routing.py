"""Which studio a host name belongs to, remembered in each process for about a second.

Every request needs this answer, and it almost never changes: looking it up in PostgreSQL each
time was the largest cost of a trivial request after the connection itself. Each process keeps
the answers (unknown hosts too) for ROUTING_CACHE_SECONDS (default 1 s) and then asks again
(`core.memo.RowMemo`), so a suspension, a closure or a domain change reaches every worker of every
server within that time; what it costs is at most one indexed lookup per host per second per
process. A change made in this process is forgotten at once (`routing_forget`, after commit).

Each request gets its own Studio instance built from the remembered row, so a view that edits
`request.tenant` never edits what the next request sees.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django_tenants.utils import schema_context

from core.memo import RowMemo
from tenants.models import Domain, Studio


def clock() -> float:
    """Seconds on a monotonic clock (a seam so tests can hold the cache's time still)."""
    return time.monotonic()


_remembered: RowMemo[Studio] = RowMemo(
    Studio, ttl=lambda: settings.ROUTING_CACHE_SECONDS, clock=lambda: clock(), forget_on_save=False
)


def _lookup(host: str) -> tuple[Any, ...] | None:
    """The studio row at `host` (a tuple of its column values), or None. Runs in the public schema."""
    with schema_context("public"):
        columns = (f"tenant__{name}" for name in _remembered.fields)
        return Domain.objects.filter(domain=host).values_list(*columns).first()


def studio_for_host(host: str) -> Studio | None:
    """The studio served at `host` (lower-case, no port) as of at most ROUTING_CACHE_SECONDS ago.

    Returns a new, unsaved-changes-free Studio instance per call, or None when no studio has that host.
    """
    return _remembered.get(host, lambda: _lookup(host))


def routing_cache_clear() -> None:
    """Forget every remembered host of this process now."""
    _remembered.clear()


def routing_forget() -> None:
    """Forget every remembered host of this process once the current transaction commits.

    Other processes catch up by themselves within ROUTING_CACHE_SECONDS.
    """
    _remembered.forget_on_commit()
