"""Building an export in the background, emailing its link, and deleting it when it expires."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.db import tenant_connection
from core.emails import branded_email
from core.preferences import preferences_of
from core.tenancy import studio_base_url
from domain.privacy.archive import archive_delete, client_archive_build, studio_archive_build
from domain.privacy.models import DataExport
from domain.privacy.services import export_token, retention_get

log = logging.getLogger(__name__)


def export_build(*, export_id: int) -> str:
    """Build a pending export's archive, make it downloadable and queue its email; "ready", "failed" or
    "skipped" (not pending: built already, by this run's twin or an earlier delivery)."""
    export = DataExport.objects.select_related("client").filter(pk=export_id).first()
    if export is None or export.status != DataExport.Status.PENDING:
        return "skipped"
    try:
        if export.kind == DataExport.Kind.CLIENT and export.client is not None:
            name, size = client_archive_build(client=export.client, key=export.key.hex)
        else:
            name, size = studio_archive_build(key=export.key.hex)
    except Exception as exc:  # an export that cannot be built is reported, not retried forever
        log.exception("privacy export %s failed", export_id)
        DataExport.objects.filter(pk=export_id, status=DataExport.Status.PENDING).update(
            status=DataExport.Status.FAILED, error=str(exc)[:300]
        )
        return "failed"
    with transaction.atomic():
        export = DataExport.objects.select_for_update().get(pk=export_id)
        if export.status != DataExport.Status.PENDING:  # a twin finished first: keep theirs
            transaction.on_commit(lambda: archive_delete(name))
            return "skipped"
        now = timezone.now()
        export.status = DataExport.Status.READY
        export.storage_name, export.size_bytes = name, size
        export.ready_at, export.expires_at = now, now + timedelta(days=retention_get().export_days)
        export.save()
        transaction.on_commit(lambda: export_ready_notify(export_id=export_id))
    return "ready"


def export_ready_notify(*, export_id: int) -> bool:
    """Email whoever asked for the export its download link (in their language, times on the studio's clock)."""
    export = DataExport.objects.select_related("requested_by", "client").filter(pk=export_id).first()
    recipient = export.requested_by if export is not None else None
    if export is None or recipient is None or not recipient.email or export.status != DataExport.Status.READY:
        return False
    base_url = studio_base_url()
    link = base_url + reverse("data_export_download", args=[export_token(export)])
    message = branded_email(
        template_prefix="emails/privacy/export_ready",
        to=[recipient.email],
        context={"export": export, "link": link, "expires_at": export.expires_at, "recipient": recipient},
        studio=tenant_connection.tenant,
        base_url=base_url,
        language=preferences_of(recipient).language,
    )
    message.send()
    return True


def exports_expire(*, now: datetime | None = None) -> int:
    """Delete the archives of exports past their date and mark them expired; returns how many."""
    now = now or timezone.now()
    expired = list(DataExport.objects.filter(status=DataExport.Status.READY, expires_at__lte=now))
    for export in expired:
        archive_delete(export.storage_name)
    DataExport.objects.filter(pk__in=[e.pk for e in expired]).update(status=DataExport.Status.EXPIRED, storage_name="")
    return len(expired)
