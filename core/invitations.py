"""Invitations: an owner or manager brings trainers and clients into the studio by email.

A link is a random token shown once (in the email); the database keeps only its SHA-256. It works
once, for `INVITATION_VALID_DAYS` (7) days; re-sending issues a new token and the old link dies.
Accepting creates the person in this studio's schema with the invited role, their address
verified (they proved it by opening the link), and the invitation is spent.

Services (writes) and selectors (reads) for invitations, in the style of the domain apps.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import AuditAction, audit_record
from core.db import tenant_connection
from core.emails import branded_email
from core.error_codes import ErrorCode
from core.exceptions import ApplicationError, ConflictError, NotFoundError, ValidationError
from core.models import Invitation, User
from core.people import studio_user_create, user_email_check
from core.permissions import require
from core.studio_time import studio_time_text

# --- tokens -------------------------------------------------------------------------------------


def _token_new() -> tuple[str, str]:
    """A fresh token for the link and the hash the database keeps."""
    token = secrets.token_urlsafe(32)
    return token, _token_hash(token)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _expiry() -> Any:
    return timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS)


# --- errors a link can meet ---------------------------------------------------------------------


class InvitationUnavailableError(ApplicationError):
    """The link cannot be used; `code` says why (the accept page explains each case)."""

    status_code = 410


def _unavailable(invitation: Invitation) -> InvitationUnavailableError | None:
    if invitation.status == Invitation.Status.ACCEPTED:
        return InvitationUnavailableError(
            _("This invitation has already been accepted. Sign in with the email address it was sent to."),
            code=ErrorCode.INVITATION_USED,
        )
    if invitation.status == Invitation.Status.REVOKED:
        return InvitationUnavailableError(
            _("This invitation was withdrawn by the studio. Ask them to invite you again."),
            code=ErrorCode.INVITATION_REVOKED,
        )
    if invitation.is_expired:
        return InvitationUnavailableError(
            _("This invitation expired on %(date)s. Ask the studio to send you a new one.")
            % {"date": studio_time_text(invitation.expires_at)},
            code=ErrorCode.INVITATION_EXPIRED,
        )
    return None


# --- selectors ----------------------------------------------------------------------------------


def invitation_get_for_token(*, token: str) -> Invitation:
    """The usable invitation behind a link, or NotFoundError / InvitationUnavailableError."""
    invitation = Invitation.objects.filter(token_hash=_token_hash(token or "")).first()
    if invitation is None:
        raise NotFoundError(
            _("This invitation link is not valid. It may have been replaced by a newer invitation."),
            code=ErrorCode.INVITATION_INVALID,
        )
    error = _unavailable(invitation)
    if error:
        raise error
    return invitation


def invitation_list(*, pending_only: bool = False) -> QuerySet[Invitation]:
    """Invitations newest first, with who sent them (one query, however many rows)."""
    invitations = Invitation.objects.select_related("invited_by")
    if pending_only:
        invitations = invitations.filter(status=Invitation.Status.PENDING)
    return invitations.order_by("-created_at", "-id")


def person_list() -> QuerySet[User]:
    """Everyone with an account at this studio: active first, staff before clients, then by name."""
    return User.objects.order_by("-is_active", "role", "first_name", "last_name", "email")


# --- services -----------------------------------------------------------------------------------


def _role_check(role: str) -> str:
    if role not in {r.value for r in Invitation.INVITABLE_ROLES}:
        raise ValidationError(
            _("Invitations are for trainers and clients."),
            code=ErrorCode.ROLE_INVALID,
            fields={"role": _("Choose trainer or client.")},
        )
    return role


def invite_action(role: str) -> str:
    """The permission that covers inviting (and re-sending or withdrawing an invitation of) `role`."""
    return f"people.invite_{role}"


AcceptLink = Callable[[str], str]
"""The caller's page that accepts an invitation: token -> absolute URL (core names no app's URLs)."""


def _send_after_commit(*, invitation: Invitation, token: str, base_url: str, accept_link: AcceptLink) -> None:
    """The email leaves only once the invitation (and its new token) is committed."""
    studio = getattr(connection, "tenant", None)
    invitation_id = invitation.pk
    accept_url = accept_link(token)
    transaction.on_commit(
        lambda: invitation_email_send(
            invitation_id=invitation_id, accept_url=accept_url, base_url=base_url, studio=studio
        )
    )


def invitation_email_send(*, invitation_id: int, accept_url: str, base_url: str, studio: Any) -> None:
    """Send the invitation email (the only place the token, inside `accept_url`, ever appears)."""
    invitation = Invitation.objects.select_related("invited_by").get(pk=invitation_id)
    branded_email(
        template_prefix="emails/invitation",
        to=[invitation.email],
        context={
            "invitation": invitation,
            "accept_url": accept_url,
            "inviter_name": invitation.invited_by.full_name if invitation.invited_by else "",
            "role": invitation.get_role_display(),
            "expires_at": invitation.expires_at,
        },
        studio=studio,
        base_url=base_url,
    ).send()


@transaction.atomic
def invitation_create(
    *,
    invited_by: User,
    email: str,
    role: str,
    base_url: str,
    accept_link: AcceptLink,
    first_name: str = "",
    last_name: str = "",
    ip: str | None = None,
) -> Invitation:
    """Invite someone new; `base_url` is the studio's scheme + host, `accept_link(token)` the emailed link."""
    email = user_email_check(email=email)
    role = _role_check(role)
    require(invited_by, invite_action(role))
    if User.objects.filter(email__iexact=email).exists():
        raise ConflictError(
            _("%(email)s already has an account at this studio.") % {"email": email},
            code=ErrorCode.EMAIL_TAKEN,
            fields={"email": _("This person already has an account.")},
        )
    if Invitation.objects.filter(email__iexact=email, status=Invitation.Status.PENDING).exists():
        raise ConflictError(
            _("%(email)s has already been invited. Re-send that invitation instead.") % {"email": email},
            code=ErrorCode.ALREADY_INVITED,
        )
    token, token_hash = _token_new()
    invitation = Invitation.objects.create(
        email=email,
        role=role,
        first_name=first_name.strip()[:150],
        last_name=last_name.strip()[:150],
        token_hash=token_hash,
        expires_at=_expiry(),
        invited_by=invited_by,
    )
    audit_record(actor=invited_by, action=AuditAction.INVITATION_SEND, target=invitation, ip=ip, role=role, email=email)
    _send_after_commit(invitation=invitation, token=token, base_url=base_url, accept_link=accept_link)
    return invitation


