"""/api/v1/auth/: sign in with email and password for tokens, rotate them, sign out."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from core import security
from core.api.auth import api_auth
from core.audit import audit_record
from core.http import client_ip
from core.models import User
from core.tokens import TokenError, TokenPair, token_pair_issue, token_refresh, token_revoke

router = Router(tags=["auth"])


class LoginIn(Schema):
    email: str = Field(max_length=254)
    password: str = Field(max_length=4096)


class UserOut(Schema):
    id: int
    email: str
    role: str
    first_name: str
    last_name: str


class TokensOut(Schema):
    access: str
    refresh: str
    token_type: str = "Bearer"
    expires_in: int
    user: UserOut


class RefreshIn(Schema):
    refresh: str = Field(max_length=512)


class LogoutIn(Schema):
    refresh: str | None = Field(default=None, max_length=512, description="Omit to sign out everywhere.")


def _tokens(user: User, pair: TokenPair) -> TokensOut:
    return TokensOut(
        access=pair.access, refresh=pair.refresh, expires_in=pair.access_expires_in, user=UserOut.from_orm(user)
    )


def _agent(request: HttpRequest) -> str:
    return request.headers.get("User-Agent", "")[:255]


@router.post("/login", response=TokensOut, auth=None, summary="Sign in with email and password")
def login(request: HttpRequest, payload: LoginIn) -> TokensOut:
    ip = client_ip(request)
    email = payload.email.strip().lower()
    security.signin_guard(email, ip)
    user = User.objects.filter(email__iexact=email).first()
    if user is None or not user.is_active or not user.check_password(payload.password):
        security.signin_failed(email, ip)
        audit_record(actor=user, action="auth.login_failed", ip=ip, actor_email=email, channel="api")
        raise TokenError(_("The email address or password is not correct."), code="invalid_credentials")
    security.signin_succeeded(email, ip)
    with transaction.atomic():
        pair = token_pair_issue(user=user, ip=ip, user_agent=_agent(request))
        User.objects.filter(pk=user.pk).update(last_login=timezone.now())
        audit_record(actor=user, action="auth.login", target=user, ip=ip, channel="api")
    return _tokens(user, pair)


@router.post("/refresh", response=TokensOut, auth=None, summary="Exchange a refresh token for a new pair")
def refresh(request: HttpRequest, payload: RefreshIn) -> TokensOut:
    user, pair = token_refresh(refresh=payload.refresh, ip=client_ip(request), user_agent=_agent(request))
    return _tokens(user, pair)


@router.post("/logout", response={204: None}, auth=api_auth, summary="Revoke a refresh token (or all of them)")
def logout(request: HttpRequest, payload: LogoutIn) -> Status:
    user: User = request.user  # type: ignore[assignment]
    with transaction.atomic():
        revoked = token_revoke(user=user, refresh=payload.refresh)
        audit_record(actor=user, action="auth.logout", ip=client_ip(request), revoked=revoked)
    return Status(204, None)


@router.get("/me", response=UserOut, auth=api_auth, summary="The signed-in person")
def me(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]
