"""The signed-in landing page of a studio's portal."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import host_of
from tests.factories.core import ClientFactory, ManagerFactory

pytestmark = pytest.mark.django_db


def test_strangers_are_sent_to_sign_in(studio_client):
    response = studio_client.get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/dashboard/"


def test_a_client_sees_their_name_and_role_and_no_staff_links(studio, tenant):
    client = Client(HTTP_HOST=host_of(studio))
    client.force_login(ClientFactory(first_name="Chloe", last_name="Client"))
    page = client.get("/dashboard/").content.decode()
    assert "Hello, Chloe" in page
    assert "Chloe Client · Client at Alpha Strength" in page
    assert 'href="/people/"' not in page


def test_a_manager_sees_links_to_people_and_invitations(studio, tenant):
    client = Client(HTTP_HOST=host_of(studio))
    client.force_login(ManagerFactory())
    page = client.get("/dashboard/").content.decode()
    assert 'href="/people/"' in page
    assert 'href="/people/#invite"' in page
