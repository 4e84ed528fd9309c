"""People of the test studio for the clients / library / programs tests (import into a conftest)."""

from __future__ import annotations

import pytest

from core.models import User
from tests.factories.clients import assigned_client
from tests.factories.core import ClientFactory, ManagerFactory, TrainerFactory


@pytest.fixture
def owner(tenant) -> User:
    return User.objects.get(email=f"owner@{tenant.slug}.test")


@pytest.fixture
def manager(tenant) -> User:
    return ManagerFactory()


@pytest.fixture
def trainer(tenant) -> User:
    return TrainerFactory()


@pytest.fixture
def other_trainer(tenant) -> User:
    return TrainerFactory()


@pytest.fixture
def client_user(trainer) -> User:
    """A client assigned to `trainer`."""
    return assigned_client(trainer)


@pytest.fixture
def stranger(tenant) -> User:
    """A client of the studio assigned to nobody in particular."""
    return ClientFactory()
