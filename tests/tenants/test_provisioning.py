"""Provisioning a studio: all of it, or nothing at all."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django_tenants.utils import schema_context, schema_exists

from core.exceptions import ValidationError
from core.models import Role, User
from tenants import schema_pool, services
from tenants.models import Domain, PooledSchema, Studio
from tests.factories.tenants import StudioSignupFactory
from tests.tenants.helpers import snapshot

pytestmark = pytest.mark.django_db


def test_provisioning_creates_a_live_studio_with_domain_owner_and_migrated_schema():
    # given a sign-up
    signup = StudioSignupFactory(slug="iron-temple", name="Iron Temple", timezone="America/New_York")
    # when it is provisioned
    result = services.studio_provision(**signup, owner_first_name="Ada", owner_last_name="Lift")
    # then the studio is live at its subdomain, with its own migrated schema and its owner
    studio = Studio.objects.get(slug="iron-temple")
    assert studio.status == Studio.Status.ACTIVE
    assert studio.schema_name == "studio_iron_temple"
    assert studio.timezone == "America/New_York"
    assert studio.currency == "EUR"
    assert Domain.objects.get(tenant=studio).domain == f"iron-temple.{settings.PLATFORM_DOMAIN}"
    assert schema_exists("studio_iron_temple")
    with schema_context(studio.schema_name):
        owner = User.objects.get()
        assert owner.email == signup["owner_email"]
        assert owner.role == Role.OWNER
        assert owner.first_name == "Ada"
        assert owner.check_password(signup["owner_password"])
        executor = MigrationExecutor(connection)
        assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []
    assert result.owner.pk == owner.pk
    assert result.from_pool is False


@pytest.mark.parametrize(
    ("slug", "code"),
    [
        ("ab", "slug_length"),
        ("a" * 41, "slug_length"),
        ("", "slug_length"),
        ("Iron-Temple", "slug_invalid"),
        ("iron_temple", "slug_invalid"),
        ("iron temple", "slug_invalid"),
        ("-iron", "slug_invalid"),
        ("iron-", "slug_invalid"),
        ("irön", "slug_invalid"),
        ("www", "slug_reserved"),
        ("api", "slug_reserved"),
        ("admin", "slug_reserved"),
        ("app", "slug_reserved"),
        ("static", "slug_reserved"),
        ("media", "slug_reserved"),
        ("template", "slug_reserved"),
    ],
)
def test_bad_slug_is_refused_with_a_clear_error_and_creates_nothing(slug, code):
    before = snapshot()
    with pytest.raises(ValidationError) as excinfo:
        services.studio_provision(**StudioSignupFactory(slug=slug))
    assert excinfo.value.code == code
    assert "slug" in excinfo.value.extra["fields"]
    assert excinfo.value.message
    assert snapshot() == before


def test_second_studio_with_the_same_slug_is_refused():
    services.studio_provision(**StudioSignupFactory(slug="twice"))
    before = snapshot()
    with pytest.raises(ValidationError) as excinfo:
        services.studio_provision(**StudioSignupFactory(slug="twice"))
    assert excinfo.value.code == "slug_taken"
    assert "already taken" in excinfo.value.message
    assert snapshot() == before


@pytest.mark.parametrize(
    ("override", "code", "field"),
    [
        ({"timezone": "Mars/Olympus"}, "studio_invalid", "timezone"),
        ({"currency": "euro"}, "studio_invalid", "currency"),
        ({"name": "   "}, "studio_invalid", "name"),
        ({"owner_email": "not-an-email"}, "email_invalid", "email"),
        ({"owner_password": "123"}, "password_invalid", "password"),
    ],
)
def test_bad_studio_or_owner_fields_are_refused_and_create_nothing(override, code, field):
    before = snapshot()
    with pytest.raises(ValidationError) as excinfo:
        services.studio_provision(**StudioSignupFactory(**override))
    assert excinfo.value.code == code
    assert field in excinfo.value.extra["fields"]
    assert snapshot() == before


def test_failure_mid_way_leaves_no_schema_domain_or_row_behind(monkeypatch):
    # given a step after the schema, studio, domain and owner exist that fails
    def explode(**kwargs):
        assert User.objects.filter(role=Role.OWNER).exists()  # we really are mid-way
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(services, "studio_defaults_create", explode)
    before = snapshot()
    # when provisioning runs
    with pytest.raises(RuntimeError):
        services.studio_provision(**StudioSignupFactory(slug="half-done"))
    # then nothing of it remains
    assert snapshot() == before
    assert not schema_exists("studio_half_done")


def test_pooled_schema_is_claimed_by_rename():
    # given a pool with one ready schema
    assert schema_pool.pool_refill(size=1) == 1
    pooled = PooledSchema.objects.get().schema_name
    # when a studio is provisioned
    result = services.studio_provision(**StudioSignupFactory(slug="from-pool"))
    # then it took the pooled schema, which is gone from the pool
    assert result.from_pool is True
    assert not schema_exists(pooled)
    assert schema_exists("studio_from_pool")
    assert not PooledSchema.objects.exists()
    with schema_context("studio_from_pool"):
        assert User.objects.get().role == Role.OWNER


def test_failure_after_claiming_a_pooled_schema_returns_it_to_the_pool(monkeypatch):
    schema_pool.pool_refill(size=1)
    before = snapshot()
    monkeypatch.setattr(services, "studio_defaults_create", lambda **kw: (_ for _ in ()).throw(RuntimeError("boom")))
    with pytest.raises(RuntimeError):
        services.studio_provision(**StudioSignupFactory(slug="pool-fail"))
    assert snapshot() == before


def test_pool_refill_tops_up_to_size_and_no_further():
    assert schema_pool.pool_refill(size=2) == 2
    assert schema_pool.pool_refill(size=2) == 0
    names = list(PooledSchema.objects.values_list("schema_name", flat=True))
    assert len(names) == 2
    assert all(schema_exists(name) for name in names)
    assert set(schema_pool.extra_schemas_to_migrate()) == {settings.TENANT_BASE_SCHEMA, *names}


def test_sequences_are_independent_between_cloned_studios():
    a = services.studio_provision(**StudioSignupFactory(slug="seq-a")).studio
    b = services.studio_provision(**StudioSignupFactory(slug="seq-b")).studio
    for studio in (a, b):
        with schema_context(studio.schema_name):
            second = User.objects.create_user(email="second@example.test", password="x")
            assert second.pk == 2  # the owner is 1 in each studio: the clone carried the sequence, not a shared one
