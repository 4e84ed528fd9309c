"""How API callers prove who they are: a Bearer JWT minted by this studio, or the portal's session + CSRF."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth
from ninja.throttling import BaseThrottle

from core.models import User
from core.ratelimit import rate_limit_hit
from core.tokens import access_token_user


class StudioJWTAuth(HttpBearer):
    """`Authorization: Bearer <access>`; a token from another studio is refused (401), even if ids match."""

    def authenticate(self, request: HttpRequest, token: str) -> User:
        user = access_token_user(token)  # raises TokenError -> 401 with a reason
        request.user = user
        return user


class StudioSessionAuth(SessionAuth):
    """The portal's own calls: Django session cookie, CSRF-checked on unsafe methods."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None


class PerUserRateThrottle(BaseThrottle):
    """N requests per minute per user (per address when anonymous): `core.ratelimit` windows."""

    def __init__(self, per_minute: int | None = None) -> None:
        self.per_minute = per_minute
        self._wait: float | None = None

    def allow_request(self, request: HttpRequest) -> bool:
        user = getattr(request, "user", None)
        ident = f"u{user.pk}" if user is not None and user.is_authenticated else f"ip{self.get_ident(request)}"
        self._wait = rate_limit_hit(f"api:{ident}", limit=self.per_minute or settings.API_RATE_LIMIT_PER_MINUTE)
        return self._wait is None

    def wait(self) -> float | None:
        return self._wait


api_auth = [StudioJWTAuth(), StudioSessionAuth()]
