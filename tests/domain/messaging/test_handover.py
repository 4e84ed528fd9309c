"""A client moves from trainer A to trainer B: the conversation moves with them (docs/messaging.md).

A loses the thread (cannot read it or write in it: 404, as any thread not theirs), B gets the same
thread with its history and a line "Now with B", what A wrote stays; owners and managers are unaffected.
"""

from __future__ import annotations

import pytest

from domain.messaging import services
from domain.messaging.models import Message, Thread
from tests.domain.api_helpers import send
from tests.factories.clients import assigned_client
from tests.factories.core import ManagerFactory, TrainerFactory

THREADS = "/api/v1/messaging/threads"


@pytest.fixture
def people(tenant):
    """(manager, trainer A, trainer B, client of A) with a conversation of A and the client."""
    manager = ManagerFactory()
    a = TrainerFactory(first_name="Ann", last_name="Able")
    b = TrainerFactory(first_name="Ben", last_name="Baker")
    client = assigned_client(a)
    return manager, a, b, client


def _reassign(api_client, manager, client, trainer_ids: list[int]) -> None:
    status, body = send(
        api_client(manager),
        "put",
        f"/api/v1/clients/{client.pk}",
        {"first_name": client.first_name, "last_name": client.last_name, "status": "active",
         "trainer_ids": trainer_ids},
    )  # fmt: skip
    assert status == 200, body


def _write(api, thread_id: int, body: str):
    return api.post(f"{THREADS}/{thread_id}/messages", {"body": body})


def test_the_old_trainer_loses_the_thread_and_the_new_one_gets_it_with_its_history(api_client, people):
    manager, a, b, client = people
    thread, _ = services.thread_direct_open(actor=a, other_id=client.pk)
    services.message_send(actor=a, thread_id=thread.pk, body="Squats on Monday")
    services.message_send(actor=client, thread_id=thread.pk, body="See you then")
    manager_thread, _ = services.thread_direct_open(actor=manager, other_id=client.pk)
    # when the manager moves the client from A to B
    _reassign(api_client, manager, client, [b.pk])
    # then A can neither read nor write the thread, and no longer lists it
    old = api_client(a)
    assert old.get(f"{THREADS}/{thread.pk}").status_code == 404
    assert old.get(f"{THREADS}/{thread.pk}/messages").status_code == 404
    assert _write(old, thread.pk, "Still here?").status_code == 404
    assert thread.pk not in [t["id"] for t in old.get(THREADS).json()]
    assert send(old, "post", f"{THREADS}/direct", {"user_id": client.pk})[0] == 404  # nor start a new one
    # B has the same thread: the history (A's words under A's name) and the line saying so
    new = api_client(b)
    assert thread.pk in [t["id"] for t in new.get(THREADS).json()]
    history = new.get(f"{THREADS}/{thread.pk}/messages").json()
    assert [(m["sender"]["id"] if m["sender"] else None, m["body"]) for m in history] == [
        (a.pk, "Squats on Monday"),
        (client.pk, "See you then"),
        (None, "Now with Ben Baker."),
    ]
    assert _write(new, thread.pk, "Hi, I'm Ben").status_code == 201
    # the client sees B's message in the same thread, and a direct thread with B is that thread
    assert history[-1]["body"] in [m["body"] for m in api_client(client).get(f"{THREADS}/{thread.pk}/messages").json()]
    assert services.thread_direct_open(actor=client, other_id=b.pk)[0].pk == thread.pk
    # the manager's own conversation with the client is untouched
    assert _write(api_client(manager), manager_thread.pk, "Welcome to Ben's group").status_code == 201


def test_when_the_new_trainer_already_talked_with_the_client_the_histories_join(api_client, people):
    manager, a, b, client = people
    assign_b_too = [a.pk, b.pk]
    _reassign(api_client, manager, client, assign_b_too)
    with_a, _ = services.thread_direct_open(actor=a, other_id=client.pk)
    with_b, _ = services.thread_direct_open(actor=b, other_id=client.pk)
    first = services.message_send(actor=a, thread_id=with_a.pk, body="from A")
    second = services.message_send(actor=b, thread_id=with_b.pk, body="from B")
    # when A is taken off
    _reassign(api_client, manager, client, [b.pk])
    # then one thread holds both, in the order they were sent, and A's thread is gone
    assert not Thread.objects.filter(pk=with_a.pk).exists()
    bodies = list(Message.objects.filter(thread=with_b).order_by("pk").values_list("pk", "body"))
    assert bodies[:2] == [(first.pk, "from A"), (second.pk, "from B")]
    assert bodies[2][1] == "Now with Ben Baker."
    assert api_client(a).get(f"{THREADS}/{with_b.pk}/messages").status_code == 404


def test_with_no_trainer_left_the_client_keeps_the_history_and_cannot_write_into_the_void(api_client, people):
    manager, a, _b, client = people
    thread, _ = services.thread_direct_open(actor=a, other_id=client.pk)
    services.message_send(actor=a, thread_id=thread.pk, body="Last plan attached")
    _reassign(api_client, manager, client, [])
    mine = api_client(client)
    bodies = [m["body"] for m in mine.get(f"{THREADS}/{thread.pk}/messages").json()]
    assert bodies == ["Last plan attached", "Ann Able is no longer your trainer."]
    response = _write(mine, thread.pk, "Hello?")
    assert (response.status_code, response.json()["code"]) == (409, "thread_closed")
    assert Message.objects.filter(thread=thread).count() == 2  # nothing was added
    # A given back the client later starts afresh: the old thread no longer stands for the pair
    _reassign(api_client, manager, client, [a.pk])
    again, created = services.thread_direct_open(actor=a, other_id=client.pk)
    assert created and again.pk != thread.pk  # noqa: PT018
