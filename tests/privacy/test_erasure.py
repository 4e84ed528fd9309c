"""Erasure: the owner erases a client (their name typed, then confirmed); afterwards nothing in any table or
any media key of the studio names them, financial records remain de-identified, and they cannot sign in.

The scan is generic (information_schema: every text and JSON column of the studio's schema; every key under
its media prefix), so an app added later is covered without touching this test.
"""

from __future__ import annotations

import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.test import Client

from billing.payments.models import Invoice, Payment
from core.models import AuditEvent, User
from core.privacy import all_stored_files
from domain.messaging.models import Thread
from domain.privacy.scrub import text_columns
from tests.conftest import host_of
from tests.factories.core import DEFAULT_PASSWORD
from tests.privacy.conftest import EMAIL, NAME, PHONE

pytestmark = pytest.mark.django_db


def mentions(phrases: list[str]) -> list[tuple[str, str]]:
    """(table, column) of every text/JSON value in the studio's schema containing one of the phrases."""
    found = []
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table, column, data_type, _length in text_columns():
            value = f"{qn(column)}::text" if data_type in ("json", "jsonb") else qn(column)
            for phrase in phrases:
                cursor.execute(
                    f"SELECT count(*) FROM {qn(table)} WHERE strpos(lower({value}), lower(%s)) > 0", [phrase]
                )
                if cursor.fetchone()[0]:
                    found.append((table, column))
    return found


def media_keys() -> list[str]:
    return all_stored_files()


PHRASES = [f"{NAME[0]} {NAME[1]}", NAME[1], EMAIL, PHONE]


def named_in_media() -> list[str]:
    """Media keys naming the client: their full name, email or phone, separators aside (any case)."""

    def squash(text: str) -> str:
        return re.sub(r"[^0-9a-z]", "", text.lower())

    wanted = [squash(p) for p in (f"{NAME[0]} {NAME[1]}", EMAIL, PHONE)]
    return [key for key in media_keys() if any(w in squash(key) for w in wanted)]


def test_after_erasure_nothing_in_the_studio_names_the_client(
    studio, rich_client, api_client, django_capture_on_commit_callbacks
):
    person = rich_client.person
    # given the client is named across the studio's tables and media (the scan finds them first)
    assert len(mentions(PHRASES)) >= 6
    default_storage.save(f"imports/{NAME[0]}-{NAME[1]}-contract.pdf", ContentFile(b"%PDF"))
    assert named_in_media()
    invoice = Invoice.objects.get(client=person)
    paid = invoice.amount_paid
    # when the owner erases them, typing their name to confirm
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client(rich_client.owner).post(
            f"/api/v1/clients/{person.pk}/erase",
            {"confirm_name": f"{NAME[0]} {NAME[1]}"},
            content_type="application/json",
        )
    assert response.status_code == 200, response.content
    # then no text or JSON column of any table of the studio mentions their name, email or phone
    assert mentions(PHRASES) == []
    # and no media key names them, and their photo and video files are gone
    assert not named_in_media()
    assert not default_storage.exists(rich_client.photo_name)
    assert not any(default_storage.exists(name) for name in rich_client.video_files)
    # and the financial records stay, de-identified
    invoice.refresh_from_db()
    assert (invoice.number, invoice.amount_paid) == (rich_client.invoice_number, paid)
    assert invoice.buyer["email"] == ""
    assert Payment.objects.filter(invoice=invoice).exists()
    # and their direct thread is gone, while the group thread stays for the others
    assert not Thread.objects.filter(kind=Thread.Kind.DIRECT, participants__user=rich_client.trainer).exists()
    assert Thread.objects.filter(kind=Thread.Kind.GROUP).exists()
    # and the erasure is audited, by the owner
    assert AuditEvent.objects.filter(action="client.erase", actor_id=rich_client.owner.pk).count() == 1
    # and the person can never sign in again, with their old password or a token
    erased = User.objects.get(pk=person.pk)
    assert not erased.is_active
    assert not erased.has_usable_password()
    login = Client(HTTP_HOST=host_of(studio)).post(
        "/api/v1/auth/login", {"email": EMAIL, "password": DEFAULT_PASSWORD}, content_type="application/json"
    )
    assert login.status_code in (400, 401)
    assert api_client(erased).get("/api/v1/me/preferences").status_code in (401, 403)


def test_erasure_is_refused_without_the_exact_name_and_changes_nothing(studio, rich_client, api_client):
    person = rich_client.person
    response = api_client(rich_client.owner).post(
        f"/api/v1/clients/{person.pk}/erase", {"confirm_name": NAME[0]}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "erase_confirmation"
    person.refresh_from_db()
    assert person.email == EMAIL
    assert person.is_active
    assert default_storage.exists(rich_client.photo_name)


def test_only_the_owner_erases(studio, rich_client, api_client, signed_in):
    url = f"/api/v1/clients/{rich_client.person.pk}/erase"
    body = {"confirm_name": f"{NAME[0]} {NAME[1]}"}
    assert api_client(rich_client.trainer).post(url, body, content_type="application/json").status_code == 403
    assert api_client(rich_client.person).post(url, body, content_type="application/json").status_code == 403
    rich_client.person.refresh_from_db()
    assert rich_client.person.email == EMAIL


def test_the_owner_erases_on_the_client_page_after_typing_the_name_and_confirming(studio, rich_client):
    web = Client(HTTP_HOST=host_of(studio))
    web.force_login(rich_client.owner)
    page = web.get(f"/clients/{rich_client.person.pk}/privacy/")
    assert page.status_code == 200
    assert "Erase for good" in page.content.decode()
    # without ticking "I understand", nothing happens
    name = f"{NAME[0]} {NAME[1]}"
    refused = web.post(f"/clients/{rich_client.person.pk}/privacy/", {"action": "erase", "confirm_name": name})
    assert refused.status_code == 400
    rich_client.person.refresh_from_db()
    assert rich_client.person.email == EMAIL
    # with the name typed and the box ticked, the client is erased
    done = web.post(
        f"/clients/{rich_client.person.pk}/privacy/",
        {"action": "erase", "confirm_name": name, "understood": "on"},
    )
    assert done.status_code == 302
    rich_client.person.refresh_from_db()
    assert rich_client.person.email.endswith("@erased.invalid")
