"""Invitations through HTTP: an owner or manager invites, the invitee follows the emailed link."""

from __future__ import annotations

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import SESSION_KEY
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.models import AuditEvent, Invitation, Role, User
from tests.conftest import host_of
from tests.factories.core import (
    ClientFactory,
    InvitationFactory,
    ManagerFactory,
    OwnerFactory,
    TrainerFactory,
)
from tests.helpers import link_to

pytestmark = pytest.mark.django_db

PASSWORD = "Kettlebell-swing-2026"
ACCEPT = {"first_name": "Tess", "last_name": "Coach", "password": PASSWORD, "password_again": PASSWORD}


@pytest.fixture
def owner_client(tenant, studio) -> Client:
    client = Client(HTTP_HOST=host_of(studio))
    client.force_login(OwnerFactory(email="boss@alpha.test", first_name="Olivia", last_name="Owner"))
    return client


@pytest.fixture
def invite(owner_client, django_capture_on_commit_callbacks, mailoutbox):
    """`invite(email, role)` through the People page; returns the path of the emailed link."""

    def send(email: str = "tess@example.test", role: str = "trainer", client: Client | None = None) -> str:
        with django_capture_on_commit_callbacks(execute=True):
            response = (client or owner_client).post("/people/", {"email": email, "role": role, "first_name": "Tess"})
        assert response.status_code == 302, response.content.decode()
        return link_to(mailoutbox[-1], "/invitations/")[1]

    return send


def test_owner_invites_a_trainer_who_accepts_and_is_signed_in(studio, invite, mailoutbox):
    # given an invitation sent from the People page
    path = invite("Tess@Example.test", "trainer")
    (message,) = mailoutbox
    assert message.to == ["tess@example.test"]
    assert studio.name in message.subject
    assert link_to(message, "/invitations/")[0] == host_of(studio)
    assert "Olivia Owner has invited you" in message.body
    assert studio.primary_color in message.alternatives[0][0]
    # when the invitee opens the link and chooses a password
    invitee = Client(HTTP_HOST=host_of(studio))
    page = invitee.get(path)
    assert page.status_code == 200
    assert "tess@example.test" in page.content.decode()
    response = invitee.post(path, ACCEPT)
    # then they are a trainer here, signed in, their address verified, and the link is spent
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
    user = User.objects.get(email="tess@example.test")
    assert (user.role, user.first_name, user.last_name) == (Role.TRAINER, "Tess", "Coach")
    assert user.check_password(PASSWORD)
    assert EmailAddress.objects.get(user=user).verified
    assert invitee.session[SESSION_KEY] == str(user.pk)
    assert "Trainer" in invitee.get("/dashboard/").content.decode()
    invitation = Invitation.objects.get(email="tess@example.test")
    assert (invitation.status, invitation.user) == (Invitation.Status.ACCEPTED, user)
    assert set(AuditEvent.objects.values_list("action", flat=True)) >= {"invitation.send", "invitation.accept"}


def test_an_invitation_link_works_once(studio, invite):
    path = invite()
    Client(HTTP_HOST=host_of(studio)).post(path, ACCEPT)
    again = Client(HTTP_HOST=host_of(studio))
    page = again.get(path)
    assert page.status_code == 410
    assert "already been accepted" in page.content.decode()
    assert again.post(path, {**ACCEPT, "first_name": "Mallory"}).status_code == 410
    assert User.objects.filter(email="tess@example.test").count() == 1
    assert User.objects.get(email="tess@example.test").first_name == "Tess"


def test_an_expired_link_shows_a_clear_page_and_creates_nobody(studio, invite):
    path = invite()
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    invitee = Client(HTTP_HOST=host_of(studio))
    page = invitee.get(path)
    assert page.status_code == 410
    assert "Invitation expired" in page.content.decode()
    assert invitee.post(path, ACCEPT).status_code == 410
    assert not User.objects.filter(email="tess@example.test").exists()
    assert Invitation.objects.get().status == Invitation.Status.PENDING


def test_a_link_is_valid_for_seven_days(invite):
    invite()
    invitation = Invitation.objects.get()
    assert abs(invitation.expires_at - invitation.created_at - timedelta(days=7)) < timedelta(seconds=5)


def test_resending_replaces_the_link_and_the_old_one_stops_working(
    studio, owner_client, invite, mailoutbox, django_capture_on_commit_callbacks
):
    # given an invitation that is about to expire
    old_path = invite()
    invitation = Invitation.objects.get()
    Invitation.objects.update(expires_at=timezone.now() + timedelta(hours=1))
    # when the owner re-sends it
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(f"/people/invitations/{invitation.pk}/resend/")
    assert response.status_code == 302
    new_path = link_to(mailoutbox[-1], "/invitations/")[1]
    # then only the new link works, for a full period again
    assert new_path != old_path
    old = Client(HTTP_HOST=host_of(studio)).get(old_path)
    assert old.status_code == 404
    assert "not valid" in old.content.decode()
    assert Client(HTTP_HOST=host_of(studio)).get(new_path).status_code == 200
    invitation.refresh_from_db()
    assert invitation.sent_count == 2
    assert invitation.expires_at > timezone.now() + timedelta(days=6)


