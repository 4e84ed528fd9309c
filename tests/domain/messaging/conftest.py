from __future__ import annotations

import pytest

from core.models import User
from tests.domain.progress.conftest import jpeg, upload  # noqa: F401 - the same files as progress photos
from tests.domain.workouts.conftest import client_user, trainer  # noqa: F401 - the same people
from tests.factories.core import ManagerFactory
from tests.portal.conftest import media_root  # noqa: F401 - the same temporary media root as the portal tests


@pytest.fixture
def manager(tenant) -> User:
    return ManagerFactory()
