"""The onboarding checklist on the studio dashboard reflects what the studio has really set up."""

from __future__ import annotations

import re

import pytest
from django_tenants.utils import schema_context

from core.models import Role
from tenants.models import Studio
from tests.factories.core import ClientFactory, TrainerFactory

pytestmark = pytest.mark.django_db


def checklist(client) -> dict[str, bool]:
    body = client.get("/dashboard/").content.decode()
    return {key: done == "true" for key, done in re.findall(r'data-item="(\w+)" data-done="(\w+)"', body)}


def test_a_new_studio_has_every_step_still_to_do(signed_in):
    client, _owner = signed_in(Role.OWNER)
    assert checklist(client) == {"branding": False, "trainers": False, "clients": False, "payments": False}
    body = client.get("/dashboard/").content.decode()
    assert "0 of 4 done" in body
    assert 'href="/settings/branding/"' in body
    assert 'href="/people/?role=trainer#invite"' in body
    assert 'href="/people/?role=client#invite"' in body
    assert 'href="/billing/#payments"' in body


def test_steps_are_ticked_off_as_the_studio_sets_itself_up(studio, signed_in):
    client, _owner = signed_in(Role.OWNER)
    # when the studio picks its colours and gets a trainer and a client
    Studio.objects.filter(pk=studio.pk).update(primary_color="#123456")
    with schema_context(studio.schema_name):
        TrainerFactory()
        ClientFactory()
    # then those steps show as done; payments waits for Stripe Connect onboarding
    assert checklist(client) == {"branding": True, "trainers": True, "clients": True, "payments": False}
    assert "3 of 4 done" in client.get("/dashboard/").content.decode()


def test_inactive_people_do_not_count(studio, signed_in):
    client, _owner = signed_in(Role.OWNER)
    with schema_context(studio.schema_name):
        TrainerFactory(is_active=False)
    assert checklist(client)["trainers"] is False


def test_a_manager_sees_the_checklist_without_the_owner_only_branding_link(signed_in):
    client, _manager = signed_in(Role.MANAGER)
    body = client.get("/dashboard/").content.decode()
    assert "Get your studio ready" in body
    assert 'href="/settings/branding/"' not in body
    assert 'href="/people/?role=client#invite"' in body


@pytest.mark.parametrize("role", [Role.TRAINER, Role.CLIENT])
def test_trainers_and_clients_do_not_see_the_checklist(signed_in, role):
    client, _person = signed_in(role)
    response = client.get("/dashboard/")
    assert response.status_code == 200
    assert "Get your studio ready" not in response.content.decode()
