"""API tokens: short-lived JWT access tokens bound to the studio's schema, rotating refresh tokens."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import jwt
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.db import tenant_connection
from core.error_codes import ErrorCode
from core.exceptions import ApplicationError
from core.memo import RowMemo
from core.models import RefreshToken, User

ALGORITHM = "HS256"


class TokenError(ApplicationError):
    status_code = 401

    def __init__(self, message: str, *, code: ErrorCode = ErrorCode.TOKEN_INVALID) -> None:
        super().__init__(message, code=code)


@dataclass(frozen=True)
class TokenPair:
    access: str
    refresh: str
    access_expires_in: int


def _signing_key() -> str:
    return getattr(settings, "JWT_SIGNING_KEY", "") or settings.SECRET_KEY


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def access_token_issue(user: User) -> str:
    now = timezone.now()
    claims = {
        "sub": str(user.pk),
        "sch": tenant_connection.schema_name,
        "role": user.role,
        "typ": "access",
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(seconds=settings.JWT_ACCESS_TTL_SECONDS)).timestamp()),
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(claims, _signing_key(), algorithm=ALGORITHM)


def clock() -> float:
    """Seconds on a monotonic clock (a seam so tests can hold the person cache's time still)."""
    return time.monotonic()


_people: RowMemo[User] = RowMemo(
    User, ttl=lambda: settings.PERSON_CACHE_SECONDS, clock=lambda: clock(), forget_on_save=True
)


def _active_person(user_id: Any) -> User | None:
    """The active person `user_id` of the current schema as of at most PERSON_CACHE_SECONDS ago (a new
    instance per call, so a view that edits `request.user` never edits what the next request sees)."""
    return _people.get(
        (tenant_connection.schema_name, str(user_id)),
        lambda: User.objects.filter(pk=user_id, is_active=True).values_list(*_people.fields).first(),
    )


def people_forget() -> None:
    """Forget the people this process remembers, once the current transaction commits: after a bulk update
    of people, which sends no signal (a saved or deleted User is forgotten by itself). Other processes
    catch up within PERSON_CACHE_SECONDS."""
    _people.forget_on_commit()


def access_token_user(token: str) -> User:
    """The active user the token names — only if it was issued by this very studio (schema).

    The person is read at most once per PERSON_CACHE_SECONDS per process (`_active_person`).
    Raises TokenError (401): expired, not valid, another studio's, or the person is not active."""
    try:
        claims: dict[str, Any] = jwt.decode(
            token, _signing_key(), algorithms=[ALGORITHM], options={"require": ["exp", "sub", "sch", "typ"]}
        )
    except jwt.ExpiredSignatureError as exc:
        raise TokenError(_("The access token has expired."), code=ErrorCode.TOKEN_EXPIRED) from exc
    except jwt.PyJWTError as exc:
        raise TokenError(_("The access token is not valid.")) from exc
    if claims["typ"] != "access" or claims["sch"] != tenant_connection.schema_name:
        raise TokenError(_("The access token is not valid for this studio."), code=ErrorCode.TOKEN_WRONG_STUDIO)
    try:
        user = _active_person(int(claims["sub"]))
    except (TypeError, ValueError) as exc:
        raise TokenError(_("The access token is not valid.")) from exc
    if user is None:
        raise TokenError(_("The account is not active."), code=ErrorCode.ACCOUNT_INACTIVE)
    return user


def _successor_raw(raw: str) -> str:
    """The token that replaces `raw`: derived from it under the server's key, so a second redeemer of
    `raw` within the grace window can be handed the very same successor without storing any secret."""
    digest = hmac.new(_signing_key().encode(), f"refresh-successor:{raw}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _refresh_create(
    user: User, *, family: uuid.UUID, ip: str | None, user_agent: str, raw: str | None = None
) -> tuple[str, RefreshToken]:
    raw = raw or secrets.token_urlsafe(48)
    row = RefreshToken.objects.create(
        user=user,
        token_hash=_hash(raw),
        family=family,
        expires_at=timezone.now() + timedelta(seconds=settings.JWT_REFRESH_TTL_SECONDS),
        ip=ip,
        user_agent=user_agent[:255],
    )
    return raw, row


def token_pair_issue(*, user: User, ip: str | None = None, user_agent: str = "") -> TokenPair:
    raw, _row = _refresh_create(user, family=uuid.uuid4(), ip=ip, user_agent=user_agent)
    return TokenPair(access_token_issue(user), raw, settings.JWT_ACCESS_TTL_SECONDS)


def token_refresh(*, refresh: str, ip: str | None = None, user_agent: str = "") -> tuple[User, TokenPair]:
    """Swap a live refresh token for a new pair. Replaying a replaced token revokes its whole family.

    Except within JWT_REFRESH_GRACE_SECONDS of the rotation: a mobile app whose access token expired fires
    several requests at once, each refreshing with the same token. Every one of them is answered with the
    same successor (and a fresh access token), so none signs the person out; once the successor itself
    was rotated, a late one gets a 401 that revokes nothing. Raises TokenError (401).
    """
    with transaction.atomic():
        outcome = _rotate(refresh=refresh, ip=ip, user_agent=user_agent)
    if isinstance(outcome, TokenError):
        raise outcome  # raised after the block, so a family revocation still commits
    return outcome


def _rotate(*, refresh: str, ip: str | None, user_agent: str) -> tuple[User, TokenPair] | TokenError:
    row = RefreshToken.objects.select_for_update().select_related("user").filter(token_hash=_hash(refresh)).first()
    now = timezone.now()
    if row is None:
        return TokenError(_("The refresh token is not valid."))
    if row.revoked_at is not None:
        if row.replaced_by_id is not None and now - row.revoked_at <= timedelta(seconds=_grace_seconds()):
            return _same_successor(row, refresh)
        if row.replaced_by_id is not None:  # reuse of a rotated token: assume theft, end the session family
            RefreshToken.objects.filter(family=row.family, revoked_at__isnull=True).update(revoked_at=now)
        return TokenError(_("The refresh token has been revoked."), code=ErrorCode.TOKEN_REVOKED)
    if row.expires_at <= now:
        return TokenError(_("The refresh token has expired."), code=ErrorCode.TOKEN_EXPIRED)
    if not row.user.is_active:
        return TokenError(_("The account is not active."), code=ErrorCode.ACCOUNT_INACTIVE)
    raw, new_row = _refresh_create(
        row.user, family=row.family, ip=ip, user_agent=user_agent, raw=_successor_raw(refresh)
    )
    row.revoked_at = now
    row.replaced_by = new_row
    row.save(update_fields=["revoked_at", "replaced_by"])
    return row.user, TokenPair(access_token_issue(row.user), raw, settings.JWT_ACCESS_TTL_SECONDS)


def _grace_seconds() -> int:
    return getattr(settings, "JWT_REFRESH_GRACE_SECONDS", 10)


def _same_successor(row: RefreshToken, refresh: str) -> tuple[User, TokenPair] | TokenError:
    """A parallel redeemer of a token rotated moments ago: the successor it was replaced by, if still live."""
    # A statement of its own: a redeemer that waited on the row lock must see the successor just committed.
    successor = RefreshToken.objects.filter(pk=row.replaced_by_id).first()  # type: ignore[misc]  # None finds none
    raw = _successor_raw(refresh)
    live = (
        successor is not None
        and successor.revoked_at is None
        and successor.expires_at > timezone.now()
        and hmac.compare_digest(successor.token_hash, _hash(raw))
        and row.user.is_active
    )
    if not live:
        return TokenError(_("The refresh token has been revoked."), code=ErrorCode.TOKEN_REVOKED)  # revokes nothing
    return row.user, TokenPair(access_token_issue(row.user), raw, settings.JWT_ACCESS_TTL_SECONDS)


def token_revoke(*, user: User, refresh: str | None = None) -> int:
    """Sign out: revoke one refresh token of the user, or all of them when none is given."""
    live = RefreshToken.objects.filter(user=user, revoked_at__isnull=True)
    if refresh is not None:
        live = live.filter(token_hash=_hash(refresh))
    return live.update(revoked_at=timezone.now())
