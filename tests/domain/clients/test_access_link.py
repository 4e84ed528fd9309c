"""A client added by staff gets in through an emailed, one-time sign-in link."""

from __future__ import annotations

import pytest

from core.models import AuditEvent
from tests.domain.api_helpers import send
from tests.helpers import link_to

pytestmark = pytest.mark.django_db


def test_a_trainer_emails_their_client_a_link_that_sets_a_password(
    api_client, trainer, client_user, studio_client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        status, _body = send(api_client(trainer), "post", f"/api/v1/clients/{client_user.pk}/access-link")
    assert status == 202
    assert AuditEvent.objects.filter(action="client.send_access_link", target_id=str(client_user.pk)).exists()
    host, path = link_to(mailoutbox[-1], "/accounts/password/reset/key/")
    assert mailoutbox[-1].to == [client_user.email]
    assert host == "alpha.localhost"
    # the client follows it and chooses a password
    form = studio_client.get(path, follow=True)
    assert form.status_code == 200
    done = studio_client.post(
        form.redirect_chain[-1][0] if form.redirect_chain else path,
        {"password1": "Fresh-start-2026", "password2": "Fresh-start-2026"},
    )
    assert done.status_code == 302
    client_user.refresh_from_db()
    assert client_user.check_password("Fresh-start-2026")


def test_no_link_for_a_client_outside_the_trainers_scope_or_from_a_client(
    api_client, other_trainer, client_user, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        status, _body = send(api_client(other_trainer), "post", f"/api/v1/clients/{client_user.pk}/access-link")
        client_status, _ = send(api_client(client_user), "post", f"/api/v1/clients/{client_user.pk}/access-link")
    assert status == 404
    assert client_status == 403
    assert mailoutbox == []


def test_the_portal_button_sends_the_link(trainer, client_user, studio, mailoutbox, django_capture_on_commit_callbacks):
    from django.test import Client

    from tests.conftest import host_of

    browser = Client(HTTP_HOST=host_of(studio))
    browser.force_login(trainer)
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(f"/clients/{client_user.pk}/access-link/", follow=True)
    assert response.status_code == 200
    assert "sign-in link is on its way" in response.content.decode()
    assert mailoutbox[-1].to == [client_user.email]
