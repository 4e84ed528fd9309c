"""Fixed-window rate limits counted atomically in the (schema-prefixed) cache: one mechanism for the API
throttle and for the public pages that cost the platform something (studio sign-up, the address check)."""

from __future__ import annotations

import time

from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.redis import RedisCache


def clock() -> float:
    """Seconds since the epoch (a seam so tests can hold a window still)."""
    return time.time()


def rate_limit_hit(key: str, *, limit: int, window: int = 60) -> float | None:
    """Count one hit on `key`; None while within `limit` per `window` seconds, else seconds to wait.

    INCR is atomic in Redis, so concurrent hits can never slip past the limit.
    """
    from django.core.cache import caches

    cache = caches["default"]  # the backend itself: `django.core.cache.cache` is a proxy, never a RedisCache
    now = clock()
    current = int(now // window)
    bucket = f"ratelimit:{key}:{window}:{current}"
    count = _count(cache, bucket, timeout=window * 2)
    if count > limit:
        return (current + 1) * window - now
    return None


def _count(cache: BaseCache, bucket: str, *, timeout: int) -> int:
    """Add one to `bucket` (made with `timeout` seconds to live if new); the new count.

    On Redis one round trip: INCR and EXPIRE NX in a pipeline (Django's add + incr took three, on
    every API request). Other caches: add, then incr.
    """
    if isinstance(cache, RedisCache):
        full_key = cache.make_and_validate_key(bucket)
        client = cache._cache.get_client(full_key, write=True)  # Django's own client, same key layout
        count, _ = client.pipeline(transaction=False).incr(full_key).expire(full_key, timeout, nx=True).execute()  # type: ignore[attr-defined]  # a pipeline chains; the stubs type incr as int
        return int(count)
    cache.add(bucket, 0, timeout=timeout)
    try:
        return cache.incr(bucket)
    except ValueError:  # expired between add and incr
        cache.set(bucket, 1, timeout=timeout)
        return 1
