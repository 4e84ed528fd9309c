from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django_tenants.utils import schema_context, schema_exists

from core.models import Role, User
from tenants.models import Domain, Studio

pytestmark = pytest.mark.django_db


def test_create_studio_command_provisions_a_studio(capsys):
    call_command(
        "create_studio",
        slug="north-gym",
        name="North Gym",
        owner_email="Boss@North.test",
        owner_password="North-gym-2026!",
        timezone="Asia/Tokyo",
    )
    studio = Studio.objects.get(slug="north-gym")
    assert studio.timezone == "Asia/Tokyo"
    assert Domain.objects.filter(tenant=studio, domain="north-gym.localhost").exists()
    with schema_context(studio.schema_name):
        assert User.objects.get().email == "boss@north.test"
    assert "north-gym.localhost" in capsys.readouterr().out


@pytest.mark.parametrize("slug", ["www", "x", "Bad_Slug"])
def test_create_studio_command_reports_a_bad_slug_and_creates_nothing(slug):
    studios = Studio.objects.count()
    with pytest.raises(CommandError) as excinfo:
        call_command("create_studio", slug=slug, name="X", owner_email="a@b.test", owner_password="North-gym-2026!")
    assert "address" in str(excinfo.value)
    assert Studio.objects.count() == studios


def test_create_studio_command_refuses_an_unknown_timezone():
    with pytest.raises(CommandError, match="time zone"):
        call_command(
            "create_studio",
            slug="tz-bad",
            name="X",
            owner_email="a@b.test",
            owner_password="North-gym-2026!",
            timezone="Nowhere/Else",
        )
    assert not schema_exists("studio_tz_bad")


@pytest.mark.parametrize("role", ["owner", "manager", "trainer", "client"])
def test_create_user_command_adds_a_person_with_a_role(studio, role):
    call_command("create_user", studio=studio.slug, email=f"{role}@new.test", password="Person-pass-2026", role=role)
    with schema_context(studio.schema_name):
        user = User.objects.get(email=f"{role}@new.test")
    assert user.role == Role(role)
    assert user.check_password("Person-pass-2026")


def test_create_user_command_refuses_a_duplicate_email(studio):
    with pytest.raises(CommandError, match="already has an account"):
        call_command(
            "create_user",
            studio=studio.slug,
            email=f"owner@{studio.slug}.test",
            password="Person-pass-2026",
            role="client",
        )


def test_create_user_command_refuses_an_unknown_studio_and_a_weak_password(studio):
    with pytest.raises(CommandError, match="no studio"):
        call_command("create_user", studio="nowhere", email="a@b.test", password="Person-pass-2026", role="client")
    with pytest.raises(CommandError, match="too short|too common|entirely numeric"):
        call_command("create_user", studio=studio.slug, email="weak@b.test", password="1234", role="client")
    with schema_context(studio.schema_name):
        assert not User.objects.filter(email="weak@b.test").exists()


def test_create_user_command_refuses_a_role_outside_the_studio_roles(studio):
    with pytest.raises(CommandError):
        call_command(
            "create_user", studio=studio.slug, email="p@b.test", password="Person-pass-2026", role="platform_staff"
        )


def test_create_platform_staff_command_creates_staff_in_public_only(studio):
    call_command("create_platform_staff", email="ops@fitwell.test", password="Platform-ops-2026")
    staff = User.objects.get(email="ops@fitwell.test")
    assert (staff.role, staff.is_staff, staff.is_superuser) == (Role.PLATFORM_STAFF, True, True)
    with schema_context(studio.schema_name):
        assert not User.objects.filter(email="ops@fitwell.test").exists()


def test_people_created_by_an_operator_have_verified_addresses(studio):
    from allauth.account.models import EmailAddress

    call_command(
        "create_user", studio=studio.slug, email="vouched@new.test", password="Person-pass-2026", role="trainer"
    )
    call_command("create_studio", slug="vouched", name="V", owner_email="boss@v.test", owner_password="North-gym-2026!")
    with schema_context(studio.schema_name):
        assert EmailAddress.objects.get(email="vouched@new.test").verified is True
    with schema_context("studio_vouched"):
        assert EmailAddress.objects.get(email="boss@v.test").verified is True


def test_seed_demo_needs_people_and_a_known_studio(studio):
    with pytest.raises(CommandError, match="no studio"):
        call_command("seed_demo", studio="nowhere")
