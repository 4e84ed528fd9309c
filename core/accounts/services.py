"""Account flows behind the API (/api/v1/auth/login, logout, register, forgot-password, reset-password).

They reuse allauth's own machinery (email addresses, verification mails, reset tokens bound to the
studio), so a link mailed to a person works the same whether they started on the web or in the app.
"""

from __future__ import annotations

from typing import Protocol

from allauth.account.forms import ResetPasswordForm, default_token_generator
from allauth.account.internal.flows.email_verification import send_verification_email_for_user
from allauth.account.utils import setup_user_email, url_str_to_user_pk
from allauth.core import context as allauth_context
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from core import security
from core.audit import AuditAction, audit_record
from core.error_codes import ErrorCode
from core.exceptions import ApplicationError, PermissionDeniedError, ValidationError
from core.http import client_ip
from core.models import Role, User
from core.people import HasSchema, studio_user_create
from core.tokens import TokenError, TokenPair, token_pair_issue, token_revoke


def tokens_sign_in(*, email: str, password: str, ip: str, user_agent: str = "") -> tuple[User, TokenPair]:
    """Sign in with email and password for an access/refresh pair (API clients).

    Failed attempts are counted per (account, address) and lock that pair for a while (`core.security`);
    every attempt is audited. Raises: TokenError (401, `invalid_credentials`) for a wrong email or password
    or an inactive account (one answer for all, no enumeration); SignInLocked (429, `signin_locked`).
    """
    email = email.strip().lower()
    security.signin_guard(email, ip)
    user = User.objects.filter(email__iexact=email).first()
    if user is None or not user.is_active or not user.check_password(password):
        security.signin_failed(email, ip)
        audit_record(actor=user, action=AuditAction.ACCOUNT_SIGN_IN_FAIL, ip=ip, actor_email=email, channel="api")
        raise TokenError(_("The email address or password is not correct."), code=ErrorCode.INVALID_CREDENTIALS)
    security.signin_succeeded(email, ip)
    with transaction.atomic():
        pair = token_pair_issue(user=user, ip=ip, user_agent=user_agent)
        User.objects.filter(pk=user.pk).update(last_login=timezone.now())
        audit_record(actor=user, action=AuditAction.ACCOUNT_SIGN_IN, target=user, ip=ip, channel="api")
    return user, pair


@transaction.atomic
def tokens_sign_out(*, user: User, refresh: str | None, ip: str | None) -> int:
    """Revoke one refresh token of `user`, or all of them when `refresh` is None; returns how many."""
    revoked = token_revoke(user=user, refresh=refresh)
    audit_record(actor=user, action=AuditAction.ACCOUNT_SIGN_OUT, ip=ip, revoked=revoked)
    return revoked


class SignupStudio(HasSchema, Protocol):
    """What self sign-up needs to know of the studio (the tenant model has these fields)."""

    name: str
    allow_client_signup: bool


@transaction.atomic
def client_self_register(
    *, request: HttpRequest, studio: SignupStudio, email: str, password: str, first_name: str = "", last_name: str = ""
) -> User:
    """A client signs themself up — only where the studio allows it; the address still needs verifying."""
    if not studio.allow_client_signup:
        raise PermissionDeniedError(
            _("%(studio)s does not take sign-ups online. Ask the studio for an invitation.") % {"studio": studio.name},
            code=ErrorCode.SIGNUP_CLOSED,
        )
    user = studio_user_create(
        studio=studio, email=email, password=password, role=Role.CLIENT, first_name=first_name, last_name=last_name
    )
    setup_user_email(request, user, [])
    audit_record(actor=user, action=AuditAction.ACCOUNT_REGISTER, target=user, ip=client_ip(request), channel="api")
    transaction.on_commit(lambda: _send_verification(request, user))
    return user


def _send_verification(request: HttpRequest, user: User) -> None:
    # allauth's adapter reads the request from a context variable; after commit we may be outside it
    with allauth_context.request_context(request):
        send_verification_email_for_user(request, user)


def password_reset_request(*, request: HttpRequest, email: str) -> None:
    """Mail a reset link if the address belongs to someone here; say nothing either way (no enumeration)."""
    with allauth_context.request_context(request):  # also when called after commit, outside the request
        form = ResetPasswordForm(data={"email": email})
        if not form.is_valid():
            message = _("Enter a valid email address.")
            raise ValidationError(message, code=ErrorCode.EMAIL_INVALID, fields={"email": _("Not valid.")})
        form.save(request)


def _reset_error() -> ApplicationError:
    return ApplicationError(
        _("This reset link is invalid or has expired. Ask for a new one."), code=ErrorCode.RESET_KEY_INVALID
    )


@transaction.atomic
def password_reset_confirm(*, request: HttpRequest, key: str, password: str) -> User:
    """Set a new password from the key in the mailed link (`<uid>-<token>`); every API session ends."""
    uid, _sep, token = key.partition("-")
    try:
        user = User.objects.select_for_update().get(pk=url_str_to_user_pk(uid), is_active=True)
    except (User.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise _reset_error() from exc
    if not token or not default_token_generator.check_token(user, token):
        raise _reset_error()
    try:
        validate_password(password, user=user)
    except DjangoValidationError as exc:
        message = " ".join(exc.messages)
        raise ValidationError(message, code=ErrorCode.PASSWORD_INVALID, fields={"password": message}) from exc
    user.set_password(password)
    user.save(update_fields=["password"])
    token_revoke(user=user)
    audit_record(
        actor=user, action=AuditAction.ACCOUNT_RESET_PASSWORD, target=user, ip=client_ip(request), channel="api"
    )
    return user
