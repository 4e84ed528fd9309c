"""Fixtures of this area."""

from tests.domain.people_fixtures import *  # noqa: F403
