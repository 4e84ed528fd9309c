"""Sign-in lockout: 10 failures for one account from one address lock that pair for 15 minutes.

Counters live in the (tenant-prefixed) cache, so a lock at studio A says nothing about studio B,
and a lock for one address does not stop the real owner signing in from another.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from core.error_codes import ErrorCode
from core.exceptions import ApplicationError

MAX_FAILURES = getattr(settings, "SIGNIN_MAX_FAILURES", 10)
LOCK_SECONDS = getattr(settings, "SIGNIN_LOCK_SECONDS", 15 * 60)


class SignInLocked(ApplicationError):
    status_code = 429

    def __init__(self, retry_after: int) -> None:
        minutes = max(1, round(retry_after / 60))
        super().__init__(
            _("Too many failed sign-ins. Try again in %(minutes)d minutes.") % {"minutes": minutes},
            code=ErrorCode.SIGNIN_LOCKED,
        )
        self.retry_after = retry_after


def _key(email: str, ip: str) -> str:
    digest = hashlib.sha256(f"{email.strip().lower()}|{ip}".encode()).hexdigest()[:32]
    return f"signin:fail:{digest}"


def signin_guard(email: str, ip: str) -> None:
    """Raise SignInLocked while this account is locked for this address."""
    state = cache.get(_key(email, ip))
    if state and state["count"] >= MAX_FAILURES:
        retry_after = int(state["first"] + LOCK_SECONDS - time.time())
        if retry_after > 0:
            raise SignInLocked(retry_after)


def signin_failed(email: str, ip: str) -> int:
    """Count a failure; returns the failures so far in the current window."""
    key = _key(email, ip)
    state = cache.get(key) or {"count": 0, "first": time.time()}
    state["count"] += 1
    if state["count"] >= MAX_FAILURES:
        state["first"] = time.time()  # the lock runs 15 minutes from the failure that triggered it
    cache.set(key, state, LOCK_SECONDS)
    return state["count"]


def signin_succeeded(email: str, ip: str) -> None:
    cache.delete(_key(email, ip))
