"""Sign-in lockout: 10 failures for one account from one address lock that pair for 15 minutes.

Counted per (studio, email, address) in the cache (Redis; keys are prefixed with the schema by
django-tenants' key function), so one studio's failures never lock another studio's person, and an
attacker hammering an account from one address does not lock its owner out from elsewhere.
Web sign-in calls this through allauth's adapter (core/accounts/adapter.py); the API can call it too.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from core.exceptions import ApplicationError


class SigninLockedError(ApplicationError):
    """Too many failed sign-ins for this account from this address; `retry_after` in seconds."""

    status_code = 429

    def __init__(self, *, retry_after: int) -> None:
        minutes = max(1, -(-retry_after // 60))
        super().__init__(
            _("Too many failed sign-in attempts. Try again in %(minutes)d minutes.") % {"minutes": minutes},
            code="signin_locked",
            extra={"retry_after": retry_after},
        )
        self.retry_after = retry_after


def _key(kind: str, email: str, ip: str) -> str:
    # Hashed so an address or email never sits in the cache in clear (and keys stay short).
    digest = hashlib.sha256(f"{(email or '').strip().lower()}|{ip}".encode()).hexdigest()[:32]
    return f"signin:{kind}:{digest}"


def signin_guard(email: str, ip: str) -> None:
    """Raise SigninLockedError while this account is locked for this address."""
    locked_until = cache.get(_key("lock", email, ip))
    if locked_until is None:
        return
    raise SigninLockedError(retry_after=max(1, int(locked_until - time.time())))


def signin_failed(email: str, ip: str) -> None:
    """Count a failure; the one that reaches the limit locks the pair for the lockout period."""
    window = settings.SIGNIN_LOCKOUT_SECONDS
    fail_key = _key("fail", email, ip)
    cache.add(fail_key, 0, timeout=window)  # the window starts at the first failure
    try:
        failures = cache.incr(fail_key)
    except ValueError:  # expired between add and incr
        cache.set(fail_key, 1, timeout=window)
        failures = 1
    if failures >= settings.SIGNIN_LOCKOUT_FAILURES:
        cache.set(_key("lock", email, ip), time.time() + window, timeout=window)
        cache.delete(fail_key)


def signin_succeeded(email: str, ip: str) -> None:
    """A correct password clears the failures counted for this pair."""
    cache.delete_many([_key("fail", email, ip), _key("lock", email, ip)])
