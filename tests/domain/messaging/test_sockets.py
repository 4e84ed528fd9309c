"""The messaging socket: refused without a person and across studios; events reach only their studio.

Real parts: the ASGI application of config/asgi.py, channels' WebsocketCommunicator, the Redis channel
layer, rows committed through their own connections (the consumer reads them from other threads).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import translation
from django.utils.translation import gettext

from config.asgi import application
from core.models import Preferences, User
from core.tokens import access_token_issue
from domain.messaging import services
from domain.messaging.models import Thread
from tenants.models import Studio
from tests.concurrency import in_own_connection
from tests.conftest import OTHER_STUDIO_SLUG, STUDIO_SLUG
from tests.factories.clients import assigned_client
from tests.factories.core import ClientFactory, TrainerFactory
from tests.needs import needs
from tests.sockets import SocketClient as WebsocketCommunicator
from tests.sockets import run_apart

pytestmark = [pytest.mark.django_db, needs("redis")]
SAME_ID = 7_700_001  # a person with this id exists in both studios


@dataclass(frozen=True)
class World:
    trainer: int
    client: int
    other_person: int


def _studio(slug: str) -> Studio:
    studio = Studio.objects.get(slug=slug)
    connection.set_tenant(studio)
    return studio


def _make() -> World:
    _studio(OTHER_STUDIO_SLUG)
    ClientFactory(pk=SAME_ID, email="twin@beta.test")
    _studio(STUDIO_SLUG)
    trainer = TrainerFactory(email="coach@sockets.test")
    client = assigned_client(trainer, pk=SAME_ID, email="twin@alpha.test")
    return World(trainer=trainer.pk, client=client.pk, other_person=SAME_ID)


def _remove(world: World) -> None:
    _studio(STUDIO_SLUG)
    Thread.objects.filter(participants__user_id=world.trainer).delete()
    for session in Session.objects.all():
        if session.get_decoded().get(SESSION_KEY) == str(world.client):
            session.delete()
    User.objects.filter(pk__in=[world.trainer, world.client]).delete()
    _studio(OTHER_STUDIO_SLUG)
    User.objects.filter(pk=world.other_person).delete()


@pytest.fixture
def world(db, django_db_blocker) -> Iterator[World]:
    with django_db_blocker.unblock():
        made = in_own_connection(_make)
        try:
            yield made
        finally:
            in_own_connection(lambda: _remove(made))


def _token(slug: str, user_id: int) -> str:
    def issue() -> str:
        _studio(slug)
        return access_token_issue(User.objects.get(pk=user_id))

    return in_own_connection(issue)


def _socket(slug: str, *headers: tuple[bytes, bytes]) -> WebsocketCommunicator:
    host = f"{slug}.localhost".encode()
    return WebsocketCommunicator(
        application, "/ws/messaging/", headers=[(b"host", host), (b"origin", b"http://" + host), *headers]
    )


def _bearer(token: str) -> tuple[bytes, bytes]:
    return (b"authorization", f"Bearer {token}".encode())


def _refused(communicator: WebsocketCommunicator) -> bool:
    async def attempt() -> bool:
        connected, _code = await communicator.connect()
        await communicator.disconnect()
        return not connected

    return run_apart(attempt)


def test_a_socket_without_a_person_is_refused(world):
    assert _refused(_socket(STUDIO_SLUG))
    assert _refused(_socket(STUDIO_SLUG, _bearer("not-a-token")))
    assert _refused(_socket(STUDIO_SLUG, (b"cookie", b"sessionid=forged")))


def test_a_token_of_one_studio_opens_no_socket_at_another(world):
    token = _token(STUDIO_SLUG, world.client)  # the same id exists at beta: the token still proves nothing there
    assert _refused(_socket(OTHER_STUDIO_SLUG, _bearer(token)))
    assert _refused(_socket("localhost-public", _bearer(token)))


def test_a_socket_from_another_site_is_refused(world):
    token = _token(STUDIO_SLUG, world.client)
    host = f"{STUDIO_SLUG}.localhost".encode()
    evil = WebsocketCommunicator(
        application, "/ws/messaging/", headers=[(b"host", host), (b"origin", b"https://evil.example"), _bearer(token)]
    )
    assert _refused(evil)


def _session_cookie(slug: str, user_id: int) -> tuple[bytes, bytes]:
    def login() -> str:
        _studio(slug)
        user = User.objects.get(pk=user_id)
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.save()
        return store.session_key or ""

    return (b"cookie", f"sessionid={in_own_connection(login)}".encode())


def test_events_reach_the_people_of_their_own_studio_only(world):
    alpha = _socket(STUDIO_SLUG, _session_cookie(STUDIO_SLUG, world.client))  # the portal's way: the session
    beta = _socket(OTHER_STUDIO_SLUG, _bearer(_token(OTHER_STUDIO_SLUG, world.other_person)))  # same id, studio B

    def send_from_trainer() -> int:
        studio = _studio(STUDIO_SLUG)
        trainer = User.objects.get(pk=world.trainer)
        thread, _ = services.thread_direct_open(actor=trainer, other_id=world.client)
        assert studio.schema_name == connection.schema_name
        return services.message_send(actor=trainer, thread_id=thread.pk, body="Live hello").pk

    async def scenario() -> tuple[dict, dict, bool]:
        assert (await alpha.connect())[0]
        assert (await beta.connect())[0]
        hello = await alpha.receive_json_from(timeout=5)
        await beta.receive_json_from(timeout=5)
        message_id = await asyncio.get_running_loop().run_in_executor(
            None, lambda: in_own_connection(send_from_trainer)
        )
        events = [await alpha.receive_json_from(timeout=5) for _ in range(2)]
        new = next(e for e in events if e["type"] == "message.new")
        assert new["message"] == message_id
        beta_silent = await beta.receive_nothing(timeout=1)
        await alpha.disconnect()
        await beta.disconnect()
        return hello, new, beta_silent

    hello, new, beta_silent = run_apart(scenario)
    assert hello == {"type": "hello", "user": world.client}
    assert new["type"] == "message.new"
    assert beta_silent, "studio B's socket of a person with the same id got studio A's event"


def test_a_frame_that_is_not_a_json_object_gets_an_error_event_and_the_socket_stays(world):
    socket = _socket(STUDIO_SLUG, _bearer(_token(STUDIO_SLUG, world.client)))
    frames = [
        {"type": "websocket.receive", "text": "not json"},
        {"type": "websocket.receive", "bytes": b"\x00\x01"},
        {"type": "websocket.receive", "text": "[1, 2]"},
        {"type": "websocket.receive", "text": '{"type": "typing", "thread": true}'},  # True is no thread id
    ]

    async def scenario() -> list[dict]:
        assert (await socket.connect())[0]
        await socket.receive_json_from(timeout=5)  # hello
        answers = []
        for frame in frames:
            await socket.send_input(frame)
            answers.append(await socket.receive_json_from(timeout=5))
        await socket.send_json_to({"type": "typing", "thread": 2**70})  # still open, still answering
        answers.append(await socket.receive_json_from(timeout=5))
        await socket.disconnect()
        return answers

    answers = run_apart(scenario)
    assert [answer["type"] for answer in answers] == ["error"] * 5
    assert answers[-1]["code"] == "thread_not_found"


def test_a_trainer_taken_off_a_client_gets_nothing_more_of_their_thread_and_the_new_one_does(world):
    """The socket side of docs/messaging.md "When a trainer changes"."""
    from domain.clients.services import client_update
    from tests.factories.core import ManagerFactory

    def given() -> tuple[int, int, int]:
        _studio(STUDIO_SLUG)
        thread, _ = services.thread_direct_open(actor=User.objects.get(pk=world.trainer), other_id=world.client)
        services.message_send(actor=User.objects.get(pk=world.trainer), thread_id=thread.pk, body="Before")
        return thread.pk, TrainerFactory(email="next@sockets.test").pk, ManagerFactory(email="boss@sockets.test").pk

    def reassign() -> None:
        _studio(STUDIO_SLUG)
        client = User.objects.get(pk=world.client)
        client_update(
            actor=User.objects.get(pk=manager_id),
            client_id=client.pk,
            first_name=client.first_name,
            last_name=client.last_name,
            phone=client.phone,
            status="active",
            trainer_ids=[successor_id],
        )

    def client_writes() -> int:
        _studio(STUDIO_SLUG)
        return services.message_send(actor=User.objects.get(pk=world.client), thread_id=thread_id, body="After").pk

    def cleanup() -> None:
        from core.models import AuditEvent

        _studio(STUDIO_SLUG)
        Thread.objects.filter(participants__user_id=world.client).delete()
        AuditEvent.objects.filter(actor_id=manager_id).delete()  # committed: would outlive the test's rollback
        User.objects.filter(pk__in=[successor_id, manager_id]).delete()

    thread_id, successor_id, manager_id = in_own_connection(given)
    try:
        old = _socket(STUDIO_SLUG, _bearer(_token(STUDIO_SLUG, world.trainer)))
        new = _socket(STUDIO_SLUG, _bearer(_token(STUDIO_SLUG, successor_id)))

        async def scenario() -> tuple[dict, list[dict], bool, dict]:
            loop = asyncio.get_running_loop()
            for socket in (old, new):
                assert (await socket.connect())[0]
                await socket.receive_json_from(timeout=5)  # hello
            await loop.run_in_executor(None, lambda: in_own_connection(reassign))
            closed = await old.receive_json_from(timeout=5)
            message_id = await loop.run_in_executor(None, lambda: in_own_connection(client_writes))
            events = [await new.receive_json_from(timeout=5) for _ in range(3)]  # created, message, notification
            old_silent = await old.receive_nothing(timeout=1)
            await old.send_json_to({"type": "read", "thread": thread_id, "message": message_id})
            refused = await old.receive_json_from(timeout=5)
            await old.disconnect()
            await new.disconnect()
            return closed, events, old_silent, refused

        closed, events, old_silent, refused = run_apart(scenario)
    finally:
        in_own_connection(cleanup)
    assert closed == {"type": "thread.closed", "thread": thread_id}
    assert {"type": "thread.created", "thread": thread_id} in events
    assert any(e["type"] == "message.new" and e["thread"] == thread_id for e in events)
    assert old_silent, "the trainer taken off the client still got the thread's events"
    assert (refused["type"], refused["code"]) == ("error", "thread_not_found")


def test_a_socket_idle_for_longer_than_the_layers_blocking_pop_stays_open_and_still_gets_events(world):
    """redis-py 8 reads with a 5 s socket timeout by default, the channel layer blocks 5 s waiting for an
    event: every socket quiet for 5 s died with 'Timeout reading from 127.0.0.1:6379' (an ASGI error) and
    the browser fell back to polling. The layer's Redis connections must outwait its own blocking pop."""
    from channels.layers import get_channel_layer

    idle = get_channel_layer().brpop_timeout + 2  # type: ignore[union-attr]
    socket = _socket(STUDIO_SLUG, _session_cookie(STUDIO_SLUG, world.client))

    def send_from_trainer() -> int:
        _studio(STUDIO_SLUG)
        trainer = User.objects.get(pk=world.trainer)
        thread, _ = services.thread_direct_open(actor=trainer, other_id=world.client)
        return services.message_send(actor=trainer, thread_id=thread.pk, body="Still there?").pk

    async def scenario() -> tuple[bool, list[dict], int]:
        assert (await socket.connect())[0]
        await socket.receive_json_from(timeout=5)  # hello
        quiet = await socket.receive_nothing(timeout=idle)
        message_id = await asyncio.get_running_loop().run_in_executor(
            None, lambda: in_own_connection(send_from_trainer)
        )
        events = [await socket.receive_json_from(timeout=5) for _ in range(2)]
        await socket.disconnect()
        return quiet, events, message_id

    quiet, events, message_id = run_apart(scenario)
    assert quiet
    assert any(e["type"] == "message.new" and e["message"] == message_id for e in events)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("de", ["Erwartet wird ein JSON-Objekt {type, thread}.", "Erwartet wird {type, thread}.", "Unbekannter Typ."]),
        ("es", ["Se espera un objeto JSON {type, thread}.", "Se espera {type, thread}.", "Tipo desconocido."]),
        ("", ["Expected a JSON object {type, thread}.", "Expected {type, thread}.", "Unknown type."]),
    ],
)
def test_error_events_speak_the_persons_language(world, language, expected):
    def choose() -> None:
        _studio(STUDIO_SLUG)
        Preferences.objects.update_or_create(user_id=world.client, defaults={"language": language})

    # given a client who chose a language ("" is the studio's, English)
    in_own_connection(choose)
    socket = _socket(STUDIO_SLUG, _bearer(_token(STUDIO_SLUG, world.client)))
    frames = ["not json", '{"thread": "x"}', '{"type": "shout", "thread": 1}', '{"type": "typing", "thread": 9}']

    async def scenario() -> list[dict]:
        assert (await socket.connect())[0]
        await socket.receive_json_from(timeout=5)  # hello
        answers = []
        for frame in frames:
            await socket.send_input({"type": "websocket.receive", "text": frame})
            answers.append(await socket.receive_json_from(timeout=5))
        await socket.disconnect()
        return answers

    # when the socket gets frames it cannot act on
    try:
        answers = run_apart(scenario)
    finally:
        in_own_connection(lambda: (_studio(STUDIO_SLUG), Preferences.objects.filter(user_id=world.client).delete()))
    # then each error event is in the person's language, a service's refusal too
    assert [answer["detail"] for answer in answers[:3]] == expected
    assert answers[3]["code"] == "thread_not_found"
    with translation.override(language or "en"):
        assert answers[3]["detail"] == gettext("Conversation not found.")
