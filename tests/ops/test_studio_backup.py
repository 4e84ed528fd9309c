"""One studio out and back: export, erase, restore — every row (count and checksum per table), every
public row and every media file come back. Then closing: retention, erasure, all audited."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import serializers
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context, schema_exists

from core.audit import AuditAction, audit_record
from core.exceptions import ConflictError
from core.models import AuditEvent, User
from tenants.lifecycle import studio_close, studio_erase, studio_reopen, studios_erase_due
from tenants.models import Domain, Studio
from tenants.services import studio_provision
from tenants.studio_backup import (
    StudioBackupError,
    schema_tables_check,
    studio_export,
    studio_public_rows,
    studio_restore,
)
from tests.concurrency import in_own_connection
from tests.factories.core import ClientFactory, TrainerFactory
from tests.factories.tenants import STRONG_PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
SLUG = "ops-roundtrip"


def _public_rows(studio: Studio) -> list[dict]:
    rows = json.loads(serializers.serialize("json", studio_public_rows(studio)))
    return sorted(rows, key=lambda row: (row["model"], str(row["pk"])))


def _media(schema: str) -> dict[str, bytes]:
    from tenants.observability import storage_walk

    with schema_context(schema):
        return {name: default_storage.open(name, "rb").read() for name in storage_walk("")}


def _studio_with_data() -> Studio:
    studio = studio_provision(
        slug=SLUG, name="Round Trip", owner_email="owner@rt.test", owner_password=STRONG_PASSWORD
    ).studio
    Domain.objects.create(domain="book.roundtrip.test", tenant=studio, is_primary=False)
    with schema_context(studio.schema_name):
        trainer = TrainerFactory()
        for _ in range(3):
            ClientFactory()
        audit_record(actor=trainer, action=AuditAction.CLIENT_CREATE, note="ünïcode ✓")
        default_storage.save("progress/photo-1.jpg", ContentFile(b"\xff\xd8" + bytes(range(256)) * 40))
        default_storage.save("branding/logo.png", ContentFile(b"\x89PNG" + b"x" * 999))
    return studio


def committed(call):
    """Run `call` on its own connection (its writes commit: pg_dump and pg_restore see them), then delete
    the platform audit rows it wrote, which outlive the studio by design but not the test."""

    def run():
        with schema_context("public"):
            last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
        try:
            return call()
        finally:
            with schema_context("public"):
                AuditEvent.objects.filter(id__gt=last).delete()

    return in_own_connection(run)


def _erase(slug: str) -> None:
    studio = Studio.objects.filter(slug=slug).first()
    if studio is None:
        return
    if studio.status != Studio.Status.CLOSED:
        studio = studio_close(studio=studio, actor=None, reason="test clean-up")
    studio_erase(studio=studio, actor=None, reason="test clean-up", early=True)


def test_export_erase_restore_brings_back_every_row_public_row_and_file(tmp_path: Path):
    def round_trip() -> tuple[dict, ...]:
        try:
            studio = _studio_with_data()
            schema = studio.schema_name
            before = (schema_tables_check(schema), _public_rows(studio), _media(schema))
            manifest = studio_export(studio=studio, target=tmp_path / "export")
            _erase(SLUG)
            gone = (schema_exists(schema), Studio.objects.filter(slug=SLUG).exists(), _media(schema))
            restored = studio_restore(source=tmp_path / "export")
            after = (schema_tables_check(schema), _public_rows(restored), _media(schema))
            with schema_context(schema):
                clients = User.objects.filter(role="client").count()
            return before, after, gone, manifest, clients, restored.status
        finally:
            _erase(SLUG)

    before, after, gone, manifest, clients, status = committed(round_trip)
    # the export held the data, erasure removed schema, platform rows and media
    assert sum(table["rows"] for table in manifest["tables"].values()) > 20
    assert gone == (False, False, {})
    # every table: same count and checksum; the public rows (studio, domains, subscription...) field for field
    assert after[0] == before[0]
    assert {model for model, *_ in [(row["model"],) for row in after[1]]} >= {"tenants.studio", "tenants.domain"}
    assert after[1] == before[1]
    # every file, byte for byte
    assert after[2] == before[2]
    assert len(after[2]) == 2
    assert clients == 3
    assert status == Studio.Status.ACTIVE


def test_restore_refuses_a_studio_that_exists_and_a_damaged_export(studio, tmp_path: Path):
    def export_then_restore() -> list[str]:
        studio_export(studio=studio, target=tmp_path / "alpha")
        errors = []
        for source in (tmp_path / "alpha", tmp_path / "nothing"):
            try:
                studio_restore(source=source)
            except StudioBackupError as exc:
                errors.append(str(exc))
        return errors

    exists, damaged = committed(export_then_restore)
    assert "exists here" in exists
    assert "not a studio export" in damaged


def test_a_closed_studio_is_kept_for_the_retention_period_then_erased_and_audited(clock, settings):
    settings.STUDIO_RETENTION_DAYS = 30

    def lifecycle() -> dict:
        try:
            studio = studio_provision(
                slug=SLUG, name="Closing", owner_email="o@c.test", owner_password=STRONG_PASSWORD
            ).studio
            closed = studio_close(studio=studio, actor=None, reason="owner asked")
            early = studios_erase_due()  # within retention: kept
            kept = schema_exists(studio.schema_name)
            reopened = studio_reopen(studio=closed, actor=None).status
            studio_close(studio=studio, actor=None, reason="owner asked again")
            try:
                studio_erase(studio=studio, actor=None)
                refused = False
            except ConflictError:
                refused = True
            Studio.objects.filter(pk=studio.pk).update(closed_at=timezone.now() - timedelta(days=31))
            erased = studios_erase_due()
            actions = list(
                AuditEvent.objects.filter(target_type="tenants.studio", target_id=str(studio.pk))
                .order_by("id")
                .values_list("action", flat=True)
            )
            return {"early": early, "kept": kept, "reopened": reopened, "refused": refused, "erased": erased,
                    "schema": schema_exists(studio.schema_name), "actions": actions}  # fmt: skip
        finally:
            _erase(SLUG)

    outcome = committed(lifecycle)
    assert outcome["early"] == []
    assert outcome["kept"] is True
    assert outcome["reopened"] == Studio.Status.ACTIVE
    assert outcome["refused"] is True  # not before the retention period ends
    assert outcome["erased"] == [SLUG]
    assert outcome["schema"] is False
    assert outcome["actions"][-4:] == ["studio.close", "studio.reopen", "studio.close", "studio.erase"]
    assert connection.schema_name == "public"


def test_restore_on_a_database_where_the_ids_are_taken_gives_new_ids_and_follows_them(tmp_path: Path):
    # As on another platform database: the studio's id (and its domain's) belong to someone else there.
    def restore_elsewhere() -> dict:
        try:
            studio = _studio_with_data()
            old_pk, schema = studio.pk, studio.schema_name
            domain_pks = set(studio.domains.values_list("pk", flat=True))
            public_models = {type(row)._meta.label for row in studio_public_rows(studio)}
            before = schema_tables_check(schema)
            studio_export(studio=studio, target=tmp_path / "export")
            _erase(SLUG)
            squatter = Studio.objects.create(pk=old_pk, slug="ops-squatter", schema_name="ops_squatter", name="S")
            Domain.objects.create(pk=min(domain_pks), domain="squatter.localhost", tenant=squatter)
            restored = studio_restore(source=tmp_path / "export")
            return {
                "new_pk": restored.pk != old_pk,
                "domains": sorted(restored.domains.values_list("domain", flat=True)),
                "same_kinds": {type(row)._meta.label for row in studio_public_rows(restored)} == public_models,
                "tables": schema_tables_check(schema) == before,
                "squatter": sorted(squatter.domains.values_list("domain", flat=True)),
            }
        finally:
            _erase(SLUG)
            Studio.objects.filter(slug="ops-squatter").delete()

    outcome = committed(restore_elsewhere)
    assert outcome == {
        "new_pk": True,
        "domains": ["book.roundtrip.test", f"{SLUG}.localhost"],
        "same_kinds": True,
        "tables": True,
        "squatter": ["squatter.localhost"],
    }
