"""Owners change roles, owners and managers deactivate people, owners export — all audited."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client

from core.models import AuditEvent, RefreshToken, Role, User
from core.tokens import token_pair_issue
from tests.conftest import host_of
from tests.factories.core import ClientFactory, ManagerFactory, TrainerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_user(studio):
    def make(user: User) -> Client:
        client = Client(HTTP_HOST=host_of(studio))
        client.force_login(user)
        return client

    return make


def test_owner_changes_a_trainers_role_and_it_is_audited(as_user, studio_owner, tenant):
    trainer = TrainerFactory()
    response = as_user(studio_owner).post(f"/people/{trainer.pk}/role/", {"role": "manager"})
    assert response.status_code == 302
    trainer.refresh_from_db()
    assert trainer.role == Role.MANAGER
    event = AuditEvent.objects.get(action="person.change_role")
    assert (event.actor_id, event.target_id, event.metadata) == (
        studio_owner.pk,
        str(trainer.pk),
        {"previous": "trainer", "role": "manager"},
    )


def test_a_manager_may_not_change_roles(as_user, tenant):
    manager, trainer = ManagerFactory(), TrainerFactory()
    response = as_user(manager).post(f"/people/{trainer.pk}/role/", {"role": "owner"})
    assert response.status_code == 403
    trainer.refresh_from_db()
    assert trainer.role == Role.TRAINER
    assert not AuditEvent.objects.filter(action="person.change_role").exists()


@pytest.mark.parametrize("role", ["platform_staff", "boss", ""])
def test_an_unknown_role_changes_nothing(as_user, studio_owner, tenant, role):
    trainer = TrainerFactory()
    as_user(studio_owner).post(f"/people/{trainer.pk}/role/", {"role": role})
    trainer.refresh_from_db()
    assert trainer.role == Role.TRAINER


def test_the_last_owner_cannot_be_demoted_and_nobody_changes_their_own_role(as_user, studio_owner, tenant):
    second = User.objects.create_user(email="co-owner@alpha.test", password="x", role=Role.OWNER)
    page = as_user(second).post(f"/people/{studio_owner.pk}/role/", {"role": "client"}, follow=True)
    studio_owner.refresh_from_db()
    assert studio_owner.role == Role.CLIENT  # allowed: another owner remains
    refused = as_user(second).post(f"/people/{second.pk}/role/", {"role": "client"}, follow=True)
    assert "cannot change your own role" in refused.content.decode()
    second.refresh_from_db()
    assert second.role == Role.OWNER
    assert page.status_code == 200


def test_deactivating_signs_the_person_out_everywhere(as_user, studio_owner, studio, tenant):
    client_person = ClientFactory()
    token_pair_issue(user=client_person)
    their_browser = as_user(client_person)
    assert their_browser.get("/dashboard/").status_code == 200
    response = as_user(studio_owner).post(f"/people/{client_person.pk}/active/", {"active": "0"})
    assert response.status_code == 302
    client_person.refresh_from_db()
    assert client_person.is_active is False
    assert not RefreshToken.objects.filter(user=client_person, revoked_at__isnull=True).exists()
    assert their_browser.get("/dashboard/").status_code == 302  # their session no longer counts
    assert AuditEvent.objects.filter(action="person.deactivate", target_id=str(client_person.pk)).exists()
    # and back
    as_user(studio_owner).post(f"/people/{client_person.pk}/active/", {"active": "1"})
    client_person.refresh_from_db()
    assert client_person.is_active is True


def test_a_manager_deactivates_trainers_but_not_other_managers(as_user, tenant):
    manager, other_manager, trainer = ManagerFactory(), ManagerFactory(), TrainerFactory()
    as_user(manager).post(f"/people/{trainer.pk}/active/", {"active": "0"})
    refused = as_user(manager).post(f"/people/{other_manager.pk}/active/", {"active": "0"})
    trainer.refresh_from_db()
    other_manager.refresh_from_db()
    assert trainer.is_active is False
    assert other_manager.is_active is True
    assert refused.status_code == 302


def test_trainers_and_clients_cannot_deactivate_anyone(as_user, tenant):
    trainer, client_person = TrainerFactory(), ClientFactory()
    assert as_user(trainer).post(f"/people/{client_person.pk}/active/", {"active": "0"}).status_code == 403
    client_person.refresh_from_db()
    assert client_person.is_active is True


def test_owner_exports_everyone_as_csv_and_the_export_is_audited(as_user, studio_owner, tenant):
    TrainerFactory(email="coach@alpha.test")
    response = as_user(studio_owner).get("/people/export.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert {row["email"] for row in rows} == set(User.objects.values_list("email", flat=True))
    event = AuditEvent.objects.get(action="studio.export_people")
    assert event.metadata == {"dataset": "people", "rows": len(rows)}


def test_a_manager_cannot_export(as_user, tenant):
    assert as_user(ManagerFactory()).get("/people/export.csv").status_code == 403
    assert not AuditEvent.objects.filter(action="studio.export_people").exists()


def test_unknown_person_is_a_message_not_a_crash(as_user, studio_owner, tenant):
    response = as_user(studio_owner).post("/people/999999/role/", {"role": "client"}, follow=True)
    assert response.status_code == 200
    assert "no such person" in response.content.decode()
