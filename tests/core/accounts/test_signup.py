"""Client self sign-up on a studio portal, where the studio allows it; email verification."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import SESSION_KEY
from django.db import connection
from django_tenants.utils import schema_context

from core.models import Role, User
from tenants.models import Studio
from tests.conftest import host_of
from tests.helpers import link_to

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Squat-deep-2026"
FORM = {
    "first_name": "Sam",
    "last_name": "Lifter",
    "email": "sam@example.test",
    "password1": NEW_PASSWORD,
    "password2": NEW_PASSWORD,
}


@pytest.fixture
def open_studio(studio: Studio) -> Studio:
    Studio.objects.filter(pk=studio.pk).update(allow_client_signup=True)
    studio.refresh_from_db()
    return studio


def test_where_allowed_a_sign_up_makes_a_client_and_sends_a_verification_link(open_studio, studio_client, mailoutbox):
    response = studio_client.post("/accounts/signup/", {**FORM, "role": "owner"})
    assert response.status_code == 302
    with schema_context(open_studio.schema_name):
        user = User.objects.get(email="sam@example.test")
        assert user.role == Role.CLIENT  # a posted role is ignored
        assert (user.first_name, user.last_name) == ("Sam", "Lifter")
        assert not EmailAddress.objects.get(user=user).verified
    (message,) = mailoutbox
    assert message.to == ["sam@example.test"]
    assert open_studio.name in message.subject
    host, _ = link_to(message, "/accounts/confirm-email/")
    assert host == host_of(open_studio)
    html = message.alternatives[0][0]
    assert open_studio.primary_color in html
    assert open_studio.name in html


def test_following_the_verification_link_verifies_the_address(open_studio, studio_client, mailoutbox):
    studio_client.post("/accounts/signup/", FORM)
    _, path = link_to(mailoutbox[0], "/accounts/confirm-email/")
    assert studio_client.get(path).status_code == 200  # the confirm page (a POST confirms)
    assert studio_client.post(path).status_code == 302
    with schema_context(open_studio.schema_name):
        assert EmailAddress.objects.get(email="sam@example.test").verified


def test_a_verification_link_from_one_studio_verifies_nothing_at_another(
    open_studio, other_studio, other_studio_client, studio_client, mailoutbox
):
    # given the same address signed up at both studios (its rows with the same id in each schema),
    # and the link from the first
    Studio.objects.filter(pk=other_studio.pk).update(allow_client_signup=True)
    for schema in (open_studio.schema_name, other_studio.schema_name):
        with schema_context(schema), connection.cursor() as cursor:
            cursor.execute("SELECT setval(pg_get_serial_sequence('account_emailaddress', 'id'), 5000)")
    studio_client.post("/accounts/signup/", FORM)
    other_studio_client.post("/accounts/signup/", FORM)
    _, path = link_to(mailoutbox[0], "/accounts/confirm-email/")
    # when it is used at the other studio
    response = other_studio_client.post(path)
    # then nothing there is verified
    assert response.status_code == 404
    with schema_context(other_studio.schema_name):
        address = EmailAddress.objects.get(email="sam@example.test")
        assert address.pk == 5001  # the same id as at the first studio
        assert not address.verified


def test_where_not_allowed_the_page_says_so_and_a_post_is_refused(studio, studio_client, mailoutbox):
    page = studio_client.get("/accounts/signup/")
    assert page.status_code == 200
    assert "does not take sign-ups online" in page.content.decode()
    response = studio_client.post("/accounts/signup/", FORM)
    assert response.status_code == 403
    with schema_context(studio.schema_name):
        assert not User.objects.filter(email="sam@example.test").exists()
    assert SESSION_KEY not in studio_client.session
    assert mailoutbox == []


def test_the_public_host_has_no_self_sign_up(public_client):
    assert public_client.post("/accounts/signup/", FORM).status_code == 403
    assert not User.objects.filter(email="sam@example.test").exists()


def test_sign_in_page_offers_sign_up_only_where_allowed(studio, studio_client):
    assert "Create a client account" not in studio_client.get("/accounts/login/").content.decode()
    Studio.objects.filter(pk=studio.pk).update(allow_client_signup=True)
    assert "Create a client account" in studio_client.get("/accounts/login/").content.decode()
