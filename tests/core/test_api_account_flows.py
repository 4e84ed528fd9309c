"""/api/v1/auth/register, forgot-password and reset-password: the app's side of the account flows."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from django_tenants.utils import schema_context

from core.models import AuditEvent, RefreshToken, Role, User
from tenants.models import Studio
from tests.factories.core import DEFAULT_PASSWORD, ClientFactory
from tests.helpers import link_to

pytestmark = pytest.mark.django_db

SIGNUP = {"email": "Sam@Example.test", "password": "Squat-deep-2026", "first_name": "Sam", "last_name": "Lifter"}


def post(client, path, body):
    return client.post(f"/api/v1/auth/{path}", body, content_type="application/json")


@pytest.fixture
def open_studio(studio: Studio) -> Studio:
    Studio.objects.filter(pk=studio.pk).update(allow_client_signup=True)
    return studio


def test_register_creates_a_client_returns_tokens_and_mails_a_verification_link(
    open_studio, studio_client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(studio_client, "register", SIGNUP)
    assert response.status_code == 201
    body = response.json()
    assert body["user"]["role"] == "client"
    assert body["user"]["email"] == "sam@example.test"
    assert studio_client.get("/api/v1/auth/me", HTTP_AUTHORIZATION=f"Bearer {body['access']}").status_code == 200
    with schema_context(open_studio.schema_name):
        user = User.objects.get(email="sam@example.test")
        assert user.role == Role.CLIENT
        assert EmailAddress.objects.get(user=user).verified is False
        assert AuditEvent.objects.filter(action="account.register", actor=user).exists()
    host, _path = link_to(mailoutbox[-1], "/accounts/confirm-email/")
    assert host == "alpha.localhost"


def test_register_is_refused_where_the_studio_does_not_take_sign_ups(studio, studio_client, mailoutbox):
    response = post(studio_client, "register", SIGNUP)
    assert response.status_code == 403
    assert response.json()["code"] == "signup_closed"
    with schema_context(studio.schema_name):
        assert not User.objects.filter(email="sam@example.test").exists()
    assert mailoutbox == []


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"password": "123"}, "password_invalid"),
        ({"email": "nope"}, "email_invalid"),
        ({"email": "owner@alpha.test"}, "email_taken"),  # 409: a conflict, as when a parallel sign-up wins
    ],
)
def test_register_with_bad_input_is_4xx_and_writes_nothing(open_studio, studio_client, change, code):
    with schema_context(open_studio.schema_name):
        before = User.objects.count()
    response = post(studio_client, "register", {**SIGNUP, **change})
    assert response.status_code == (409 if code == "email_taken" else 400)
    assert response.json()["code"] == code
    with schema_context(open_studio.schema_name):
        assert User.objects.count() == before
        assert not EmailAddress.objects.filter(email="sam@example.test").exists()


def test_forgot_then_reset_password_through_the_api(studio_client, tenant, mailoutbox):
    person = ClientFactory(email="chloe@alpha.test")
    RefreshToken.objects.all().delete()
    login = post(studio_client, "login", {"email": "chloe@alpha.test", "password": DEFAULT_PASSWORD}).json()
    # when she asks for a reset
    asked = post(studio_client, "forgot-password", {"email": "chloe@alpha.test"})
    assert asked.status_code == 202
    _host, path = link_to(mailoutbox[-1], "/accounts/password/reset/key/")
    key = urlsplit(path).path.rstrip("/").rsplit("/", 1)[-1]
    # and sets a new password with the key from the link
    reset = post(studio_client, "reset-password", {"key": key, "password": "Brand-new-2026"})
    assert reset.status_code == 200
    person.refresh_from_db()
    assert person.check_password("Brand-new-2026")
    # then her old API sessions are over, and the key works only once
    assert post(studio_client, "refresh", {"refresh": login["refresh"]}).status_code == 401
    again = post(studio_client, "reset-password", {"key": key, "password": "Another-one-2026"})
    assert again.status_code == 400
    assert again.json()["code"] == "reset_key_invalid"


def test_forgot_password_for_an_unknown_address_answers_the_same(studio_client):
    response = post(studio_client, "forgot-password", {"email": "nobody@alpha.test"})
    assert response.status_code == 202


@pytest.mark.parametrize("key", ["", "garbage", "1-abc", "zzzzzz-123-456"])
def test_reset_with_a_bad_key_is_400_and_changes_nothing(studio_client, tenant, key):
    person = ClientFactory()
    response = post(studio_client, "reset-password", {"key": key, "password": "Brand-new-2026"})
    assert response.status_code == 400
    person.refresh_from_db()
    assert person.check_password(DEFAULT_PASSWORD)


def test_reset_with_a_weak_password_is_refused(studio_client, tenant, mailoutbox):
    person = ClientFactory(email="weak@alpha.test")
    post(studio_client, "forgot-password", {"email": "weak@alpha.test"})
    _host, path = link_to(mailoutbox[-1], "/accounts/password/reset/key/")
    key = path.rstrip("/").rsplit("/", 1)[-1]
    response = post(studio_client, "reset-password", {"key": key, "password": "123"})
    assert response.status_code == 400
    assert response.json()["code"] == "password_invalid"
    person.refresh_from_db()
    assert person.check_password(DEFAULT_PASSWORD)
