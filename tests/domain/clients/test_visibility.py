"""Who sees which client: owner and manager all, a trainer their assigned clients, a client only themself."""

from __future__ import annotations

import pytest

from core.exceptions import NotFoundError
from domain.clients.selectors import client_get, client_list
from tests.factories.clients import assigned_client

pytestmark = pytest.mark.django_db


def test_each_role_sees_exactly_its_clients(owner, manager, trainer, other_trainer, client_user, stranger):
    others = assigned_client(other_trainer)
    everyone = {client_user.pk, stranger.pk, others.pk}
    assert everyone <= set(client_list(actor=owner).values_list("pk", flat=True))
    assert everyone <= set(client_list(actor=manager).values_list("pk", flat=True))
    assert set(client_list(actor=trainer).values_list("pk", flat=True)) == {client_user.pk}
    assert set(client_list(actor=client_user).values_list("pk", flat=True)) == {client_user.pk}


def test_a_client_outside_ones_scope_is_not_found(trainer, client_user, stranger):
    assert client_get(actor=trainer, client_id=client_user.pk) == client_user
    with pytest.raises(NotFoundError):
        client_get(actor=trainer, client_id=stranger.pk)
    with pytest.raises(NotFoundError):
        client_get(actor=client_user, client_id=stranger.pk)
    with pytest.raises(NotFoundError):
        client_get(actor=client_user, client_id=trainer.pk)  # staff are not clients


def test_search_and_filters(manager, trainer, client_user, stranger):
    client_user.first_name, client_user.last_name = "Zora", "Quill"
    client_user.save()
    assert list(client_list(actor=manager, search="zora qui")) == [client_user]
    assert list(client_list(actor=manager, trainer_id=trainer.pk)) == [client_user]
