from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.core.files.storage import storages
from django.test import Client
from django_tenants.utils import schema_context

from core.models import Role, User
from tenants.models import Studio
from tests.conftest import host_of
from tests.factories.core import UserFactory


@pytest.fixture
def media_root(settings, tmp_path: Path) -> Iterator[Path]:
    """Media written under a temporary directory (django-tenants' storage caches its root, so reset it)."""
    storage = storages["default"]
    settings.MEDIA_ROOT = str(tmp_path)
    storage.__dict__.pop("relative_media_root", None)
    yield tmp_path
    storage.__dict__.pop("relative_media_root", None)


@pytest.fixture
def signed_in(studio: Studio) -> Callable[[Role], tuple[Client, User]]:
    """`signed_in(role)`: a person of that role in the studio and a client on its host signed in as them."""

    def make(role: Role) -> tuple[Client, User]:
        with schema_context(studio.schema_name):
            person = (
                User.objects.get(email=f"owner@{studio.slug}.test") if role == Role.OWNER else UserFactory(role=role)
            )
            client = Client(HTTP_HOST=host_of(studio))
            client.force_login(person)  # the session is stored in the studio's schema, as a real sign-in's is
        return client, person

    return make
