"""Privacy services: data exports (a client's, the studio's), erasure of a client, retention settings.

Exports are built by a Celery task (domain/privacy/tasks.py) after the request commits; the person who asked
gets an email with a signed link that stops working when the export expires (RetentionPolicy.export_days).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.sessions.models import Session
from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import AuditAction, audit_record
from core.error_codes import ErrorCode
from core.exceptions import ConflictError, GoneError, NotFoundError, ValidationError
from core.models import AuditEvent, Invitation, Preferences, RefreshToken, Role, User
from core.permissions import require
from core.privacy import erasers
from domain.clients.selectors import client_get
from domain.privacy import scrub
from domain.privacy.models import DataExport, RetentionPolicy

SIGNING_SALT = "privacy.export"
ERASED_DOMAIN = "erased.invalid"


def retention_get() -> RetentionPolicy:
    """The studio's retention policy (its defaults, unsaved, until the owner changes it)."""
    return RetentionPolicy.objects.filter(key=1).first() or RetentionPolicy()


def is_erased(person: User) -> bool:
    return person.email.endswith(f"@{ERASED_DOMAIN}")


def _queue(task_name: str, export_id: int) -> None:
    from domain.privacy import tasks

    task = getattr(tasks, task_name)
    transaction.on_commit(lambda: task.delay(export_id=export_id))


@transaction.atomic
def client_export_request(*, actor: User, client_id: int, ip: str | None = None) -> DataExport:
    """Ask for a client's data export (the client for themself; staff for a client they may see).

    One at a time: while one is being prepared, asking again answers that one. Raises NotFoundError
    (a client the actor may not see) and PermissionDeniedError.
    """
    require(actor, "privacy.export")
    client = client_get(actor=actor, client_id=client_id)
    if client.role != Role.CLIENT or is_erased(client):
        raise NotFoundError(_("Client not found."), code=ErrorCode.CLIENT_NOT_FOUND)
    User.objects.select_for_update().filter(pk=client.pk).first()  # one request at a time per client
    pending = DataExport.objects.filter(client=client, status=DataExport.Status.PENDING).first()
    if pending is not None:
        return pending
    export = DataExport.objects.create(kind=DataExport.Kind.CLIENT, client=client, requested_by=actor)
    audit_record(actor=actor, action=AuditAction.DATA_EXPORT_REQUEST, target=client, ip=ip, kind="client")
    _queue("client_export_build", export.pk)
    return export


@transaction.atomic
def studio_export_request(*, actor: User, ip: str | None = None) -> DataExport:
    """Ask for the whole studio's export (owner). One at a time, as for a client's."""
    require(actor, "data.export")
    pending = DataExport.objects.select_for_update().filter(kind=DataExport.Kind.STUDIO, status="pending").first()
    if pending is not None:
        return pending
    export = DataExport.objects.create(kind=DataExport.Kind.STUDIO, requested_by=actor)
    audit_record(actor=actor, action=AuditAction.DATA_EXPORT_REQUEST, target=export, ip=ip, kind="studio")
    _queue("studio_export_build", export.pk)
    return export


def export_list(*, viewer: User, client_id: int | None = None) -> list[DataExport]:
    """Exports the viewer may download: a client's own; staff's for a client they may see; the owner's studio
    exports (`client_id` None and the viewer an owner)."""
    if client_id is not None:
        client = client_get(actor=viewer, client_id=client_id)
        return list(DataExport.objects.filter(client=client)[:10])
    if viewer.role == Role.OWNER:
        return list(DataExport.objects.filter(kind=DataExport.Kind.STUDIO)[:10])
    return list(DataExport.objects.filter(client=viewer)[:10])


def export_token(export: DataExport) -> str:
    """The signed part of a download link (it expires with the export)."""
    return signing.dumps(export.key.hex, salt=SIGNING_SALT)


def _export_not_found() -> NotFoundError:
    return NotFoundError(_("This download link is not valid or has expired."), code=ErrorCode.EXPORT_NOT_FOUND)


def _export_expired() -> GoneError:
    return GoneError(
        _("This download link has expired and the archive is deleted. Ask for a new export."),
        code=ErrorCode.EXPORT_EXPIRED,
    )


def export_for_download(*, viewer: User, token: str, ip: str | None = None) -> DataExport:
    """The ready export a signed link names, for someone allowed to download it; audited.

    Allowed: whoever asked for it, the client it is about, and for a studio export its owner.
    Raises NotFoundError (`export_not_found`, 404) for a bad or foreign link, or an export not ready;
    GoneError (`export_expired`, 410) when the link or the export has expired, to those allowed only.
    """
    try:
        key = signing.loads(token, salt=SIGNING_SALT)  # whose link it is; its age is weighed below
    except signing.BadSignature as exc:
        raise _export_not_found() from exc
    export = DataExport.objects.filter(key=key).first()
    allowed = export is not None and (
        export.requested_by_id == viewer.pk
        or export.client_id == viewer.pk
        or (export.kind == DataExport.Kind.STUDIO and viewer.role == Role.OWNER)
    )
    if export is None or not allowed:
        raise _export_not_found()
    try:
        signing.loads(token, salt=SIGNING_SALT, max_age=timedelta(days=retention_get().export_days))
    except signing.SignatureExpired as exc:
        raise _export_expired() from exc
    expired = export.expires_at is not None and export.expires_at <= timezone.now()
    if export.status == DataExport.Status.EXPIRED or (export.status == DataExport.Status.READY and expired):
        raise _export_expired()
    if export.status != DataExport.Status.READY:
        raise _export_not_found()
    audit_record(actor=viewer, action=AuditAction.DATA_EXPORT_DOWNLOAD, target=export, ip=ip)
    return export


