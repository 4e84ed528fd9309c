"""Spanish and German as people meet them: a portal page, an email and an API error, each in the language
chosen (the person's, the studio's, Accept-Language), with dates and money written the way it writes them."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import formats, timezone, translation

from billing.payments.documents import invoice_html, invoice_send
from billing.payments.models import Invoice
from core.models import Invitation, Role
from core.preferences import preferences_update
from core.studio_time import local_date_pattern, studio_zone
from tests.conftest import host_of
from tests.factories.core import OwnerFactory
from tests.factories.payments import PackFactory
from tests.helpers import link_to

pytestmark = pytest.mark.django_db

# What each language must show: a heading, 1234.56 (a non-breaking space groups thousands in Spanish).
WALLET = {"es": ("Facturas", "1\xa0234,56"), "de": ("Rechnungen", "1.234,56")}
INVITATION = {
    "es": ("Te invitan a unirte a", "Olivia Owner te ha invitado a unirte a", "El enlace funciona una vez"),
    "de": ("Du bist eingeladen,", "Olivia Owner hat dich eingeladen,", "Der Link funktioniert einmal"),
}
NOT_FOUND = {"es": "Cliente no encontrado.", "de": "Kunde nicht gefunden."}


def _local_date(moment, pattern: str, lang: str) -> str:
    with translation.override(lang):
        return formats.date_format(timezone.localtime(moment, studio_zone()), local_date_pattern(pattern))


@pytest.mark.parametrize("lang", ["es", "de"])
def test_the_wallet_speaks_the_clients_language_with_its_dates_and_money(signed_in, tenant, lang):
    pack = PackFactory(currency=tenant.currency, name="Ten classes", price_amount=123456)
    browser, client = signed_in(Role.CLIENT)
    preferences_update(actor=client, language=lang, timezone="", week_start=0, units="metric")
    browser.post(f"/shop/buy/{pack.pk}/")
    page = browser.get("/wallet/")
    html = page.content.decode()
    heading, amount = WALLET[lang]
    invoice = Invoice.objects.get(client=client)
    assert page["Content-Language"] == lang
    assert f"<h2>{heading}</h2>" in html
    assert f"{amount} {tenant.currency}" in html
    issued = _local_date(invoice.issued_at, "j M Y", lang)
    assert f"<td>{issued}</td>" in html  # de "4. Dez 2026", es "4 Dic 2026"


@pytest.mark.parametrize("lang", ["es", "de"])
def test_an_invitation_email_speaks_the_studios_language(
    studio, tenant, lang, django_capture_on_commit_callbacks, mailoutbox, monkeypatch
):
    monkeypatch.setattr(studio, "locale", lang)
    studio.save(update_fields=["locale"])
    owner = Client(HTTP_HOST=host_of(studio))
    owner.force_login(OwnerFactory(first_name="Olivia", last_name="Owner"))
    with django_capture_on_commit_callbacks(execute=True):
        response = owner.post("/people/", {"email": "tess@example.test", "role": "trainer", "first_name": "Tess"})
    assert response.status_code == 302
    (message,) = mailoutbox
    subject, invited, link = INVITATION[lang]
    assert subject in message.subject
    assert invited in message.body
    assert link in message.body
    assert link_to(message, "/invitations/")[0] == host_of(studio)
    expires = _local_date(Invitation.objects.get().expires_at, "l j F Y, H:i T", lang)
    assert expires in message.body  # e.g. "Montag, 7. Dezember 2026, 09:00 GMT"
    assert "The link works once" not in message.body


@pytest.mark.parametrize("lang", ["es", "de"])
def test_the_api_answers_errors_in_the_accept_language(api_client, studio_owner, lang):
    response = api_client(studio_owner).get("/api/v1/clients/999999", HTTP_ACCEPT_LANGUAGE=f"{lang};q=0.9,en;q=0.5")
    assert response.status_code == 404
    assert response.json()["detail"] == NOT_FOUND[lang]
    assert response["Content-Language"] == lang


def test_an_invoice_email_and_its_pdf_speak_the_clients_own_language(signed_in, tenant, mailoutbox):
    pack = PackFactory(currency=tenant.currency, name="Ten classes", price_amount=123456)
    browser, client = signed_in(Role.CLIENT)
    preferences_update(actor=client, language="de", timezone="", week_start=0, units="metric")
    browser.post(f"/shop/buy/{pack.pk}/")
    invoice = Invoice.objects.get(client=client)
    assert invoice_send(invoice_id=invoice.pk, kind="invoice")
    message = mailoutbox[-1]
    assert tenant.locale != "de"  # the studio speaks English; the client chose German
    assert message.subject.endswith(f"Rechnung {invoice.number}")
    assert f"1.234,56 {tenant.currency}" in message.body
    assert "is attached" not in message.body
    (name, _pdf, mimetype) = message.attachments[0]
    assert (name, mimetype) == (f"{invoice.number}.pdf", "application/pdf")
    with translation.override("de"):  # what the PDF is printed from, in the language the email was sent in
        html = invoice_html(invoice)
    assert "Rechnung an" in html
    assert f"1.234,56 {tenant.currency}" in html
