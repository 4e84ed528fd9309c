from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from core.exceptions import PermissionDeniedError
from core.models import Role, User
from core.permissions import PERMISSIONS, can, is_management, is_studio_staff, matrix, require


def person(role: Role, pk: int = 1, active: bool = True) -> User:
    return User(pk=pk, email=f"{role}@x.test", role=role, is_active=active)


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.OWNER, True),
        (Role.MANAGER, True),
        (Role.TRAINER, False),
        (Role.CLIENT, False),
        (Role.PLATFORM_STAFF, False),
    ],
)
def test_only_owners_and_managers_invite_trainers(role, allowed):
    assert can(person(role), "people.invite_trainer") is allowed


def test_unknown_actions_anonymous_and_inactive_people_are_refused():
    assert not can(person(Role.OWNER), "no.such.action")
    assert not can(AnonymousUser(), "studio.view")
    assert not can(person(Role.OWNER, active=False), "studio.view")
    assert not can(None, "studio.view")


def test_a_client_may_act_only_on_their_own_objects():
    me, other = person(Role.CLIENT, pk=7), person(Role.CLIENT, pk=8)

    class Owned:
        def __init__(self, client_id: int) -> None:
            self.client_id = client_id

    assert can(me, "studio.view", me)
    assert not can(me, "studio.view", other)
    assert can(me, "studio.view", Owned(7))
    assert not can(me, "studio.view", Owned(8))
    assert not can(me, "studio.view", object())


def test_require_raises_a_403_error():
    with pytest.raises(PermissionDeniedError) as excinfo:
        require(person(Role.CLIENT), "people.invite_client")
    assert excinfo.value.status_code == 403


def test_role_helpers():
    assert is_studio_staff(person(Role.TRAINER))
    assert not is_studio_staff(person(Role.CLIENT))
    assert is_management(person(Role.MANAGER))
    assert not is_management(person(Role.TRAINER))


def test_platform_actions_are_for_platform_staff_only():
    for role in (Role.OWNER, Role.MANAGER, Role.TRAINER, Role.CLIENT):
        assert not can(person(role), "platform.suspend_studio")
    assert can(person(Role.PLATFORM_STAFF), "platform.suspend_studio")


def test_matrix_lists_every_action():
    assert [action for action, _roles in matrix()] == sorted(PERMISSIONS)


def test_readme_carries_the_current_permission_matrix():
    from pathlib import Path

    from core.permissions import matrix_markdown

    readme = (Path(__file__).resolve().parents[2] / "docs" / "access.md").read_text()
    assert matrix_markdown() in readme, "run `python manage.py permissions_matrix` and paste it into docs/access.md"
