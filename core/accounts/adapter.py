"""allauth, fitted to a platform of studios.

- People sign in where they live: the schema of the host (a studio's people on its subdomain,
  platform staff on the public host). Nothing here crosses schemas.
- Pages and emails carry the studio's branding; links in emails point to the host of the request.
- Sign-in failures go through the lockout in core/security.py.
- Self sign-up exists only on studios that allow it, and only ever makes clients.
"""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.utils import build_absolute_uri
from django import forms
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.mail import EmailMessage
from django.http import HttpRequest, HttpResponse
from django.utils.http import url_has_allowed_host_and_scheme

from core import security
from core.audit import AuditAction, audit_record
from core.emails import branded_email
from core.http import client_ip
from core.models import Role, User


def studio_of(request: HttpRequest | None) -> Any | None:
    """The studio the request's host serves; None on the public host."""
    return getattr(request, "tenant", None) if request is not None else None


def site_url(request: HttpRequest) -> str:
    """Scheme and host of this request (https forced in production), for links in emails."""
    return build_absolute_uri(request, "/").rstrip("/")


class AccountAdapter(DefaultAccountAdapter):
    # --- who may sign up -------------------------------------------------------------------------
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """Studios opt in (Studio.allow_client_signup); the public site never has self sign-up."""
        studio = studio_of(request)
        return bool(studio is not None and studio.allow_client_signup)

    def save_user(
        self, request: HttpRequest, user: AbstractBaseUser, form: forms.BaseForm, commit: bool = True
    ) -> AbstractBaseUser:
        """Whatever the form says, a self sign-up is a client: staff roles come only by invitation."""
        user.role = Role.CLIENT  # type: ignore[attr-defined]  # allauth hands the adapter its user model's instance, typed as the abstract base
        return super().save_user(request, user, form, commit=commit)

    # --- sign-in lockout and audit (the same counters and address as the API's sign-in) ---------
    def get_client_ip(self, request: HttpRequest) -> str:
        return client_ip(request)

    @staticmethod
    def _email(credentials: dict[str, Any]) -> str:
        return str(credentials.get("email") or "").strip().lower()

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        try:
            security.signin_guard(self._email(credentials), client_ip(request))
        except security.SignInLocked as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from exc
        super().pre_authenticate(request, **credentials)

    def authenticate(self, request: HttpRequest, **credentials: Any) -> AbstractBaseUser | None:
        user = super().authenticate(request, **credentials)
        if user is not None:
            security.signin_succeeded(self._email(credentials), client_ip(request))
        return user

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        email, ip = self._email(credentials), client_ip(request)
        security.signin_failed(email, ip)
        user = User.objects.filter(email__iexact=email).first()
        audit_record(actor=user, action=AuditAction.ACCOUNT_SIGN_IN_FAIL, ip=ip, actor_email=email, channel="web")

    def post_login(self, request: HttpRequest, user: AbstractBaseUser, **kwargs: Any) -> HttpResponse:
        audit_record(actor=user, action=AuditAction.ACCOUNT_SIGN_IN, target=user, ip=client_ip(request), channel="web")  # type: ignore[arg-type]  # allauth types the user as AbstractBaseUser; ours is core.User
        return super().post_login(request, user, **kwargs)

    def logout(self, request: HttpRequest) -> None:
        if request.user.is_authenticated:
            audit_record(actor=request.user, action=AuditAction.ACCOUNT_SIGN_OUT, ip=client_ip(request), channel="web")
        super().logout(request)

    # --- where people go -------------------------------------------------------------------------
    def get_login_redirect_url(self, request: HttpRequest) -> str:
        if studio_of(request) is None:
            return settings.PLATFORM_LOGIN_REDIRECT_URL
        return super().get_login_redirect_url(request)

    def is_safe_url(self, url: str) -> bool:
        """Only this host: every studio is a subdomain in ALLOWED_HOSTS, but `next` must never
        send someone from one studio's sign-in to another studio (or to the public site)."""
        return url_has_allowed_host_and_scheme(
            url, allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()
        )

    # --- emails ----------------------------------------------------------------------------------
    def render_mail(
        self,
        template_prefix: str,
        email: str | list[str],
        context: dict[str, Any],
        headers: dict[str, str] | None = None,
    ) -> EmailMessage:
        """Every allauth email in the studio's branding, its links on the request's host."""
        request = self.request
        return branded_email(
            template_prefix=template_prefix,
            to=[email] if isinstance(email, str) else list(email),
            context=context,
            studio=studio_of(request),
            base_url=site_url(request),
            headers=headers,
        )
