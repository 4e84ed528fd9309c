"""A client's data export: every app's part as JSON plus their photos, videos and invoices, built in the
background, emailed as a signed link that only the right people can use, and gone when it expires."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django_tenants.utils import schema_context

from core.models import AuditEvent, Role
from core.privacy import exporters
from domain.privacy.models import DataExport
from domain.privacy.retention import retention_apply
from tests.conftest import host_of
from tests.factories.core import ClientFactory, TrainerFactory

pytestmark = pytest.mark.django_db


def web_as(studio, person) -> Client:
    client = Client(HTTP_HOST=host_of(studio))
    client.force_login(person)
    return client


def test_a_client_downloads_all_their_data_in_one_archive(
    studio, rich_client, django_capture_on_commit_callbacks, clock, studio_in_zone, settings
):
    studio_in_zone("Europe/Berlin")
    settings.PLATFORM_URL_PORT = "8107"  # `make run` on another port: the emailed link must carry it
    person = rich_client.person
    web = web_as(studio, person)
    # when the client asks for their data on their account page
    with django_capture_on_commit_callbacks(execute=True):
        assert web.post("/me/data/").status_code == 302
    # then it is built in the background and they get an email with a link, its expiry on the studio's clock
    export = DataExport.objects.get(client=person)
    assert export.status == DataExport.Status.READY
    assert export.expires_at - export.ready_at == timedelta(days=7)
    (message,) = [m for m in mail.outbox if m.to == [person.email]]
    link = re.search(r"https?://\S+/privacy/exports/\S+/", message.body).group(0)
    assert link.startswith(f"http://{studio.slug}.localhost:8107/privacy/exports/")
    assert "The link works until" in message.body
    assert "CEST" in message.body  # the expiry on the studio's clock (Berlin in June), its zone named
    # and the link downloads one zip with every app's part and their files
    path = link.split("localhost:8107", 1)[1]
    response = web.get(path)
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = set(archive.namelist())
    assert {f"{part}.json" for part in exporters()} <= names
    assert {"account.json", "clients.json", "workouts.json", "progress.json", "videos.json", "payments.json"} <= names
    assert any(n.startswith("progress/photos/") for n in names)
    assert any(n.startswith("videos/") and n.endswith(".mp4") for n in names)
    assert f"invoices/{rich_client.invoice_number}.pdf" in names
    account = json.loads(archive.read("account.json"))
    assert account["person"]["email"] == person.email
    assert "password" not in account["person"]
    clients = json.loads(archive.read("clients.json"))
    assert clients["emergency_contacts"][0]["name"] == "Ada Quixotewright"
    assert clients["health_history"][0]["notes"] == "Old knee injury"  # decrypted for its owner
    assert archive.read(f"invoices/{rich_client.invoice_number}.pdf").startswith(b"%PDF")
    messaging = json.loads(archive.read("messaging.json"))
    assert {m["body"] for m in messaging["messages"]} >= {"Text me on +44 7700 900123"}
    assert AuditEvent.objects.filter(action="data_export.download", actor_id=person.pk).exists()


def test_staff_export_a_client_they_see_and_nobody_else_uses_the_link(
    studio, rich_client, django_capture_on_commit_callbacks, api_client
):
    # given the client's trainer asks for the export over the API
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client(rich_client.trainer).post(f"/api/v1/clients/{rich_client.person.pk}/data-exports")
    assert response.status_code == 202
    export = DataExport.objects.get(client=rich_client.person)
    assert export.requested_by == rich_client.trainer
    assert mail.outbox[-1].to == [rich_client.trainer.email]
    listed = api_client(rich_client.trainer).get(f"/api/v1/clients/{rich_client.person.pk}/data-exports").json()
    path = "/" + listed[0]["download_url"].split("/", 3)[3]
    # then the trainer and the client may download it; another client and an unassigned trainer may not
    assert web_as(studio, rich_client.trainer).get(path).status_code == 200
    assert web_as(studio, rich_client.person).get(path).status_code == 200
    assert web_as(studio, ClientFactory()).get(path).status_code == 404
    assert web_as(studio, TrainerFactory()).get(path).status_code == 404
    # and a trainer who does not see the client cannot even ask
    other = api_client(TrainerFactory()).post(f"/api/v1/clients/{rich_client.person.pk}/data-exports")
    assert other.status_code == 404


def test_an_expired_export_link_stops_working_and_the_archive_goes(
    studio, rich_client, django_capture_on_commit_callbacks, clock
):
    web = web_as(studio, rich_client.person)
    with django_capture_on_commit_callbacks(execute=True):
        web.post("/me/data/")
    export = DataExport.objects.get(client=rich_client.person)
    from domain.privacy.services import export_token

    path = f"/privacy/exports/{export_token(export)}/"
    stored = export.storage_name
    # when eight days have passed and the retention sweep ran
    clock.shift(timedelta(days=8))
    with django_capture_on_commit_callbacks(execute=True):
        assert retention_apply()["exports"] == 1
    # then the link answers 410 (gone, and says so) and the archive is deleted
    assert web.get(path).status_code == 410
    export.refresh_from_db()
    assert export.status == DataExport.Status.EXPIRED
    from django.core.files.storage import default_storage

    assert not default_storage.exists(stored)


def test_the_owner_exports_the_whole_studio_without_secrets(
    studio, rich_client, django_capture_on_commit_callbacks, api_client
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client(rich_client.owner).post("/api/v1/studio/data-exports")
    assert response.status_code == 202
    export = DataExport.objects.get(kind=DataExport.Kind.STUDIO)
    assert export.status == DataExport.Status.READY
    path = "/" + api_client(rich_client.owner).get("/api/v1/me/data-exports").json()[0]["download_url"].split("/", 3)[3]
    response = web_as(studio, rich_client.owner).get(path)
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = set(archive.namelist())
    assert {"tables/core_user.csv", "tables/payments_invoice.csv", "tables.json"} <= names
    assert "tables/django_session.csv" not in names
    users = archive.read("tables/core_user.csv").decode()
    assert rich_client.person.email in users
    assert "password" not in users.splitlines()[0]
    assert f"media/{rich_client.photo_name}" in names
    # and only the owner may ask
    assert api_client(rich_client.trainer).post("/api/v1/studio/data-exports").status_code == 403
    with schema_context(studio.schema_name):
        assert AuditEvent.objects.filter(action="data_export.request", actor_id=rich_client.owner.pk).exists()
    assert rich_client.owner.role == Role.OWNER


def test_your_data_is_a_clients_page(studio, signed_in):
    client_web, _person = signed_in(Role.CLIENT)
    assert "/me/data/" in client_web.get("/me/preferences/").content.decode()
    assert client_web.get("/me/data/").status_code == 200
    trainer_web, _trainer = signed_in(Role.TRAINER)
    assert "/me/data/" not in trainer_web.get("/me/preferences/").content.decode()
    assert trainer_web.get("/me/data/").status_code == 404
