"""Account pages and emails carry the studio's name, logo and colours (absolute logo URL in emails)."""

from __future__ import annotations

import pytest

from tenants.models import Studio
from tests.factories.core import ClientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def branded(studio: Studio) -> Studio:
    Studio.objects.filter(pk=studio.pk).update(
        logo="branding/logo-1.png", primary_color="#112233", accent_color="#445566"
    )
    studio.refresh_from_db()
    return studio


def test_account_pages_show_the_studios_logo_and_colours(branded, studio_client):
    page = studio_client.get("/accounts/password/reset/").content.decode()
    assert "#112233" in page
    assert "#445566" in page
    assert branded.logo.url in page


def test_emails_show_the_logo_by_an_absolute_address_on_the_studio_host(branded, studio_client, tenant, mailoutbox):
    ClientFactory(email="client@alpha.test")
    studio_client.post("/accounts/password/reset/", {"email": "client@alpha.test"})
    html = mailoutbox[0].alternatives[0][0]
    assert f'src="http://alpha.localhost{branded.logo.url}"' in html
    assert "#112233" in html
    assert "#445566" in html
