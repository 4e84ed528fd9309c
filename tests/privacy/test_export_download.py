"""Downloading a data export: from the emailed link (signed in), or by an app with its bearer token (the
API's `download_url`); anyone else's token a 404, an expired link a 410 page that says so."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from core.models import AuditEvent
from core.tokens import access_token_issue
from domain.privacy.models import DataExport
from domain.privacy.services import export_token
from tests.conftest import host_of
from tests.factories.core import ClientFactory, OwnerFactory, TrainerFactory

pytestmark = pytest.mark.django_db

ARCHIVE = b"PK\x05\x06" + b"\x00" * 18  # an empty zip


@pytest.fixture
def export(tenant, media_root) -> DataExport:
    """A client's export, ready for seven days."""
    person = ClientFactory()
    now = timezone.now()
    return DataExport.objects.create(
        kind=DataExport.Kind.CLIENT,
        client=person,
        requested_by=person,
        status=DataExport.Status.READY,
        storage_name=default_storage.save("privacy/exports/test.zip", ContentFile(ARCHIVE)),
        size_bytes=len(ARCHIVE),
        ready_at=now,
        expires_at=now + timedelta(days=7),
    )


def link(export: DataExport) -> str:
    return f"/privacy/exports/{export_token(export)}/"


def downloaded(response) -> bytes:
    assert response.status_code == 200, response.content
    assert response["Content-Disposition"].startswith("attachment;")
    return b"".join(response.streaming_content)


def test_an_app_downloads_with_its_bearer_token_from_the_apis_download_url(export, api_client):
    app = api_client(export.client)
    # given the export as the API lists it
    (listed,) = app.get("/api/v1/me/data-exports").json()
    path = "/" + listed["download_url"].split("/", 3)[3]
    # when the app fetches it with its token (no session)
    response = app.get(path)
    # then it gets the archive, and the download is audited
    assert downloaded(response) == ARCHIVE
    assert AuditEvent.objects.filter(action="data_export.download", actor_id=export.client.pk).count() == 1


def test_the_emailed_link_signs_in_first_then_downloads(export, studio):
    browser = Client(HTTP_HOST=host_of(studio))
    # when the link from the email is opened without a session
    response = browser.get(link(export))
    # then it asks to sign in and comes back to the link
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/privacy/exports/")
    # and once signed in, the same link downloads
    browser.force_login(export.client)
    assert downloaded(browser.get(link(export))) == ARCHIVE


@pytest.mark.parametrize("who", [ClientFactory, TrainerFactory])
def test_another_persons_token_gets_404(export, api_client, who):
    response = api_client(who()).get(link(export))
    assert response.status_code == 404
    assert b"This download link is not valid or has expired." in response.content
    assert not AuditEvent.objects.filter(action="data_export.download").exists()


def test_a_token_from_another_studio_gets_404(export, studio, other_studio):
    with schema_context(other_studio.schema_name):
        token = access_token_issue(OwnerFactory())
    app = Client(HTTP_HOST=host_of(studio), HTTP_AUTHORIZATION=f"Bearer {token}")
    assert app.get(link(export)).status_code == 404
    assert not AuditEvent.objects.filter(action="data_export.download").exists()


def test_an_expired_access_token_is_a_401_the_app_can_refresh_on(export, api_client, clock):
    app = api_client(export.client)
    clock.shift(timedelta(hours=1))
    response = app.get(link(export))
    assert response.status_code == 401
    assert response.json()["code"] == "token_expired"
    assert response["WWW-Authenticate"].startswith("Bearer ")


def test_an_expired_link_is_a_410_page_saying_so_to_its_owner_only(export, api_client, clock):
    path = link(export)
    # when the export's seven days are over
    clock.shift(timedelta(days=8))
    # then its owner is told it expired (410), with a page that says what to do
    response = api_client(export.client).get(path)
    assert response.status_code == 410
    assert b"This download link has expired" in response.content
    assert b"Ask for a new export." in response.content
    # and anyone else still sees only a 404
    assert api_client(ClientFactory()).get(path).status_code == 404


def test_the_archive_is_named_by_the_studios_date_not_utcs(export, api_client, clock, studio):
    # given an export that became ready at 23:30 UTC on 10 June: already 11 June in London (BST)
    clock.move_to("2026-06-10T23:30:00+00:00")
    export.ready_at = timezone.now()
    export.save(update_fields=["ready_at"])
    assert studio.timezone == "Europe/London"
    # when it is downloaded
    response = api_client(export.client).get(link(export))
    # then the file is named by the studio's date
    assert response.status_code == 200
    assert f'filename="{studio.slug}-client-data-2026-06-11.zip"' in response["Content-Disposition"]
