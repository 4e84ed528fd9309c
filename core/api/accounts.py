"""/api/v1/auth/: sign in with email and password for tokens, rotate them, sign out."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from core.accounts.services import (
    client_self_register,
    password_reset_confirm,
    password_reset_request,
    tokens_sign_in,
    tokens_sign_out,
)
from core.api.auth import api_auth
from core.http import AuthedRequest, client_ip
from core.models import User
from core.tokens import TokenPair, token_pair_issue, token_refresh

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
    user, pair = tokens_sign_in(
        email=payload.email, password=payload.password, ip=client_ip(request), user_agent=_agent(request)
    )
    return _tokens(user, pair)


class RegisterIn(Schema):
    email: str = Field(max_length=254)
    password: str = Field(max_length=4096)
    first_name: str = Field(default="", max_length=150)
    last_name: str = Field(default="", max_length=150)


class ForgotPasswordIn(Schema):
    email: str = Field(max_length=254)


class ResetPasswordIn(Schema):
    key: str = Field(max_length=200, description="The last part of the link in the reset email: `<uid>-<token>`.")
    password: str = Field(max_length=4096)


class MessageOut(Schema):
    detail: str


@router.post(
    "/register", response={201: TokensOut}, auth=None, summary="Client self sign-up (where the studio allows it)"
)
def register(request: HttpRequest, payload: RegisterIn) -> Status:
    user = client_self_register(
        request=request,
        studio=request.tenant,  # type: ignore[attr-defined]  # StudioRoutingMiddleware sets it; core does not import tenants for StudioRequest
        email=payload.email,
        password=payload.password,
        first_name=payload.first_name,
        last_name=payload.last_name,
    )
    pair = token_pair_issue(user=user, ip=client_ip(request), user_agent=_agent(request))
    return Status(201, _tokens(user, pair))


@router.post("/forgot-password", response={202: MessageOut}, auth=None, summary="Email a password reset link")
def forgot_password(request: HttpRequest, payload: ForgotPasswordIn) -> Status:
    password_reset_request(request=request, email=payload.email)
    return Status(202, MessageOut(detail=_("If that address has an account here, a reset link is on its way.")))


@router.post("/reset-password", response=MessageOut, auth=None, summary="Set a new password with the emailed key")
def reset_password(request: HttpRequest, payload: ResetPasswordIn) -> MessageOut:
    password_reset_confirm(request=request, key=payload.key, password=payload.password)
    return MessageOut(detail=_("Your password has been changed. Sign in with the new one."))


@router.post("/refresh", response=TokensOut, auth=None, summary="Exchange a refresh token for a new pair")
def refresh(request: HttpRequest, payload: RefreshIn) -> TokensOut:
    user, pair = token_refresh(refresh=payload.refresh, ip=client_ip(request), user_agent=_agent(request))
    return _tokens(user, pair)


@router.post("/logout", response={204: None}, auth=api_auth, summary="Revoke a refresh token (or all of them)")
def logout(request: AuthedRequest, payload: LogoutIn) -> Status:
    tokens_sign_out(user=request.user, refresh=payload.refresh, ip=client_ip(request))
    return Status(204, None)


@router.get("/me", response=UserOut, auth=api_auth, summary="The signed-in person")
def me(request: AuthedRequest) -> User:
    return request.user
