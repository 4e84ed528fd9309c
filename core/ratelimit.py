"""Fixed-window rate limits counted atomically in the (schema-prefixed) cache: one mechanism for the API
throttle and for the public pages that cost the platform something (studio sign-up, the address check)."""

from __future__ import annotations

import time


def clock() -> float:
    """Seconds since the epoch (a seam so tests can hold a window still)."""
    return time.time()


def rate_limit_hit(key: str, *, limit: int, window: int = 60) -> float | None:
    """Count one hit on `key`; None while within `limit` per `window` seconds, else seconds to wait.

    INCR is atomic in Redis, so concurrent hits can never slip past the limit.
    """
    from django.core.cache import cache

    now = clock()
    current = int(now // window)
    bucket = f"ratelimit:{key}:{window}:{current}"
    cache.add(bucket, 0, timeout=window * 2)
    try:
        count = cache.incr(bucket)
    except ValueError:  # expired between add and incr
        cache.set(bucket, 1, timeout=window * 2)
        count = 1
    if count > limit:
        return (current + 1) * window - now
    return None
