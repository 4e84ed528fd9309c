from __future__ import annotations

import pytest

from core.models import User
from domain.programs.models import AssignmentType, ClientProgram
from tests.factories.clients import assigned_client
from tests.factories.core import TrainerFactory
from tests.factories.workouts import assign_program


@pytest.fixture
def trainer(tenant) -> User:
    return TrainerFactory()


@pytest.fixture
def client_user(tenant, trainer) -> User:
    """A client assigned to `trainer`."""
    return assigned_client(trainer)


@pytest.fixture
def dynamic_program(client_user, trainer) -> ClientProgram:
    return assign_program(client=client_user, actor=trainer, assignment_type=AssignmentType.DYNAMIC_PROGRESSIVE)


@pytest.fixture
def static_program(client_user, trainer) -> ClientProgram:
    return assign_program(client=client_user, actor=trainer, assignment_type=AssignmentType.STATIC)