def _pending_for_update(invitation_id: int, *, actor: User) -> Invitation:
    invitation = Invitation.objects.select_for_update().filter(pk=invitation_id).first()
    if invitation is None:
        raise NotFoundError(_("This invitation does not exist."), code=ErrorCode.INVITATION_NOT_FOUND)
    require(actor, invite_action(invitation.role))
    if invitation.status != Invitation.Status.PENDING:
        raise ConflictError(
            _("This invitation is %(status)s and can no longer be changed.")
            % {"status": invitation.get_status_display().lower()},
            code=ErrorCode.INVITATION_CLOSED,
        )
    return invitation


@transaction.atomic
def invitation_resend(
    *, invitation_id: int, actor: User, base_url: str, accept_link: AcceptLink, ip: str | None = None
) -> Invitation:
    """A new link, valid for the full period again; the previous link stops working now."""
    invitation = _pending_for_update(invitation_id, actor=actor)
    token, invitation.token_hash = _token_new()
    now = timezone.now()
    invitation.expires_at = _expiry()
    invitation.sent_count += 1
    invitation.last_sent_at = now
    invitation.save(update_fields=["token_hash", "expires_at", "sent_count", "last_sent_at", "updated_at"])
    audit_record(
        actor=actor, action=AuditAction.INVITATION_RESEND, target=invitation, ip=ip, sent_count=invitation.sent_count
    )
    _send_after_commit(invitation=invitation, token=token, base_url=base_url, accept_link=accept_link)
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation_id: int, actor: User, ip: str | None = None) -> Invitation:
    """Withdraw a pending invitation; its link then shows a clear "withdrawn" page."""
    invitation = _pending_for_update(invitation_id, actor=actor)
    invitation.status = Invitation.Status.REVOKED
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["status", "revoked_at", "updated_at"])
    audit_record(actor=actor, action=AuditAction.INVITATION_REVOKE, target=invitation, ip=ip)
    return invitation


@transaction.atomic
def invitation_accept(
    *, token: str, password: str, first_name: str, last_name: str = "", ip: str | None = None
) -> User:
    """Create the invited person (role from the invitation, address verified) and spend the link.

    The invitation row is locked, so two clicks racing on one link make one account, not two.
    """
    found = invitation_get_for_token(token=token)
    invitation = Invitation.objects.select_for_update().get(pk=found.pk)
    error = _unavailable(invitation)
    if error:  # accepted or revoked while we waited for the lock
        raise error
    if not (first_name or "").strip():
        raise ValidationError(
            _("Tell us your first name."),
            code=ErrorCode.NAME_REQUIRED,
            fields={"first_name": _("This field is required.")},
        )
    user = studio_user_create(
        studio=tenant_connection.tenant,
        email=invitation.email,
        password=password,
        role=invitation.role,
        first_name=first_name.strip()[:150],
        last_name=(last_name or "").strip()[:150],
        email_verified=True,  # following the emailed link proved the address
    )
    invitation.status = Invitation.Status.ACCEPTED
    invitation.accepted_at = timezone.now()
    invitation.user = user
    invitation.save(update_fields=["status", "accepted_at", "user", "updated_at"])
    audit_record(actor=user, action=AuditAction.INVITATION_ACCEPT, target=invitation, ip=ip, role=invitation.role)
    return user
