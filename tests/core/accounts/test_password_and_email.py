"""Password reset (by the link in the real email), change of password, change of email address."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import SESSION_KEY
from django_tenants.utils import schema_context

from core.models import User
from tests.conftest import host_of
from tests.factories.core import DEFAULT_PASSWORD, ClientFactory, TrainerFactory
from tests.helpers import link_to, signin

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Deadlift-daily-2026"


def _reset_link(client, email: str, mailoutbox) -> tuple[str, str]:
    assert client.post("/accounts/password/reset/", {"email": email}).status_code == 302
    return link_to(mailoutbox[-1], "/accounts/password/reset/key/")


def test_password_reset_by_the_emailed_link(studio, studio_client, tenant, mailoutbox):
    # given a person who forgot their password
    ClientFactory(email="client@alpha.test")
    # when they ask for a reset and follow the link in the email
    host, path = _reset_link(studio_client, "client@alpha.test", mailoutbox)
    assert host == host_of(studio)
    assert studio.name in mailoutbox[-1].subject
    form_page = studio_client.get(path, follow=True)  # allauth swaps the key into the session
    assert form_page.status_code == 200
    response = studio_client.post(
        form_page.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    # then the new password works and the old one does not
    assert "not correct" in signin(studio_client, "client@alpha.test", DEFAULT_PASSWORD).content.decode()
    assert signin(studio_client, "client@alpha.test", NEW_PASSWORD).status_code == 302


def test_a_reset_link_works_once(studio_client, tenant, mailoutbox):
    ClientFactory(email="client@alpha.test")
    _, path = _reset_link(studio_client, "client@alpha.test", mailoutbox)
    page = studio_client.get(path, follow=True)
    studio_client.post(page.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    again = studio_client.get(path, follow=True)
    assert "invalid" in again.content.decode().lower()


def test_a_reset_link_from_one_studio_changes_nothing_at_another(
    studio, other_studio, studio_client, other_studio_client, mailoutbox
):
    # given the same person (same id, email and password) at both studios
    for schema in (studio.schema_name, other_studio.schema_name):
        with schema_context(schema):
            User.objects.filter(email="twin@example.test").delete()
            ClientFactory(id=990001, email="twin@example.test")
    _, path = _reset_link(studio_client, "twin@example.test", mailoutbox)
    # when studio A's link is used at studio B
    page = other_studio_client.get(path, follow=True)
    # then B offers no reset, and B's password is unchanged
    assert "invalid" in page.content.decode().lower()
    other_studio_client.post(path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    with schema_context(other_studio.schema_name):
        assert User.objects.get(email="twin@example.test").check_password(DEFAULT_PASSWORD)


def test_change_password_needs_the_current_one(studio_client, tenant):
    ClientFactory(email="client@alpha.test")
    signin(studio_client, "client@alpha.test", DEFAULT_PASSWORD)
    wrong = studio_client.post(
        "/accounts/password/change/", {"oldpassword": "nope", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert wrong.status_code == 200
    assert User.objects.get(email="client@alpha.test").check_password(DEFAULT_PASSWORD)
    ok = studio_client.post(
        "/accounts/password/change/",
        {"oldpassword": DEFAULT_PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert ok.status_code == 302
    assert SESSION_KEY in studio_client.session  # still signed in
    assert User.objects.get(email="client@alpha.test").check_password(NEW_PASSWORD)


def test_a_weak_new_password_is_refused(studio_client, tenant):
    ClientFactory(email="client@alpha.test")
    signin(studio_client, "client@alpha.test", DEFAULT_PASSWORD)
    response = studio_client.post(
        "/accounts/password/change/",
        {"oldpassword": DEFAULT_PASSWORD, "password1": "12345678", "password2": "12345678"},
    )
    assert response.status_code == 200
    assert "too common" in response.content.decode()
    assert User.objects.get(email="client@alpha.test").check_password(DEFAULT_PASSWORD)


def test_change_of_email_takes_effect_once_the_new_address_is_verified(studio, studio_client, tenant, mailoutbox):
    # given a signed-in trainer
    TrainerFactory(email="old@alpha.test")
    signin(studio_client, "old@alpha.test", DEFAULT_PASSWORD)
    # when they ask for a new address
    response = studio_client.post("/accounts/email/", {"action_add": "", "email": "new@alpha.test"})
    assert response.status_code == 302
    # then nothing changes until the link sent to the new address is followed
    assert User.objects.get(email="old@alpha.test")
    (message,) = [m for m in mailoutbox if m.to == ["new@alpha.test"]]
    host, path = link_to(message, "/accounts/confirm-email/")
    assert host == host_of(studio)
    studio_client.post(path)
    user = User.objects.get(email="new@alpha.test")
    assert not User.objects.filter(email="old@alpha.test").exists()
    assert list(EmailAddress.objects.filter(user=user).values_list("email", "verified", "primary")) == [
        ("new@alpha.test", True, True)
    ]
    assert signin(studio_client, "new@alpha.test", DEFAULT_PASSWORD).status_code == 302


def test_a_reset_for_an_unknown_address_says_so_without_offering_a_closed_sign_up(studio, studio_client, mailoutbox):
    assert studio_client.post("/accounts/password/reset/", {"email": "stranger@example.test"}).status_code == 302
    (message,) = mailoutbox
    assert "There is no such account" in message.body
    assert "/accounts/signup/" not in message.body
    assert f"ask {studio.name} to send you an invitation" in message.body