def _confirmed(client: User, typed: str) -> bool:
    def norm(text: str) -> str:
        return " ".join(text.split()).casefold()

    expected = client.get_full_name() if (client.first_name or client.last_name) else client.email
    return bool(typed.strip()) and norm(typed) == norm(expected)


def _sessions_delete(user_id: int) -> None:
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user_id):
            session.delete()


@transaction.atomic
def client_erase(*, actor: User, client_id: int, confirm_name: str, ip: str | None = None) -> User:
    """Erase a client's personal data, irreversibly (owner only; `confirm_name` must be their full name).

    Every app's erase part (core.privacy registry) runs, then the person is anonymised (no name, an
    address at erased.invalid, no phone, no password, inactive: they can never sign in again), their
    sessions, tokens, invitations and preferences go, and every remaining mention of their full name,
    email or phone in the studio's tables is replaced (domain/privacy/scrub.py). Financial records stay,
    de-identified. Media files go after commit. Raises PermissionDeniedError, NotFoundError,
    ValidationError (`erase_confirmation`) and ConflictError (`already_erased`).
    """
    require(actor, "privacy.erase")
    client = client_get(actor=actor, client_id=client_id, include_archived=True)
    client = User.objects.select_for_update().get(pk=client.pk)
    if client.role != Role.CLIENT:
        raise NotFoundError(_("Client not found."), code=ErrorCode.CLIENT_NOT_FOUND)
    if is_erased(client):
        raise ConflictError(_("This client has already been erased."), code=ErrorCode.ALREADY_ERASED)
    if not _confirmed(client, confirm_name):
        raise ValidationError(
            _("Type the client's full name exactly to confirm."),
            code=ErrorCode.ERASE_CONFIRMATION,
            fields={"confirm_name": _("This is not the client's name.")},
        )
    phrases = scrub.identifiers_of(full_name=client.get_full_name(), email=client.email, phone=client.phone)
    files: list[str] = []
    for erase in erasers().values():
        files.extend(erase(client))
    files.extend(scrub.media_naming(phrases))
    Invitation.objects.filter(email__iexact=client.email).delete()
    Invitation.objects.filter(user=client).delete()
    RefreshToken.objects.filter(user=client).delete()
    Preferences.objects.filter(user=client).delete()
    _sessions_delete(client.pk)
    client.email = f"erased-{client.pk}@{ERASED_DOMAIN}"
    client.first_name = client.last_name = client.phone = ""
    client.password = make_password(None)
    client.is_active = False
    client.save()
    AuditEvent.objects.filter(actor=client).update(actor_email="")
    AuditEvent.objects.filter(target_type=client._meta.label_lower, target_id=str(client.pk)).update(
        target_repr=str(client)
    )
    rows = scrub.scrub_tables(phrases)
    audit_record(actor=actor, action=AuditAction.CLIENT_ERASE, target=client, ip=ip, rows_scrubbed=rows)
    transaction.on_commit(lambda: _files_delete(files))
    return client


def _files_delete(names: list[str]) -> None:
    from django.core.files.storage import default_storage

    for name in dict.fromkeys(names):
        if name:
            default_storage.delete(name)


RETENTION_FIELDS = ("export_days", "archived_client_media_days", "review_video_days")


@transaction.atomic
def retention_update(*, actor: User, ip: str | None = None, **changes: Any) -> RetentionPolicy:
    """Change how long data is kept (owner). Raises ValidationError (`retention_invalid`)."""
    require(actor, "privacy.manage_retention")
    policy, _created = RetentionPolicy.objects.select_for_update().get_or_create(key=1)
    fields: dict[str, str] = {}
    values = {name: changes[name] for name in RETENTION_FIELDS if name in changes}
    for name, value in values.items():
        if not isinstance(value, int) or value < 0 or value > 3650:
            fields[name] = _("Use a number of days from 0 to 3650.")
    if "export_days" in values and not fields.get("export_days") and not 1 <= values["export_days"] <= 30:
        fields["export_days"] = _("Keep exports from 1 to 30 days.")
    if fields:
        raise ValidationError(" ".join(fields.values()), code=ErrorCode.RETENTION_INVALID, fields=fields)
    changed = {name: [getattr(policy, name), value] for name, value in values.items() if getattr(policy, name) != value}
    if changed:
        for name, (_old, new) in changed.items():
            setattr(policy, name, new)
        policy.save()
        audit_record(actor=actor, action=AuditAction.RETENTION_POLICY_UPDATE, target=policy, ip=ip, changes=changed)
    return policy


def require_retention_view(*, actor: User) -> None:
    """Only the owner reads the retention settings (they are the owner's to change)."""
    require(actor, "privacy.manage_retention")
