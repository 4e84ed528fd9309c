"""The owner's studio settings: one page and one API, every change audited, the currency fixed once money exists."""

from __future__ import annotations

import pytest
from django.core import mail
from django_tenants.utils import schema_context

from core.emails import branded_email
from core.models import AuditEvent, Role
from tenants.models import Studio
from tests.factories.payments import PackFactory

pytestmark = pytest.mark.django_db

FORM = {
    "name": "Alpha Strength Club",
    "contact_email": "hello@alpha.example",
    "contact_phone": "+44 20 7946 0000",
    "website": "https://alpha.example",
    "address": "1 Iron Lane, London",
    "timezone": "Europe/London",
    "currency": "GBP",
    "locale": "de",
    "allow_client_signup": "on",
    "email_sender_name": "Coach Alpha",
    "email_reply_to": "coaches@alpha.example",
}


def _invitation_email(studio):
    return branded_email(
        template_prefix="emails/invitation",
        to=["someone@example.test"],
        context={"invitation": None, "accept_url": "https://x/y", "role": "client", "inviter": "Olga"},
        studio=studio,
        base_url="https://alpha.localhost",
    )


def test_owner_changes_the_settings_on_one_page_and_each_change_is_audited(studio, signed_in):
    # given the owner on the settings page
    client, owner = signed_in(Role.OWNER)
    page = client.get("/settings/")
    assert page.status_code == 200
    assert "/settings/branding/" in page.content.decode()  # branding and billing details are linked, not copied
    assert "/settings/billing/" in page.content.decode()
    # when they save new settings
    response = client.post("/settings/", FORM)
    # then the studio has them, and one audit row lists each change with its old and new value
    assert response.status_code == 302
    studio.refresh_from_db()
    assert (studio.name, studio.timezone, studio.currency, studio.locale) == (
        "Alpha Strength Club",
        "Europe/London",
        "GBP",
        "de",
    )
    assert studio.allow_client_signup is True
    with schema_context(studio.schema_name):
        event = AuditEvent.objects.get(action="studio.update_settings")
    assert event.actor_id == owner.pk
    assert event.metadata["changes"]["locale"] == ["en", "de"]
    assert event.metadata["changes"]["email_reply_to"] == ["", "coaches@alpha.example"]


def test_studio_emails_are_signed_with_the_sender_name_and_answer_to_the_reply_to(studio):
    # given a studio with a sender name and a reply-to address
    Studio.objects.filter(pk=studio.pk).update(email_sender_name="Coach Alpha", email_reply_to="desk@alpha.example")
    studio.refresh_from_db()
    # when it sends an email
    message = _invitation_email(studio)
    # then the studio signs it from the platform's address, and replies reach the studio
    assert message.from_email.startswith("Coach Alpha <")
    assert message.reply_to == ["desk@alpha.example"]
    mail.outbox.clear()


def test_bad_settings_change_nothing_and_say_which_field(studio, api_client, studio_owner):
    response = api_client(studio_owner).patch(
        "/api/v1/studio/settings",
        {"timezone": "Mars/Olympus", "contact_email": "not-an-address", "name": "Renamed"},
        content_type="application/json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "studio_invalid"
    studio.refresh_from_db()
    assert studio.name == "Alpha Strength"
    assert studio.timezone != "Mars/Olympus"


def test_only_the_owner_reads_or_changes_the_settings(studio, api_client, signed_in):
    client, manager = signed_in(Role.MANAGER)
    assert client.get("/settings/").status_code == 403
    assert api_client(manager).get("/api/v1/studio/settings").status_code == 403
    response = api_client(manager).patch(
        "/api/v1/studio/settings", {"name": "Taken over"}, content_type="application/json"
    )
    assert response.status_code == 403
    studio.refresh_from_db()
    assert studio.name == "Alpha Strength"


def test_currency_is_fixed_once_the_studio_has_priced_something(studio, api_client, studio_owner):
    owner_api = api_client(studio_owner)
    # given a studio without prices: the currency may change
    response = owner_api.patch("/api/v1/studio/settings", {"currency": "eur"}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["currency"] == "EUR"
    assert response.json()["currency_locked"] is False
    # when the studio puts a package on sale
    with schema_context(studio.schema_name):
        PackFactory(currency="EUR")
    # then the currency is locked, and a change is refused with the reason
    response = owner_api.patch("/api/v1/studio/settings", {"currency": "USD"}, content_type="application/json")
    assert response.status_code == 409
    assert response.json()["code"] == "studio_currency_locked"
    studio.refresh_from_db()
    assert studio.currency == "EUR"
    assert owner_api.get("/api/v1/studio/settings").json()["currency_locked"] is True


def test_names_with_line_breaks_make_one_line_headers_not_a_refused_email(studio, tenant):
    from domain.notifications.channels import EmailChannel, Message
    from tests.factories.core import ClientFactory

    # given a studio name and sender name, and a client's name, that someone typed with line breaks
    Studio.objects.filter(pk=studio.pk).update(name="Alpha\r\nStrength", email_sender_name="Coach\nBcc: x@evil.test")
    studio.refresh_from_db()
    # when the studio sends a branded email and a notification email names the client in its subject
    branded = _invitation_email(studio)
    branded.send()
    EmailChannel().send(
        Message(
            recipient=ClientFactory(), subject="New message from Eve\nBcc: x@evil.test", text="hi", idempotency_key="k"
        )
    )
    # then both leave, each header on one line and no header added
    first, second = mail.outbox[-2:]
    assert first.from_email.startswith('"Coach Bcc: x@evil.test" <')
    assert first.subject.startswith("[Alpha Strength] ")
    assert second.subject == "New message from Eve Bcc: x@evil.test"
    assert first.message()["Bcc"] is None
    assert second.message()["Bcc"] is None
    mail.outbox.clear()


def test_a_name_or_sender_name_with_a_line_break_is_refused_by_field(studio, api_client, studio_owner):
    response = api_client(studio_owner).patch(
        "/api/v1/studio/settings",
        {"name": "Alpha\nStrength", "email_sender_name": "Coach\r\nBcc: x@evil.test"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "studio_invalid"
    assert set(response.json()["fields"]) == {"name", "email_sender_name"}
    studio.refresh_from_db()
    assert (studio.name, studio.email_sender_name) == ("Alpha Strength", "")