def test_a_withdrawn_invitation_shows_a_clear_page(studio, owner_client, invite):
    path = invite()
    invitation = Invitation.objects.get()
    assert owner_client.post(f"/people/invitations/{invitation.pk}/revoke/").status_code == 302
    page = Client(HTTP_HOST=host_of(studio)).get(path)
    assert page.status_code == 410
    assert "withdrawn" in page.content.decode()
    assert AuditEvent.objects.filter(action="invitation.revoke").count() == 1


def test_a_link_from_one_studio_is_not_valid_at_another(other_studio, invite):
    path = invite()
    assert Client(HTTP_HOST=host_of(other_studio)).get(path).status_code == 404


def test_a_weak_password_keeps_the_invitation_open(studio, invite):
    path = invite()
    response = Client(HTTP_HOST=host_of(studio)).post(path, {**ACCEPT, "password": "123", "password_again": "123"})
    assert response.status_code == 400
    assert "too short" in response.content.decode()
    assert not User.objects.filter(email="tess@example.test").exists()
    assert Invitation.objects.get().status == Invitation.Status.PENDING


def test_someone_with_an_account_cannot_be_invited(owner_client, mailoutbox, django_capture_on_commit_callbacks):
    ClientFactory(email="member@alpha.test")
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post("/people/", {"email": "member@alpha.test", "role": "client"})
    assert response.status_code == 400
    assert "already has an account" in response.content.decode()
    assert not Invitation.objects.exists()
    assert mailoutbox == []


def test_inviting_the_same_address_twice_is_refused(owner_client, invite, mailoutbox):
    invite()
    response = owner_client.post("/people/", {"email": "tess@example.test", "role": "client"})
    assert response.status_code == 400
    assert "already been invited" in response.content.decode()
    assert Invitation.objects.count() == 1
    assert len(mailoutbox) == 1


def test_a_manager_invites_trainers_and_clients(studio, invite):
    manager_client = Client(HTTP_HOST=host_of(studio))
    manager_client.force_login(ManagerFactory())
    invite("t@example.test", "trainer", client=manager_client)
    invite("c@example.test", "client", client=manager_client)
    assert sorted(Invitation.objects.values_list("role", flat=True)) == ["client", "trainer"]


def test_owners_cannot_be_invited(owner_client):
    response = owner_client.post("/people/", {"email": "x@example.test", "role": "owner"})
    assert response.status_code == 400
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("factory", [TrainerFactory, ClientFactory])
def test_trainers_and_clients_cannot_use_the_people_page(studio, tenant, factory):
    pending = InvitationFactory()
    client = Client(HTTP_HOST=host_of(studio))
    client.force_login(factory())
    assert client.get("/people/").status_code == 403
    assert client.post("/people/", {"email": "x@example.test", "role": "client"}).status_code == 403
    assert client.post(f"/people/invitations/{pending.pk}/revoke/").status_code == 403
    assert client.post(f"/people/invitations/{pending.pk}/resend/").status_code == 403
    assert list(Invitation.objects.values_list("email", "status", "sent_count")) == [
        (pending.email, Invitation.Status.PENDING, 1)
    ]


def test_strangers_are_sent_to_sign_in(studio_client):
    response = studio_client.get("/people/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/people/")


def test_someone_signed_in_is_asked_to_sign_out_before_accepting(owner_client, invite):
    path = invite()
    page = owner_client.get(path)
    assert "Sign out first" in page.content.decode()
    assert owner_client.post(path, ACCEPT).status_code == 200
    assert not User.objects.filter(email="tess@example.test").exists()


def test_the_people_page_costs_the_same_queries_however_many_rows(owner_client):
    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert owner_client.get("/people/").status_code == 200
        return len(context)

    InvitationFactory()
    ClientFactory()
    few = queries()
    InvitationFactory.create_batch(15)
    ClientFactory.create_batch(15)
    TrainerFactory.create_batch(5)
    assert queries() == few


def test_owner_opens_and_closes_client_sign_up(studio, owner_client):
    assert owner_client.post("/people/signup-policy/", {"allow_client_signup": "on"}).status_code == 302
    studio.refresh_from_db()
    assert studio.allow_client_signup
    assert owner_client.post("/people/signup-policy/", {}).status_code == 302
    studio.refresh_from_db()
    assert not studio.allow_client_signup
    changes = AuditEvent.objects.filter(action="studio.set_signup_policy").order_by("id")
    assert list(changes.values_list("metadata__allowed", flat=True)) == [True, False]


def test_a_manager_cannot_change_the_sign_up_policy(studio, tenant):
    manager_client = Client(HTTP_HOST=host_of(studio))
    manager_client.force_login(ManagerFactory())
    assert manager_client.post("/people/signup-policy/", {"allow_client_signup": "on"}).status_code == 403
    studio.refresh_from_db()
    assert not studio.allow_client_signup
