"""A person of one studio does not exist in another."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django_tenants.utils import schema_context

from core.models import Role, User
from tests.factories.core import TrainerFactory

pytestmark = pytest.mark.django_db


def test_user_created_in_studio_a_does_not_exist_in_studio_b(studio, other_studio):
    with schema_context(studio.schema_name):
        TrainerFactory(email="coach@example.test")
        assert User.objects.filter(email="coach@example.test").exists()
    with schema_context(other_studio.schema_name):
        assert not User.objects.filter(email="coach@example.test").exists()
    assert not User.objects.filter(email="coach@example.test").exists()  # public schema


def test_same_email_in_two_studios_is_two_people(studio, other_studio):
    call_command("create_user", studio=studio.slug, email="sam@example.test", password="Sam-lifts-2026", role="client")
    call_command(
        "create_user", studio=other_studio.slug, email="sam@example.test", password="Other-pass-2026", role="trainer"
    )
    with schema_context(studio.schema_name):
        in_a = User.objects.get(email="sam@example.test")
    with schema_context(other_studio.schema_name):
        in_b = User.objects.get(email="sam@example.test")
    assert (in_a.role, in_b.role) == (Role.CLIENT, Role.TRAINER)
    assert in_a.check_password("Sam-lifts-2026")
    assert not in_b.check_password("Sam-lifts-2026")


def test_studio_owner_is_not_in_the_other_studio_nor_public(studio, other_studio):
    with schema_context(other_studio.schema_name):
        assert not User.objects.filter(email=f"owner@{studio.slug}.test").exists()
    assert not User.objects.filter(email=f"owner@{studio.slug}.test").exists()
